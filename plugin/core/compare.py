"""What changed between two periods of hourly heat, and which days stand out. Pure (numpy, no Qt).

The input is a set of *units* (S2 cells, or the analyst's zones) and their days: one row of 24
hourly values per (unit, date) that has data. The rules, decided here once:

- A period's dates are calendar dates (Beijing); only those on which the input has any data at
  all count (``days_a``, ``days_b``). On such a date a unit without a row counts 0: Jike answers
  only cells with heat, so a cell missing on a day the service answered had none.
- ``mean_a``/``mean_b``: the mean day heat (sum of the 24 hours) over those dates; ``diff`` is
  B − A, ``ratio`` B / A (undefined where A is 0); per hour of day, the difference of the hour's
  means.
- Anomalies: each unit-day of B against the same weekday of A, hour by hour and for the whole
  day: z = (value − mean) / standard deviation (sample, n − 1) over A's dates of that weekday,
  zeros counted as above. z is undefined (NaN) where A has fewer than two dates of that weekday
  or the baseline does not vary: no z-score can be trusted there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .errors import InputError

HOURS = 24
DAY = HOURS  # column of the day's total beside the 24 hours
WEEKEND = (5, 6)
PERIODS, WEEKDAYS_VS_WEEKEND, LAST_7_VS_7_BEFORE = 0, 1, 2
PRESETS = (PERIODS, WEEKDAYS_VS_WEEKEND, LAST_7_VS_7_BEFORE)


@dataclass(frozen=True)
class Period:
    label: str
    dates: tuple  # the dates of the period that have data in the input, sorted


@dataclass
class UnitDays:
    """Rows of (unit, date, 24 hours); ``known``: units with any row (a zone no cell reaches has
    no rows at all, and its heat is unknown rather than zero)."""

    unit: np.ndarray  # (rows,) int64
    dates: list  # datetime.date per row
    hours: np.ndarray  # (rows, 24) float64
    units: int

    @property
    def known(self):
        return np.bincount(self.unit, minlength=self.units) > 0 if len(self.unit) else np.zeros(self.units, bool)

    def data_dates(self):
        return sorted(set(self.dates))


def parse_period(text: str, name: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM-DD..YYYY-MM-DD`` (inclusive; one date alone is a one-day period)."""
    first, sep, last = str(text or "").strip().partition("..")
    try:
        begin = dt.date.fromisoformat(first.strip())
        end = dt.date.fromisoformat(last.strip()) if sep else begin
    except ValueError:
        raise InputError(
            f"Period {name} '{text}' is not a period: write it as YYYY-MM-DD..YYYY-MM-DD (both dates included), "
            "e.g. 2025-11-01..2025-11-07."
        ) from None
    if end < begin:
        raise InputError(f"Period {name} '{text}' ends before it begins: write the earlier date first.")
    return begin, end


def periods(preset: int, text_a: str, text_b: str, data_dates: list) -> tuple[Period, Period]:
    """Periods A and B: as typed, or a preset over the input's dates (``data_dates``, sorted)."""
    if not data_dates:
        raise InputError("The input holds no heat: there is nothing to compare.")
    span = f"{data_dates[0]} – {data_dates[-1]}"
    if preset == WEEKDAYS_VS_WEEKEND:
        chosen = (
            Period("weekdays", tuple(d for d in data_dates if d.weekday() not in WEEKEND)),
            Period("weekend", tuple(d for d in data_dates if d.weekday() in WEEKEND)),
        )
    elif preset == LAST_7_VS_7_BEFORE:
        last = data_dates[-1]
        b_first, a_first = last - dt.timedelta(days=6), last - dt.timedelta(days=13)
        chosen = (
            Period(f"{a_first}..{b_first - dt.timedelta(days=1)}", _within(data_dates, a_first, b_first)),
            Period(f"{b_first}..{last}", _within(data_dates, b_first, last + dt.timedelta(days=1))),
        )
    else:
        periods = []
        for name, text in (("A", text_a), ("B", text_b)):
            begin, end = parse_period(text, name)
            periods.append(Period(f"{begin}..{end}", _within(data_dates, begin, end + dt.timedelta(days=1))))
        chosen = (periods[0], periods[1])
    for name, period in zip("AB", chosen):
        if not period.dates:
            raise InputError(
                f"Period {name} ({period.label}) has no date with data: the input holds {span}. Choose dates inside it."
            )
    return chosen


def _within(dates, begin, end_exclusive):
    return tuple(d for d in dates if begin <= d < end_exclusive)


def _with_day(hours):
    """(rows, 25): the 24 hours and the day's total."""
    return np.column_stack((hours, hours.sum(axis=1)))


