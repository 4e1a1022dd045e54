"""What changed, the QGIS side: read an hourly heat layer or an archive (per cell, or shared into
zones as heat by zone does) into the pure core (``core/compare.py``), and write one feature per
cell or zone, and one per unit-day of period B with its z-scores. The algorithm and the dock share it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qgis.core import QgsFeature, QgsFeatureRequest, QgsFields, QgsGeometry
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from ..core import compare
from ..core.errors import InputError
from ..core.heat_answer import HOURS
from . import heat_layers, heat_zones, sinks
from .compat import fields_of, make_field

DIFF_FIELDS = [f"diff_h{h:02d}" for h in range(HOURS)]
Z_FIELDS = [f"z_h{h:02d}" for h in range(HOURS)]
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COMPARE_FIELDS = [
    ("period_a", "string", "period A (its dates with data: days_a)"),
    ("period_b", "string", "period B (its dates with data: days_b)"),
    ("days_a", "int", "dates of period A with any data in the input"),
    ("days_b", "int", "dates of period B with any data in the input"),
    ("mean_a", "double", "mean day heat over period A (a day without a row counts 0)"),
    ("mean_b", "double", "mean day heat over period B (a day without a row counts 0)"),
    ("diff", "double", "mean_b - mean_a"),
    ("ratio", "double", "mean_b / mean_a (NULL where mean_a is 0)"),
] + [
    (name, "double", f"difference of the mean heat {h:02d}:00-{h + 1:02d}:00, B - A")
    for h, name in enumerate(DIFF_FIELDS)
]
ANOMALY_FIELDS = [
    ("date", "date", "a day of period B (Beijing)"),
    ("start", "datetime", "day start, 00:00 Beijing wall-clock time"),
    ("end", "datetime", "next day 00:00"),
    ("weekday", "string", "its weekday"),
    ("day_heat", "double", "the day's heat (0 when the input has no row for it)"),
    ("base_day", "double", "mean day heat on the same weekday in period A"),
    ("base_days", "int", "dates of that weekday in period A (z needs 2 or more)"),
    ("z_day", "double", "(day_heat - base_day) / standard deviation of those days; NULL when undefined"),
    ("peak_z_hour", "int", "the hour whose z-score is farthest from 0"),
    ("peak_z", "double", "its z-score"),
] + [
    (name, "double", f"z-score of {h:02d}:00-{h + 1:02d}:00 against the same weekday and hour of A")
    for h, name in enumerate(Z_FIELDS)
]
# z-scores are dimensionless: one legend for every anomaly layer.
Z_LIMITS = [1.0, 2.0, 3.0]


def _value(x):
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass
class Units:
    """What is compared: the unit-days, and per unit its key attributes and geometry."""

    days: compare.UnitDays
    key_fields: QgsFields
    keys: list  # per unit: its key attributes (a list)
    geometries: list  # per unit: QgsGeometry
    wkb_type: int
    crs: object
    rows: int  # rows read from the input
    duplicates: int  # (cell, date) rows that came twice (overlapping fences), counted once
    renames: dict = None  # {zone field: its name in the outputs} where it clashed with ours


def cell_units(source, is_cancelled=None):
    """The cells of an hourly heat layer or archive, each with the geometry of its first row (in the
    input's CRS, whatever output coordinates it was written in)."""
    builder, rows = heat_zones.read_heat(source, is_cancelled)
    tokens = builder.tokens
    fid_of_cell = builder.first_refs
    geometries = [None] * len(tokens)
    where = {fid: k for k, fid in enumerate(fid_of_cell)}
    request = QgsFeatureRequest().setFilterFids(list(fid_of_cell)).setNoAttributes()
    for feature in source.getFeatures(request):
        geometries[where[feature.id()]] = QgsGeometry(feature.geometry())
    cell_of_row, dates, hours = _rows(builder)
    key_fields = fields_of([("cell_token", "string", "S2 cell token")])
    return Units(
        compare.UnitDays(cell_of_row, dates, hours, len(tokens)),
        key_fields,
        [[t] for t in tokens],
        geometries,
        source.wkbType(),
        source.sourceCrs(),
        rows,
        builder.duplicates,
    )


def _rows(builder):
    cells = builder.build(np.zeros(len(builder.tokens), dtype=object))
    return cells.cell_of_row, cells.dates, cells.hours


def zone_units(source, zone_source, method, transform_context, is_cancelled=None):
    """The zones, with the heat of the cells shared into them as heat by zone shares it; a zone no
    cell reaches has no rows (unknown). Keys: the zone's own fields and its feature id."""
    builder, rows = heat_zones.read_heat(source, is_cancelled)
    features, answer, cell_days = heat_zones.share_into_zones(
        builder, zone_source, zone_source.sourceCrs(), method, transform_context, is_cancelled
    )
    zone, date = np.nonzero(~np.isnan(answer.day_hours[:, :, 0])) if len(features) else ([], [])
    days = compare.UnitDays(
        np.asarray(zone, dtype=np.int64),
        [answer.dates[d] for d in date],
        answer.day_hours[zone, date] if len(zone) else np.zeros((0, HOURS)),
        len(features),
    )
    fixed = ["zone_fid"] + [name for name, _, _ in COMPARE_FIELDS + ANOMALY_FIELDS]
    key_fields, renames = heat_zones.own_fields(zone_source.fields(), fixed)
    key_fields.append(make_field("zone_fid", "long", "the zone's feature id in the zone layer"))
    return Units(
        days,
        key_fields,
        [f.attributes() + [f.id()] for f in features],
        [QgsGeometry(f.geometry()) for f in features],
        zone_source.wkbType(),
        zone_source.sourceCrs(),
        rows,
        cell_days.duplicates,
        renames,
    )


def compare_fields(units):
    return fields_of(COMPARE_FIELDS, units.key_fields)


def anomaly_fields(units):
    return fields_of(ANOMALY_FIELDS, units.key_fields)


def write_comparison(units, result, sink, chunk=2000):
    """One feature per unit (a zone no cell reaches: its numbers NULL)."""
    out = []
    diff = result.diff
    ratio = result.ratio
    for k, key in enumerate(units.keys):
        feature = QgsFeature()
        feature.setGeometry(units.geometries[k])
        feature.setAttributes(
            list(key)
            + [result.a.label, result.b.label, len(result.a.dates), len(result.b.dates)]
            + [_value(result.mean_a[k, compare.DAY]), _value(result.mean_b[k, compare.DAY])]
            + [_value(diff[k, compare.DAY]), _value(ratio[k])]
            + [_value(v) for v in diff[k, :HOURS]]
        )
        out.append(feature)
        if len(out) >= chunk:
            sinks.write(sink, out, "compared heat")
    sinks.write(sink, out, "compared heat")
    return len(units.keys)


def write_anomalies(units, days, sink, chunk=5000):
    """One feature per unit and date of period B; returns (features written, the largest |z_day|)."""
    written, strongest = 0, None
    out = []
    for day in days:
        qdate = QDate(day.date.year, day.date.month, day.date.day)
        times = [qdate, QDateTime(qdate, QTime(0, 0)), QDateTime(qdate.addDays(1), QTime(0, 0))]
        weekday = WEEKDAY_NAMES[day.date.weekday()]
        for k, unit in enumerate(day.units.tolist()):
            z = day.z[k]
            hour, peak_z = compare.peak(z)
            z_day = _value(z[compare.DAY])
            if z_day is not None and (strongest is None or abs(z_day) > abs(strongest[0])):
                strongest = (z_day, unit, day.date)
            feature = QgsFeature()
            feature.setGeometry(units.geometries[unit])
            feature.setAttributes(
                list(units.keys[unit])
                + times
                + [weekday, float(day.values[k, compare.DAY]), _value(day.mean[k, compare.DAY]), day.base_days]
                + [z_day, hour, peak_z]
                + [_value(v) for v in z[:HOURS]]
            )
            out.append(feature)
            if len(out) >= chunk:
                written += sinks.write(sink, out, "anomalies")
    return written + sinks.write(sink, out, "anomalies"), strongest


def diff_limits(result):
    return heat_layers.symmetric_limits(result.diff[:, compare.DAY][result.known])


def style_comparison(layer, limits):
    """Diverging on ``diff``, centred on zero: red where B is higher, blue where lower."""
    layer.setRenderer(heat_layers.diverging_renderer("diff", limits))
    layer.triggerRepaint()


def style_anomalies(layer):
    """Diverging on ``z_day`` with fixed classes (±1, ±2, ±3), one day at a time in the Temporal Controller."""
    labels = ["z < −3", "−3 … −2", "−2 … −1", "−1 … 1 (usual)", "1 … 2", "2 … 3", "z > 3"]
    layer.setRenderer(heat_layers.diverging_renderer("z_day", Z_LIMITS, labels=labels))
    heat_layers.time_from_fields(layer)
    layer.triggerRepaint()


def period_span(period):
    """The Temporal Controller's range for a period's dates."""
    return heat_layers.date_span(period.dates[0], period.dates[-1])


def check_units(units):
    if not units.days.units or not len(units.days.unit):
        raise InputError("The input holds no heat to compare (no cell-day with a date and hours).")


def describe(result):
    """One line for the log: the periods and the dates with data in each."""

    def dates(period):
        return (
            ", ".join(d.isoformat() for d in period.dates)
            if len(period.dates) <= 14
            else (f"{period.dates[0]} … {period.dates[-1]}")
        )

    return (
        f"Period A ({result.a.label}): {len(result.a.dates)} date(s) with data: {dates(result.a)}. "
        f"Period B ({result.b.label}): {len(result.b.dates)}: {dates(result.b)}."
    )
