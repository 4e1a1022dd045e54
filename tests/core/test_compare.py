"""Two periods compared and anomalies found, in the pure core, against sums written out by hand
(dicts and loops, no numpy)."""

import datetime as dt
import math
import random
import statistics

import numpy as np
import pytest

from crowdheat.plugin.core import compare
from crowdheat.plugin.core.errors import InputError

NOV = [dt.date(2025, 11, d) for d in range(1, 31)]


def unit_days(rows, units):
    return compare.UnitDays(
        np.array([u for u, _, _ in rows], dtype=np.int64),
        [d for _, d, _ in rows],
        np.array([h for _, _, h in rows], dtype=np.float64).reshape(-1, 24),
        units,
    )


def random_rows(seed=7, units=30, dates=NOV[:28], missing=0.3):
    """Heat counts with holes: some units have no row on some dates (no heat that day)."""
    rng = random.Random(seed)
    rows = []
    for u in range(units):
        for d in dates:
            if rng.random() > missing:
                rows.append((u, d, [rng.randrange(0, 50) for _ in range(24)]))
    return rows


def by_hand_mean(rows, unit, dates, hour=None):
    total = 0.0
    for u, d, hours in rows:
        if u == unit and d in dates:
            total += sum(hours) if hour is None else hours[hour]
    return total / len(dates)


def test_means_count_a_missing_row_as_zero_over_the_dates_with_any_data():
    rows = random_rows()
    data = unit_days(rows, 30)
    a, b = compare.periods(compare.PERIODS, "2025-11-01..2025-11-14", "2025-11-15..2025-11-30", data.data_dates())
    assert a.dates == tuple(NOV[:14]) and b.dates == tuple(NOV[14:28])  # 29–30 Nov: no data, not counted
    result = compare.compare(data, a, b)
    for unit in range(30):
        assert result.mean_a[unit, compare.DAY] == pytest.approx(by_hand_mean(rows, unit, a.dates), abs=1e-9)
        assert result.mean_b[unit, compare.DAY] == pytest.approx(by_hand_mean(rows, unit, b.dates), abs=1e-9)
        for hour in (0, 13, 23):
            expected = by_hand_mean(rows, unit, b.dates, hour) - by_hand_mean(rows, unit, a.dates, hour)
            assert result.diff[unit, hour] == pytest.approx(expected, abs=1e-9)
    ratio = result.ratio
    assert ratio[3] == pytest.approx(by_hand_mean(rows, 3, b.dates) / by_hand_mean(rows, 3, a.dates), rel=1e-12)


def test_a_unit_without_rows_is_unknown_and_a_zero_mean_has_no_ratio():
    rows = [(0, NOV[0], [1] * 24), (1, NOV[5], [2] * 24)]  # unit 2: no rows at all
    data = unit_days(rows, 3)
    a, b = compare.periods(compare.PERIODS, "2025-11-01", "2025-11-06", data.data_dates())
    result = compare.compare(data, a, b)
    assert result.mean_a[0, compare.DAY] == 24 and result.mean_b[0, compare.DAY] == 0
    assert result.mean_a[1, compare.DAY] == 0 and math.isnan(result.ratio[1])
    assert np.isnan(result.mean_a[2]).all() and np.isnan(result.mean_b[2]).all()


def test_presets_choose_weekdays_against_weekend_and_the_last_seven_days_against_the_seven_before():
    dates = NOV[:20]  # 1 Nov 2025 is a Saturday
    a, b = compare.periods(compare.WEEKDAYS_VS_WEEKEND, "", "", dates)
    assert all(d.weekday() < 5 for d in a.dates) and {d.weekday() for d in b.dates} == {5, 6}
    assert len(a.dates) + len(b.dates) == 20
    a, b = compare.periods(compare.LAST_7_VS_7_BEFORE, "", "", dates)
    assert b.dates == tuple(NOV[13:20]) and a.dates == tuple(NOV[6:13])
    assert (a.label, b.label) == ("2025-11-07..2025-11-13", "2025-11-14..2025-11-20")


@pytest.mark.parametrize(
    "text_a, text_b, message",
    [
        ("1 Nov", "2025-11-02", "Period A '1 Nov' is not a period: write it as YYYY-MM-DD..YYYY-MM-DD"),
        ("2025-11-09..2025-11-02", "2025-11-02", "ends before it begins"),
        ("2025-11-01", "2026-01-01..2026-01-09", r"Period B \(2026-01-01..2026-01-09\) has no date with data"),
    ],
)
def test_a_period_that_cannot_be_read_or_has_no_data_says_what_to_write(text_a, text_b, message):
    with pytest.raises(InputError, match=message):
        compare.periods(compare.PERIODS, text_a, text_b, NOV[:10])


def test_anomalies_are_z_scores_against_the_same_weekday_of_period_a():
    rows = random_rows(seed=11, units=12, dates=NOV[:28], missing=0.2)
    event = NOV[26]  # a Thursday of B: unit 4 at 18:00 ten times its usual
    rows = [(u, d, [v * 10 if (u, d, h) == (4, event, 18) else v for h, v in enumerate(hours)]) for u, d, hours in rows]
    if not any(u == 4 and d == event for u, d, _ in rows):
        rows.append((4, event, [0] * 18 + [500] + [0] * 5))
    data = unit_days(rows, 12)
    a, b = compare.periods(compare.PERIODS, "2025-11-01..2025-11-21", "2025-11-22..2025-11-28", data.data_dates())
    days = list(compare.anomalies(data, a, b))
    assert [d.date for d in days] == list(b.dates)
    for day in days:
        same_weekday = [d for d in a.dates if d.weekday() == day.date.weekday()]
        assert day.base_days == len(same_weekday) == 3
        for k, unit in enumerate(day.units):
            for column in (0, 18, compare.DAY):

                def value(d, unit=unit, column=column):
                    hours = next((h for u, dd, h in rows if u == unit and dd == d), [0] * 24)
                    return sum(hours) if column == compare.DAY else hours[column]

                history = [value(d) for d in same_weekday]
                mean, sd = statistics.fmean(history), statistics.stdev(history)
                expected = (value(day.date) - mean) / sd if sd > 0 else math.nan
                assert day.mean[k, column] == pytest.approx(mean, abs=1e-9)
                assert day.z[k, column] == pytest.approx(expected, abs=1e-9, nan_ok=True)
    event_day = next(d for d in days if d.date == event)
    k = list(event_day.units).index(4)
    assert compare.peak(event_day.z[k])[0] == 18 and event_day.z[k, 18] > 3


def test_anomalies_without_two_dates_of_a_weekday_in_a_are_undefined():
    rows = random_rows(seed=3, units=4, dates=NOV[:14], missing=0.0)
    data = unit_days(rows, 4)
    a, b = compare.periods(compare.PERIODS, "2025-11-01..2025-11-07", "2025-11-08..2025-11-14", data.data_dates())
    for day in compare.anomalies(data, a, b):
        assert day.base_days == 1 and np.isnan(day.z).all()
        assert compare.peak(day.z[0]) == (None, None)
