"""Time profiles: heat by day and hour of a set of cells or zones (pure, no Qt).

A profile is a (days × 24) matrix of summed heat. A (cell, date) counted twice (a cell on the
border of two fences) counts once (the reader keeps each once); a day nobody saw is absent, not zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date

import numpy as np

HOURS = 24


@dataclass
class Profile:
    days: list  # datetime.date, sorted
    heat: np.ndarray  # (days, 24) float
    what: str = ""  # what the profile is of ("12 cells", "3 zones")

    @property
    def mean(self):
        """Mean heat of each hour over the days (24 floats)."""
        return self.heat.mean(axis=0) if len(self.days) else np.zeros(HOURS)

    @property
    def peak_hour(self):
        return int(np.argmax(self.mean)) if len(self.days) else None

    def is_empty(self):
        return not len(self.days)


def profile_of_rows(rows: Iterable[tuple[Date, Sequence[float]]], what: str = "") -> Profile:
    """The :class:`Profile` of (date, 24 hours) rows already distinct per key and date (the
    cell-days an hourly heat layer reader keeps once each): the hours summed per date."""
    by_day: dict[Date, np.ndarray] = {}
    for day, hours in rows:
        by_day[day] = by_day.get(day, 0) + np.asarray(hours, dtype=np.float64)
    days = sorted(by_day)
    return Profile(days, np.array([by_day[d] for d in days]).reshape(-1, HOURS), what)


class ProfileBuilder:
    """Adds one hour of one key (a zone id) at a time, once per (key, date, hour)."""

    def __init__(self):
        self._seen = set()
        self._by_day = {}

    def add_hour(self, key, day, hour, heat):
        """One hour of one key (the zone-hour table's rows)."""
        if (key, day, hour) in self._seen:
            return
        self._seen.add((key, day, hour))
        total = self._by_day.setdefault(day, np.zeros(HOURS))
        total[hour] += heat

    def build(self, what=""):
        days = sorted(self._by_day)
        heat = np.array([self._by_day[d] for d in days]).reshape(-1, HOURS)
        return Profile(days, heat, what)
