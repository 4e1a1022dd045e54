"""The time profile of cell-days: each cell-day once, a missing day absent (pure core)."""

from datetime import date

import numpy as np

from crowdheat.plugin.core.profile import profile_of_rows
from crowdheat.plugin.core.zones import CellDaysBuilder


def test_a_cell_day_counts_once_and_a_missing_day_is_absent():
    builder = CellDaysBuilder()  # what the hourly heat reader keeps: each cell-day once
    builder.add("a", date(2025, 4, 14), [1] * 24)
    builder.add("a", date(2025, 4, 14), [100] * 24)  # the same cell-day from another fence
    builder.add("b", date(2025, 4, 14), list(range(24)))
    builder.add("b", date(2025, 4, 15), [2] * 24)
    profile = profile_of_rows(builder.rows(), "2 cells")
    assert profile.days == [date(2025, 4, 14), date(2025, 4, 15)]
    assert profile.heat[0, 23] == 24 and profile.heat[1, 0] == 2
    assert profile.peak_hour == 23 and np.allclose(profile.mean, (profile.heat[0] + profile.heat[1]) / 2)
