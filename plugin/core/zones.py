"""Heat answered for the analyst's own zones: hourly heat of S2 cells shared out to polygons.

Pure (numpy and shapely, no Qt). Geometries arrive in one equal-area projection (the QGIS layer
projects both cells and zones), so an area ratio there is the ratio on the ellipsoid.

Methods:
- AREA: a cell's heat is shared by area: zone z gets heat × area(cell ∩ z) / area(cell). When the
  zones partition the cells' area the shares of every cell add up to 1 and heat is conserved.
- CENTROID: a cell's whole heat goes to every zone holding its centroid.

A cell may come once per fence (a cell on the border of two fences is in both): each
(cell, date) is counted once. A zone no cell touches has no heat (None), not zero heat: Jike
answers only where it has data, so a missing cell is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime

import numpy as np

from . import shapely_lib
from .shapely_lib import BaseGeometry

HOURS = 24
AREA, CENTROID = 0, 1
METHODS = (AREA, CENTROID)
WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())


@dataclass
class CellDays:
    """Distinct cells and their days, as arrays (the rows of an hourly heat layer, deduplicated)."""

    tokens: list  # cell token per cell
    polygons: np.ndarray  # shapely polygons per cell, in the equal-area projection
    cell_of_row: np.ndarray  # (rows,) index into tokens
    dates: list  # datetime.date per row
    hours: np.ndarray  # (rows, 24) float64
    duplicates: int = 0  # rows dropped because their (cell, date) came already


class CellDaysBuilder:
    """Collects rows of an hourly heat layer; a (cell, date) seen again is dropped (fences overlap)."""

    def __init__(self):
        self._cell_index = {}
        self._tokens = []
        self._seen = set()
        self._cells, self._dates, self._hours = [], [], []
        self.duplicates = 0
        self.first_refs = []  # per cell: the ``ref`` of its first row (where to find its geometry)

    def add(self, token, day, hours, ref=None):
        if (token, day) in self._seen:
            self.duplicates += 1
            return
        self._seen.add((token, day))
        index = self._cell_index.get(token)
        if index is None:
            index = self._cell_index[token] = len(self._tokens)
            self._tokens.append(token)
            self.first_refs.append(ref)
        self._cells.append(index)
        self._dates.append(day)
        self._hours.append(hours)

    @property
    def tokens(self):
        return list(self._tokens)

    def rows(self):
        """(date, 24 hours) of every distinct cell-day, in reading order."""
        return zip(self._dates, self._hours)

    def build(self, polygons):
        """``polygons``: one shapely polygon per distinct cell, in the order of ``tokens``."""
        hours = np.array(self._hours, dtype=np.float64).reshape(-1, HOURS)
        return CellDays(
            self._tokens,
            np.asarray(polygons, dtype=object),
            np.array(self._cells, dtype=np.int64),
            list(self._dates),
            hours,
            self.duplicates,
        )


# -- an equal-area projection (Lambert azimuthal on the WGS84 ellipsoid's authalic sphere) -----------

_A = 6378137.0
_E2 = 0.00669437999014
_E = math.sqrt(_E2)


def _q(sin_lat):
    return (1 - _E2) * (sin_lat / (1 - _E2 * sin_lat**2) - np.log((1 - _E * sin_lat) / (1 + _E * sin_lat)) / (2 * _E))


_QP = float(_q(np.float64(1.0)))
_RQ = _A * math.sqrt(_QP / 2)


def _authalic(lat_deg):
    return np.arcsin(np.clip(_q(np.sin(np.radians(lat_deg))) / _QP, -1.0, 1.0))


def equal_area(lnglat: np.ndarray, centre: tuple[float, float]) -> np.ndarray:
    """(n, 2) lng/lat degrees → (n, 2) metres of a Lambert azimuthal equal-area projection centred
    on ``centre`` (lng, lat): areas there are areas on the WGS84 ellipsoid."""
    lnglat = np.asarray(lnglat, dtype=np.float64)
    beta, beta0 = _authalic(lnglat[:, 1]), _authalic(np.float64(centre[1]))
    dlng = np.radians(lnglat[:, 0] - centre[0])
    k = np.sqrt(2 / (1 + np.sin(beta0) * np.sin(beta) + np.cos(beta0) * np.cos(beta) * np.cos(dlng)))
    x = _RQ * k * np.cos(beta) * np.sin(dlng)
    y = _RQ * k * (np.cos(beta0) * np.sin(beta) - np.sin(beta0) * np.cos(beta) * np.cos(dlng))
    return np.column_stack((x, y))


def project_geometries(geometries: Sequence[BaseGeometry], centre: tuple[float, float]) -> np.ndarray:
    """Shapely geometries in lng/lat → the equal-area projection centred on ``centre``."""
    return shapely_lib.transform(geometries, lambda xy: equal_area(xy, centre))


@dataclass
class Shares:
    """Which cells reach which zone, and with what share of their heat (sparse)."""

    cell: np.ndarray  # (pairs,) cell index
    zone: np.ndarray  # (pairs,) zone index
    weight: np.ndarray  # (pairs,) share of the cell's heat given to the zone
    covered_area: np.ndarray  # (zones,) area of the zone covered by cells
    zone_area: np.ndarray  # (zones,)


def shares(cell_polygons: np.ndarray, zone_polygons: np.ndarray, method: int = AREA) -> Shares:
    """The :class:`Shares` of cells in zones (both arrays of shapely polygons, one projection)."""
    if method not in METHODS:
        raise ValueError(f"method must be {AREA} (area) or {CENTROID} (centroid), not {method!r}")
    zones = np.asarray(zone_polygons, dtype=object)
    cells = np.asarray(cell_polygons, dtype=object)
    zone_area = shapely_lib.area(zones) if len(zones) else np.zeros(0)
    covered = np.zeros(len(zones))
    empty = np.zeros(0, dtype=np.int64)
    if not len(cells) or not len(zones):
        return Shares(empty, empty, np.zeros(0), covered, zone_area)
    zone_idx, cell_idx = shapely_lib.query_pairs(cells, zones, "intersects")
    if len(zone_idx):
        pieces = shapely_lib.intersection(cells[cell_idx], zones[zone_idx])
        piece_area = shapely_lib.area(pieces)
        # Coverage: the cells' union within each zone (cells do not overlap: S2 cells of one
        # level tile the sphere; of mixed levels they may, so the union is taken per zone).
        for z in np.unique(zone_idx):
            mine = zone_idx == z
            covered[z] = shapely_lib.union_all(pieces[mine]).area if mine.sum() > 1 else piece_area[mine][0]
    else:
        piece_area = np.zeros(0)
    if method == AREA:
        cell_area = shapely_lib.area(cells)[cell_idx]
        weight = np.divide(piece_area, cell_area, out=np.zeros_like(piece_area), where=cell_area > 0)
        keep = weight > 0
        return Shares(cell_idx[keep], zone_idx[keep], weight[keep], covered, zone_area)
    zone_c, cell_c = shapely_lib.query_pairs(shapely_lib.centroid(cells), zones, "contains")
    return Shares(cell_c, zone_c, np.ones(len(cell_c)), covered, zone_area)


@dataclass
class ZoneHeat:
    """The answer for every zone, in zone order; heat values are None where no cell reached."""

    heat_total: list
    cells: np.ndarray
    covered_share: np.ndarray
    mean_day: list
    avg_hours: list  # per zone: 24 floats, or None
    peak_hour: list
    weekday_mean: list
    weekend_mean: list
    dates: list = field(default_factory=list)  # the distinct dates, sorted
    day_hours: np.ndarray | None = None  # (zones, dates, 24): the heat of each zone, date and hour (nan: no data)


def zone_heat(cell_days: CellDays, zone_shares: Shares, zone_count: int) -> ZoneHeat:
    """Aggregate a :class:`CellDays` through :class:`Shares` into a :class:`ZoneHeat`."""
    dates, day_hours, seen = _zone_day_hours(cell_days, zone_shares, zone_count)
    cells = (
        np.bincount(zone_shares.zone, minlength=zone_count)
        if len(zone_shares.zone)
        else np.zeros(zone_count, dtype=np.int64)
    )
    covered = np.divide(
        zone_shares.covered_area, zone_shares.zone_area, out=np.zeros(zone_count), where=zone_shares.zone_area > 0
    )
    result = ZoneHeat(
        heat_total=[],
        cells=cells,
        covered_share=covered,
        mean_day=[],
        avg_hours=[],
        peak_hour=[],
        weekday_mean=[],
        weekend_mean=[],
        dates=dates,
        day_hours=day_hours,
    )
    weekend = np.array([d.weekday() in WEEKEND for d in dates], dtype=bool)
    for z in range(zone_count):
        _add_zone_summary(result, day_hours[z], seen[z] if cells[z] else np.zeros(len(dates), dtype=bool), weekend)
    return result


def _zone_day_hours(cell_days: CellDays, zone_shares: Shares, zone_count: int):
    """(the dates, (zones, dates, 24) heat with nan where no cell has the day, (zones, dates) seen).

    Every (cell, zone) pair is expanded to the cell's rows (one per date), and the weighted hours
    are summed per (zone, date) with one ``bincount`` per hour: memory follows the pairs, never
    cells × dates × zones."""
    dates = sorted(set(cell_days.dates))
    date_index = {d: k for k, d in enumerate(dates)}
    row_date = np.array([date_index[d] for d in cell_days.dates], dtype=np.int64)
    rows_of_cell, first_row = _rows_by_cell(cell_days.cell_of_row, len(cell_days.tokens))
    counts = np.diff(first_row)[zone_shares.cell] if len(zone_shares.cell) else np.zeros(0, dtype=np.int64)
    pair = np.repeat(np.arange(len(zone_shares.cell)), counts)
    # The k-th row of each pair's cell: first_row[cell] + (position within the pair's run).
    run_start = np.repeat(np.cumsum(counts) - counts, counts)
    rows = (
        rows_of_cell[np.repeat(first_row[zone_shares.cell], counts) + np.arange(len(pair)) - run_start]
        if len(pair)
        else np.zeros(0, dtype=np.int64)
    )
    key = zone_shares.zone[pair] * len(dates) + row_date[rows]
    size = zone_count * len(dates)
    weight = zone_shares.weight[pair]
    if not size:
        return dates, np.zeros((zone_count, len(dates), HOURS)), np.zeros((zone_count, len(dates)), dtype=bool)
    per_zone = np.stack(
        [np.bincount(key, weights=cell_days.hours[rows, h] * weight, minlength=size) for h in range(HOURS)], axis=1
    ).reshape(zone_count, len(dates), HOURS)
    seen = (np.bincount(key, minlength=size) > 0).reshape(zone_count, len(dates))
    return dates, np.where(seen[:, :, None], per_zone, np.nan), seen


def _add_zone_summary(result: ZoneHeat, day_hours: np.ndarray, seen: np.ndarray, weekend: np.ndarray) -> None:
    """Append one zone's totals, mean day, average hours, peak hour and weekday/weekend means
    (None for each when no cell of the zone has any day)."""
    summaries = (
        result.heat_total,
        result.mean_day,
        result.avg_hours,
        result.peak_hour,
        result.weekday_mean,
        result.weekend_mean,
    )
    if not seen.any():
        for values in summaries:
            values.append(None)
        return
    hours = day_hours[seen]  # (days, 24)
    totals = hours.sum(axis=1)
    avg = hours.mean(axis=0)
    result.heat_total.append(float(totals.sum()))
    result.mean_day.append(float(totals.mean()))
    result.avg_hours.append([float(v) for v in avg])
    result.peak_hour.append(int(np.argmax(avg)))
    for flag, values in ((False, result.weekday_mean), (True, result.weekend_mean)):
        chosen = totals[weekend[seen] == flag]
        values.append(float(chosen.mean()) if len(chosen) else None)


def _rows_by_cell(cell_of_row, cell_count):
    """(row numbers ordered by cell, offsets): the rows of cell c are rows[first[c]:first[c + 1]]."""
    order = np.argsort(cell_of_row, kind="stable")
    first = np.zeros(cell_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(cell_of_row, minlength=cell_count), out=first[1:])
    return order, first


def as_date(value: Date | datetime | str) -> Date:
    """A datetime.date from what a layer gives (a date, a datetime, or 'YYYY-MM-DD')."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, Date):
        return value
    return Date.fromisoformat(str(value)[:10])
