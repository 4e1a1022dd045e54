"""Heat by zone, the QGIS side: read an hourly heat layer and a zone layer into the pure core
(``core/zones.py``), and write the answer as features. The algorithm and the dock share it."""

from dataclasses import dataclass

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate

from ..core import s2cells, shapely_lib, zones
from ..core.errors import InputError
from ..core.heat_answer import HOURS
from ..i18n import tr
from . import heat_layers, sinks
from .compat import fields_of, unique_names
from .heat_layers import HOUR_FIELDS

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
AVG_FIELDS = [f"avg_h{h:02d}" for h in range(HOURS)]
ZONE_FIELDS = (
    [
        ("zone_fid", "long", "the zone's feature id in the zone layer: the key of the zone-hour table"),
        ("heat_total", "double", "heat of every returned cell-day shared into the zone"),
        ("cells", "int", "cells reaching the zone"),
        ("covered_share", "double", "share of the zone's area covered by returned cells (0…1)"),
        ("mean_day", "double", "mean heat per day with data"),
    ]
    + [(name, "double", f"mean heat {h:02d}:00-{h + 1:02d}:00") for h, name in enumerate(AVG_FIELDS)]
    + [
        ("peak_hour", "int", "hour of the highest mean"),
        ("weekday_mean", "double", "mean heat per weekday (Beijing calendar)"),
        ("weekend_mean", "double", "mean heat per Saturday or Sunday (Beijing calendar)"),
    ]
)
HOURS_FIELDS = [
    ("zone_fid", "long", "the zone's feature id"),
    ("date", "date", "the day (Beijing)"),
    ("hour", "int", "hour of the day, 0-23"),
    ("heat", "double", "heat of the zone in that hour"),
]


class HeatLayerError(InputError):
    """The input is not an hourly heat layer."""


def as_day(value):
    """A datetime.date from a date field's value (a QDate, or what an OGR source gives)."""
    return value.toPyDate() if isinstance(value, QDate) else zones.as_date(value)


def read_heat(source, is_cancelled=None, fids=None):
    """(builder of cell-days, rows read) from an hourly heat layer (fields cell_token or cell_id,
    date, h00…h23), each (cell, date) once, with the feature id of each cell's first row;
    ``fids``: only those features. Geometry is not read: a cell's polygon follows from its token."""
    names = [f.name() for f in source.fields()]
    lower = {n.lower(): n for n in names}
    token_field = lower.get("cell_token") or lower.get("cell_id")
    missing = [n for n in ["date"] + HOUR_FIELDS if n not in lower]
    if token_field is None or missing:
        missing = (["cell_token"] if token_field is None else []) + missing
        raise HeatLayerError(
            "The input is not an hourly heat layer: it needs the fields cell_token (or cell_id), date and h00…h23 "
            f"as crowdheat:heatmap writes them; missing: {', '.join(missing)}."
        )
    columns = [token_field, lower["date"]] + [lower[h] for h in HOUR_FIELDS]
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes(columns, source.fields())
    if fids is not None:
        request.setFilterFids(list(fids))
    indexes = [names.index(c) for c in columns]
    builder = zones.CellDaysBuilder()
    rows = 0
    for feature in source.getFeatures(request):
        if is_cancelled and rows % 10000 == 0 and is_cancelled():
            break
        values = feature.attributes()
        token, day = values[indexes[0]], values[indexes[1]]
        if token in (None, "") or day is None or (hasattr(day, "isNull") and day.isNull()):
            continue
        if token_field.lower() == "cell_id":
            token = s2cells.id_to_token(int(token))
        builder.add(str(token), as_day(day), [float(values[i] or 0) for i in indexes[2:]], feature.id())
        rows += 1
    return builder, rows


def cell_polygons(tokens):
    """(equal-area polygons of the cells, the projection's centre (lng, lat))."""
    ids = np.array([s2cells.token_to_id(t) for t in tokens], dtype=np.uint64)
    rings = s2cells.cell_rings(ids) if len(ids) else np.zeros((0, 5, 2))
    centre = tuple(rings[:, :4].reshape(-1, 2).mean(axis=0)) if len(ids) else (0.0, 0.0)
    projected = zones.equal_area(rings.reshape(-1, 2), centre).reshape(-1, 5, 2) if len(ids) else rings
    return shapely_lib.polygons(projected), centre


def read_zones(source, source_crs, centre, transform_context, is_cancelled=None, fids=None):
    """(zone features, equal-area shapely polygons) in the source's order; invalid rings are
    repaired; ``fids``: only those features."""
    to_wgs84 = QgsCoordinateTransform(source_crs, WGS84, transform_context)
    features, shapes = [], []
    request = QgsFeatureRequest()
    if fids is not None:
        request.setFilterFids(list(fids))
    for feature in source.getFeatures(request):
        if is_cancelled and is_cancelled():
            break
        features.append(feature)
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            shapes.append(shapely_lib.Polygon())
            continue
        if QgsWkbTypes.isCurvedType(geometry.wkbType()):  # GEOS reads no curves: straighten them first
            geometry = QgsGeometry(geometry.constGet().segmentize())
        geometry.transform(to_wgs84)
        shapes.append(shapely_lib.make_valid(shapely_lib.from_wkb(geometry.asWkb())))
    return features, zones.project_geometries(shapes, centre) if shapes else np.zeros(0, dtype=object)