def _sums(unit_days, rows, units):
    """(units, 25) sums of the chosen rows' hours and day totals."""
    values = _with_day(unit_days.hours[rows])
    unit = unit_days.unit[rows]
    return np.stack([np.bincount(unit, weights=values[:, c], minlength=units) for c in range(HOURS + 1)], axis=1)


@dataclass
class Comparison:
    a: Period
    b: Period
    known: np.ndarray  # (units,) bool
    mean_a: np.ndarray  # (units, 25): mean of each hour, then of the day (NaN: unit unknown)
    mean_b: np.ndarray

    @property
    def diff(self):
        return self.mean_b - self.mean_a

    @property
    def ratio(self):
        """B / A of the day means; NaN where A is 0 or the unit is unknown."""
        a, b = self.mean_a[:, DAY], self.mean_b[:, DAY]
        return np.divide(b, a, out=np.full(len(a), np.nan), where=a != 0)


def compare(unit_days: UnitDays, a: Period, b: Period) -> Comparison:
    known = unit_days.known
    means = []
    for period in (a, b):
        chosen = set(period.dates)
        rows = np.fromiter((d in chosen for d in unit_days.dates), dtype=bool, count=len(unit_days.dates))
        mean = _sums(unit_days, rows, unit_days.units) / len(period.dates)
        mean[~known] = np.nan
        means.append(mean)
    return Comparison(a, b, known, *means)


@dataclass
class Baseline:
    """Per unit and weekday (0 Monday … 6 Sunday): mean and sample standard deviation of each hour
    and of the day over period A's dates of that weekday; ``days``: how many dates that is."""

    mean: np.ndarray  # (units, 7, 25)
    sd: np.ndarray  # (units, 7, 25), NaN where days < 2
    days: np.ndarray  # (7,)


def baseline(unit_days: UnitDays, a: Period) -> Baseline:
    units = unit_days.units
    days = np.bincount([d.weekday() for d in a.dates], minlength=7)
    chosen = set(a.dates)
    rows = np.flatnonzero([d in chosen for d in unit_days.dates])
    weekday = np.array([unit_days.dates[r].weekday() for r in rows], dtype=np.int64)
    key = unit_days.unit[rows] * 7 + weekday
    values = _with_day(unit_days.hours[rows])
    size = units * 7

    def per_key(weights):
        return np.stack([np.bincount(key, weights=weights[:, c], minlength=size) for c in range(HOURS + 1)], axis=1)

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (per_key(values).reshape(units, 7, HOURS + 1)) / days[None, :, None]
        # Squared deviations of the rows present, then of the zeros of the dates a unit has no row on.
        deviation = values - mean.reshape(size, HOURS + 1)[key]
        present = np.bincount(key, minlength=size).reshape(units, 7)
        squares = per_key(deviation**2).reshape(units, 7, HOURS + 1)
        squares += (days[None, :] - present)[:, :, None] * mean**2
        sd = np.sqrt(squares / (days[None, :, None] - 1))
    sd[:, days < 2, :] = np.nan
    mean[:, days == 0, :] = np.nan
    return Baseline(mean, sd, days)


@dataclass
class DayAnomalies:
    """Every known unit on one date of period B."""

    date: dt.date
    units: np.ndarray  # (n,) unit indexes
    values: np.ndarray  # (n, 25): the hours and the day's total (0 where the unit has no row)
    mean: np.ndarray  # (n, 25): the baseline's mean
    z: np.ndarray  # (n, 25): NaN where undefined
    base_days: int


def anomalies(unit_days: UnitDays, a: Period, b: Period):
    """Yield :class:`DayAnomalies` for each date of B, in order (memory: one date at a time)."""
    base = baseline(unit_days, a)
    known = np.flatnonzero(unit_days.known)
    rows_of_date: dict[dt.date, list[int]] = {}
    for r, d in enumerate(unit_days.dates):
        rows_of_date.setdefault(d, []).append(r)
    slot = np.full(unit_days.units, -1, dtype=np.int64)
    slot[known] = np.arange(len(known))
    for date in b.dates:
        values = np.zeros((len(known), HOURS + 1))
        rows = np.array(rows_of_date.get(date, []), dtype=np.int64)
        if len(rows):
            values[slot[unit_days.unit[rows]]] = _with_day(unit_days.hours[rows])
        weekday = date.weekday()
        mean, sd = base.mean[known, weekday], base.sd[known, weekday]
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(sd > 0, (values - mean) / sd, np.nan)
        yield DayAnomalies(date, known, values, mean, z, int(base.days[weekday]))


def peak(z_row):
    """(the hour whose |z| is largest, its z) of one row's 24 hourly z-scores; (None, None) if none is defined."""
    hours = z_row[:HOURS]
    if np.isnan(hours).all():
        return None, None
    hour = int(np.nanargmax(np.abs(hours)))
    return hour, float(hours[hour])