def own_fields(input_fields, fixed_names):
    """(copies of a zone layer's fields, renamed where they clash with ``fixed_names``; {old: new})."""
    names, renames = unique_names([f.name() for f in input_fields], fixed_names)
    fields = QgsFields()
    for field, name in zip(input_fields, names):
        copy = type(field)(field)
        copy.setName(name)
        fields.append(copy)
    return fields, renames


def zone_fields(input_fields):
    """(the output's fields: the zone's own first, then the answer's; {zone field: new name})."""
    fields, renames = own_fields(input_fields, [name for name, _, _ in ZONE_FIELDS])
    return fields_of(ZONE_FIELDS, fields), renames


def renamed_notes(renames):
    """What to say of zone fields kept under another name ({zone field: new name})."""
    return [
        tr("Zone field '{0}' is kept as '{1}': the output has a field of that name.").format(original, renamed)
        for original, renamed in renames.items()
    ]


def hours_fields():
    return fields_of(HOURS_FIELDS)


@dataclass
class ZoneRun:
    answer: zones.ZoneHeat
    rows: int
    cells: int
    duplicates: int
    zones: int
    hour_rows: int = 0  # rows written to the zone-hour table (0 when none was asked)

    def summary(self):
        return tr(
            "{0:,} cell-days of {1:,} cells shared into {2:,} zones ({3:,} repeated cell-days "
            "of overlapping fences counted once); {4:,} zones reached by no cell (heat NULL)."
        ).format(
            self.rows - self.duplicates,
            self.cells,
            self.zones,
            self.duplicates,
            sum(1 for value in self.answer.heat_total if value is None),
        )


def heat_by_zone(
    heat_source,
    zone_source,
    zone_crs,
    method,
    zones_sink,
    hours_sink,
    transform_context,
    is_cancelled=None,
    zone_fids=None,
):
    """Read, share, aggregate and write. ``hours_sink`` may be None; ``zone_fids``: only those zones."""
    builder, rows = read_heat(heat_source, is_cancelled)
    features, answer, cell_days = share_into_zones(
        builder, zone_source, zone_crs, method, transform_context, is_cancelled, zone_fids
    )
    write_zones(features, answer, zones_sink)
    hour_rows = write_hours(features, answer, hours_sink) if hours_sink is not None else 0
    return ZoneRun(answer, rows, len(builder.tokens), cell_days.duplicates, len(features), hour_rows)


def share_into_zones(builder, zone_source, zone_crs, method, transform_context, is_cancelled=None, zone_fids=None):
    """(zone features, their :class:`zones.ZoneHeat`, the cell-days) of heat read by :func:`read_heat`."""
    polygons, centre = cell_polygons(builder.tokens)
    cell_days = builder.build(polygons)
    features, shapes = read_zones(zone_source, zone_crs, centre, transform_context, is_cancelled, zone_fids)
    answer = zones.zone_heat(cell_days, zones.shares(cell_days.polygons, shapes, method), len(features))
    return features, answer, cell_days


def write_zones(features, answer, sink, chunk=2000):
    out = []
    for k, feature in enumerate(features):
        avg = answer.avg_hours[k] or [None] * HOURS
        copy = QgsFeature()
        copy.setGeometry(feature.geometry())
        copy.setAttributes(
            feature.attributes()
            + [
                feature.id(),
                answer.heat_total[k],
                int(answer.cells[k]),
                float(answer.covered_share[k]),
                answer.mean_day[k],
            ]
            + list(avg)
            + [answer.peak_hour[k], answer.weekday_mean[k], answer.weekend_mean[k]]
        )
        out.append(copy)
        if len(out) >= chunk:
            sinks.write(sink, out, "heat by zone")
    sinks.write(sink, out, "heat by zone")


def write_hours(features, answer, sink, chunk=20000):
    """Write the zone-hour rows; returns how many, for the output to be checked against."""
    out, written = [], 0
    days = [QDate(d.year, d.month, d.day) for d in answer.dates]
    for k, feature in enumerate(features):
        grid = answer.day_hours[k]
        for d, day in enumerate(days):
            if np.isnan(grid[d, 0]):
                continue  # no cell of the zone has this day: unknown, not zero
            for hour in range(HOURS):
                row = QgsFeature()
                row.setAttributes([feature.id(), day, hour, float(grid[d, hour])])
                out.append(row)
        if len(out) >= chunk:
            written += sinks.write(sink, out, "zone-hour rows")
    return written + sinks.write(sink, out, "zone-hour rows")


def zone_breaks(answer):
    return heat_layers.class_breaks([v for v in answer.heat_total if v is not None])


def style_zones(layer, uppers):
    """Graduated on heat_total (zones without data, NULL, are left undrawn: unknown, not zero)."""
    layer.setRenderer(heat_layers.graduated_renderer('"heat_total"', uppers))
    layer.triggerRepaint()
