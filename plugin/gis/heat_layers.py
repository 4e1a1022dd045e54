"""Heat answers to features, layers, styles and time: shared by Processing and the dock.

Speed matters here (10,000 cells × 10 days is 100,000 features): cell polygons are computed
for all cells at once (numpy S2 maths), turned into WKB in one buffer, parsed once per cell and
shared by the cell's days; attribute lists come from whole-array ``tolist()`` calls; features
go to the sink in chunks. Layer-agnostic: any ``QgsFeatureSink`` (memory, GeoPackage, PostGIS).
"""

import math

import numpy as np
from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsFeature,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsInterval,
    QgsLayerTreeLayer,
    QgsRendererRange,
    QgsStyle,
    QgsTemporalNavigationObject,
    QgsUnitTypes,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from ..core import coords, heat_answer, s2cells
from ..core.jike import CRS as HEAT_CRS
from . import sinks
from .compat import fields_of, memory_layer

HOUR_FIELDS = [f"h{h:02d}" for h in range(heat_answer.HOURS)]
AVG_FIELDS = [f"avg_h{h:02d}" for h in range(heat_answer.HOURS)]
CHUNK = 2_000  # features per addFeatures: short GIL holds (~15 ms with 64-bit hours) at the same throughput
HOURLY_LAYER_NAME = "Hourly heat"
CELLS_LAYER_NAME = "Cells"
# The value the hourly layer's colour shows: the hour that the Temporal Controller's frame starts
# at, or the day's mean hour when no temporal range is active (then @map_start_time is NULL).
HOUR_VALUE_EXPRESSION = (
    'if(@map_start_time IS NULL, "day_heat" / 24.0, array_get(array('
    + ", ".join(f'"{name}"' for name in HOUR_FIELDS)
    + "), hour(@map_start_time)))"
)
RAMP = "YlOrRd"
CLASSES = 7


# One row per input feature and cell (and day): however many parts or tiles brought the cell.
_IDENTITY = [
    ("fence_id", "int", "id of the source feature (0 for a circle)"),
    ("cell_token", "string", "S2 cell token"),
    ("cell_id", "string", "S2 cell id, decimal"),
    ("level", "int", "S2 level"),
]


def has_cell_days(fields):
    """Whether ``fields`` hold cell-days: a cell (cell_token or cell_id), a date and h00…h23 —
    what heat by zone, comparisons and time profiles read from an hourly heat layer."""
    names = {f.name().lower() for f in fields}
    return bool(names & {"cell_token", "cell_id"}) and {"date", *HOUR_FIELDS} <= names


def has_time_span(fields):
    """Whether ``fields`` hold the start and end of each row's day and h00…h23 — what the Temporal
    Controller plays an hourly heat layer by (its styles give it time from them)."""
    names = {f.name().lower() for f in fields}
    return {"start", "end", *HOUR_FIELDS} <= names


def hourly_fields():
    return fields_of(
        _IDENTITY
        + [
            ("date", "date", "day (Beijing)"),
            ("start", "datetime", "day start, 00:00 Beijing wall-clock time"),
            ("end", "datetime", "next day 00:00 Beijing wall-clock time"),
            # 64-bit: a valid heat value goes up to 2^53 (core.heat_answer.MAX_HEAT); a 32-bit field refuses 3e9.
        ]
        + [(name, "long", f"heat {h:02d}:00-{h + 1:02d}:00") for h, name in enumerate(HOUR_FIELDS)]
        + [
            ("day_heat", "long", "sum of the day's hours"),
            ("peak_hour", "int", "hour of the day's highest heat (first if tied)"),
        ]
    )


def cell_fields():
    return fields_of(
        _IDENTITY
        + [
            ("cell_heat", "long", "the service's total for the cell"),
            ("days", "int", "days returned for the cell"),
            ("mean_day", "double", "mean heat per returned day"),
        ]
        + [(name, "double", f"mean heat {h:02d}:00 over the days") for h, name in enumerate(AVG_FIELDS)]
        + [
            ("peak_hour", "int", "hour of the highest mean heat"),
        ]
    )


def polygon_wkbs(rings):
    """WKB polygons (one ring of 5 points each) for an (n, 5, 2) array, built in one buffer."""
    count = len(rings)
    record = np.dtype([("order", "u1"), ("type", "<u4"), ("rings", "<u4"), ("points", "<u4"), ("xy", "<f8", (10,))])
    buffer = np.zeros(count, dtype=record)
    buffer["order"] = 1
    buffer["type"] = 3
    buffer["rings"] = 1
    buffer["points"] = 5
    buffer["xy"] = np.asarray(rings, dtype=np.float64).reshape(count, 10)
    raw = buffer.tobytes()
    size = record.itemsize
    return [raw[k * size : (k + 1) * size] for k in range(count)]


def layer_names(output_system=coords.WGS84):
    """(hourly, cells) layer names; a layer of shifted numbers says so in its name."""
    if output_system == coords.WGS84:
        return HOURLY_LAYER_NAME, CELLS_LAYER_NAME
    label = coords.SYSTEM_LABELS[output_system]
    return f"{HOURLY_LAYER_NAME} ({label})", f"{CELLS_LAYER_NAME} ({label})"


def numbers_of(layer):
    """The system a heat layer's numbers are in (WGS84, GCJ02, BD09LL), told by its own cells: the
    centre of a cell's polygon against its S2 cell's true centre, moved each way. None when the
    layer has no cell to tell (a file keeps no other mark of it)."""
    request = QgsFeatureRequest().setLimit(20)
    for feature in layer.getFeatures(request):
        try:
            cell_id = int(feature["cell_id"])
        except (KeyError, TypeError, ValueError):
            return None
        if not feature.hasGeometry():
            continue
        centre = feature.geometry().centroid().asPoint()
        ring = s2cells.cell_rings(np.array([cell_id], dtype=np.uint64))[0]
        lng, lat = ring[:4, 0].mean(), ring[:4, 1].mean()
        candidates = {system: coords.convert(lng, lat, coords.WGS84, system) for system in coords.OUTPUT_SYSTEMS}
        return min(candidates, key=lambda s: math.hypot(candidates[s][0] - centre.x(), candidates[s][1] - centre.y()))
    return None


def cell_geometries(data, output_system=coords.WGS84):
    """The cells' polygons, their vertices in ``output_system`` (S2 works in WGS84)."""
    rings = s2cells.cell_rings(data.ids, data.levels)
    if output_system != coords.WGS84:
        lng, lat = coords.from_wgs84_array(rings[:, :, 0], rings[:, :, 1], output_system)
        rings = np.stack((lng, lat), axis=2)
    geometries = []
    for wkb in polygon_wkbs(rings):
        geometry = QgsGeometry()
        geometry.fromWkb(wkb)
        geometries.append(geometry)
    return geometries


class _DayTimes:
    """QDate/QDateTime of each day, made once per day rather than once per feature."""

    def __init__(self):
        self._cache = {}

    def __call__(self, ordinal):
        value = self._cache.get(ordinal)
        if value is None:
            start = heat_answer.day_start(ordinal)
            day = QDate(start.year, start.month, start.day)
            value = [day, QDateTime(day, QTime(0, 0)), QDateTime(day.addDays(1), QTime(0, 0))]
            self._cache[ordinal] = value
        return value


class HeatWriter:
    """Writes each feature's cells to the sinks as they arrive: the ``sink`` of
    ``core.heat_job.fetch_plan``, so that memory holds one answer, not the run."""

    def __init__(self, hourly_sink=None, cells_sink=None, output_system=coords.WGS84):
        self.hourly_sink, self.cells_sink = hourly_sink, cells_sink
        self.output_system = output_system
        self.day_times = _DayTimes()
        self.hourly = self.cells = 0

    def __call__(self, data):
        geometries = cell_geometries(data, self.output_system)
        identity = [
            [data.fence_id, token, str(cell_id), level]
            for token, cell_id, level in zip(data.tokens, data.ids.tolist(), data.levels.tolist())
        ]
        if self.hourly_sink is not None:
            for start in range(0, data.cell_day_count, CHUNK):
                chunk = []
                for cell, ordinal, hours, day_total, peak in data.day_rows(start, start + CHUNK):
                    feature = QgsFeature()
                    feature.setGeometry(geometries[cell])
                    feature.setAttributes(identity[cell] + self.day_times(ordinal) + hours + [day_total, peak])
                    chunk.append(feature)
                self.hourly += sinks.write(self.hourly_sink, chunk, "hourly heat features")
        if self.cells_sink is not None:
            self.cells += _write_cells(data, geometries, identity, self.cells_sink)


def _write_cells(data, geometries, identity, sink):
    days = data.days_per_cell()
    means = data.hourly_means()
    day_sums = np.bincount(data.day_cell, weights=data.day_totals(), minlength=data.cell_count)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_day = day_sums / days
    has_days = days > 0
    peaks = np.where(has_days, np.nan_to_num(means, nan=-1).argmax(axis=1), -1)
    chunk = []  # means kept at full precision: analysts sum them; rounding is the labels' business
    for n, (cell_heat, count, mean, avgs, peak, ok) in enumerate(
        zip(
            data.cell_heat.tolist(), days.tolist(), mean_day.tolist(), means.tolist(), peaks.tolist(), has_days.tolist()
        )
    ):
        feature = QgsFeature()
        feature.setGeometry(geometries[n])
        if ok:
            tail = [cell_heat, count, mean] + avgs + [peak]
        else:  # no day returned: unknown, not zero
            tail = [cell_heat, 0, None] + [None] * heat_answer.HOURS + [None]
        feature.setAttributes(identity[n] + tail)
        chunk.append(feature)
        if len(chunk) >= CHUNK:
            sinks.write(sink, chunk, "cell features")
    written = data.cell_count
    sinks.write(sink, chunk, "cell features")
    return written


# -- styles -------------------------------------------------------------------------------------


def class_breaks(values, classes=CLASSES):
    """Upper bounds of colour classes: a class for 0, then quantiles of the positive values."""
    values = np.asarray(values, dtype=np.float64).ravel()
    positive = values[values > 0]
    if not positive.size:
        return [0.0]
    probabilities = np.linspace(0, 1, classes)[1:]
    if positive.max() < 10_000_000 and (positive == np.round(positive)).all():
        # Heat values are counts: the "higher" quantiles straight from a cumulative histogram,
        # identical to np.quantile's and ~20x faster (a sort of 2.4M values held the GIL 0.1 s).
        cumulative = np.cumsum(np.bincount(positive.astype(np.int64)))
        positions = np.ceil(probabilities * (positive.size - 1)).astype(np.int64)
        uppers = np.unique(np.searchsorted(cumulative, positions, side="right"))
    else:
        uppers = np.unique(np.quantile(positive, probabilities, method="higher"))
    return [0.0] + [float(u) for u in uppers]


def hourly_breaks(run):
    return class_breaks(run.hourly_sample.values)


def cell_breaks(run):
    return class_breaks(run.cell_sample.values)


def graduated_renderer(expression, uppers):
    ramp = QgsStyle.defaultStyle().colorRamp(RAMP)
    ranges = []
    lower = 0.0
    for n, upper in enumerate(uppers):
        color = ramp.color(n / max(1, len(uppers) - 1))
        if n == 0:
            color.setAlpha(60)  # zero heat: barely there, but the cell is visible
        symbol = QgsFillSymbol.createSimple({"color": color.name(), "outline_style": "no"})
        symbol.setColor(color)
        label = f"{upper:g}" if n == 0 else f"{lower:g} – {upper:g}"
        ranges.append(QgsRendererRange(lower, upper, symbol, label))
        lower = upper
    renderer = QgsGraduatedSymbolRenderer(expression, ranges)
    return renderer


def diverging_renderer(expression, limits, ramp_name="RdBu", labels=None):
    """Classes symmetric about zero: ``limits`` are the positive bounds (ascending); the middle
    class, −limits[0] … limits[0], is pale ("about the same"), below it blue, above it red. The
    outermost classes are open (a value past the last limit is still drawn)."""
    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name)
    bounds = [-1e300] + [-v for v in reversed(limits)] + list(limits) + [1e300]
    classes = len(bounds) - 1
    ranges = []
    for n in range(classes):
        lower, upper = bounds[n], bounds[n + 1]
        color = ramp.color(1 - n / (classes - 1))  # RdBu runs red to blue: red for the highest class
        symbol = QgsFillSymbol.createSimple({"color": color.name(), "outline_style": "no"})
        symbol.setColor(color)
        if labels:
            label = labels[n]
        elif n == 0:
            label = f"< {upper:g}"
        elif n == classes - 1:
            label = f"> {lower:g}"
        else:
            label = f"{lower:g} – {upper:g}"
        ranges.append(QgsRendererRange(lower, upper, symbol, label))
    return QgsGraduatedSymbolRenderer(expression, ranges)


def symmetric_limits(values, classes=3):
    """Positive class bounds for a diverging ramp: quantiles of |values| (15%, 50%, 85% for three:
    the middle class, "about the same", holds the smallest changes), rounded to two significant
    digits so that a legend reads well."""
    magnitudes = np.abs(np.asarray([v for v in values if v is not None], dtype=np.float64))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if not magnitudes.size:
        return [1.0]
    quantiles = np.quantile(magnitudes, np.linspace(0.15, 0.85, classes))
    return sorted({float(f"{q:.2g}") for q in quantiles if q > 0}) or [1.0]


def time_from_fields(layer, start="start", end="end"):
    """A layer whose features each last from their ``start`` to their ``end`` field (end excluded)."""
    props = layer.temporalProperties()
    props.setIsActive(True)
    props.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
    props.setStartField(start)
    props.setEndField(end)
    props.setLimitMode(Qgis.VectorTemporalLimitMode.IncludeBeginExcludeEnd)


def style_hourly(layer, uppers):
    layer.setRenderer(graduated_renderer(HOUR_VALUE_EXPRESSION, uppers))
    time_from_fields(layer)
    layer.triggerRepaint()


def ensure_hourly_style(layer):
    """Style an hourly heat layer that lacks it (time settings first: the default style if it has
    one, else classes from its own values), so that a frame shows one hour of one day."""
    if (
        layer.temporalProperties().isActive()
        and "map_start_time" in getattr(layer.renderer(), "classAttribute", lambda: "")()
    ):
        return
    if layer.dataProvider().isSaveAndLoadStyleToDatabaseSupported():
        layer.loadDefaultStyle()
        if layer.temporalProperties().isActive():
            return
    indexes = [layer.fields().indexOf(name) for name in HOUR_FIELDS]
    values = [feature.attributes()[k] for feature in layer.getFeatures() for k in indexes]
    style_hourly(layer, class_breaks([v for v in values if v is not None]))


def style_cells(layer, uppers):
    layer.setRenderer(graduated_renderer('"cell_heat"', uppers))
    layer.triggerRepaint()


# -- layers, group and time ----------------------------------------------------------------------


def time_range(run):
    """The data's temporal extent: first day 00:00 to the day after the last, local wall-clock."""
    dates = run.date_range()
    return date_span(*dates) if dates else None


def date_span(first_date, last_date):
    """From the first date's 00:00 to the day after the last, local wall-clock."""
    first, last = (QDate(d.year, d.month, d.day) for d in (first_date, last_date))
    return QgsDateTimeRange(QDateTime(first, QTime(0, 0)), QDateTime(last.addDays(1), QTime(0, 0)), True, False)


def group_name(run):
    labels = sorted(feature.label for feature in run.plan.features.values())
    where = labels[0] if len(labels) == 1 else f"{len(labels)} features"
    dates = run.date_range()
    when = f"{dates[0]:%Y-%m-%d} – {dates[1]:%Y-%m-%d}" if dates else "no data"
    return f"Heat {where}, {when}"


def memory_layers(output_system=coords.WGS84):
    """The two empty memory layers (hourly, cells) a run writes into (safe in a worker)."""
    hourly_name, cells_name = layer_names(output_system)
    hourly = memory_layer("Polygon", hourly_name, hourly_fields(), HEAT_CRS)
    return hourly, memory_layer("Polygon", cells_name, cell_fields(), HEAT_CRS)


def style_run_layers(run, hourly, cells):
    for layer in (hourly, cells):
        layer.updateExtents()
    style_hourly(hourly, hourly_breaks(run))
    style_cells(cells, cell_breaks(run))


def add_to_group(project, layers, name, group=None):
    """Add (or move) layers into ``group``, or a new group named ``name`` at the top of the tree."""
    root = project.layerTreeRoot()
    if group is None:
        group = root.insertGroup(0, name)
    for layer in layers:
        old_node = root.findLayer(layer.id())
        if project.mapLayer(layer.id()) is None:
            project.addMapLayer(layer, False)
        group.addChildNode(QgsLayerTreeLayer(layer))
        if old_node is not None:  # removed after the new node exists, or the project drops the layer
            old_node.parent().removeChildNode(old_node)
    return group


def set_project_time(project, range_):
    settings = project.timeSettings()
    settings.setTemporalRange(range_)
    settings.setTimeStep(1)
    settings.setTimeStepUnit(QgsUnitTypes.TemporalHours)


def animate(navigation):
    """The Temporal Controller in animation mode (3.22's enum; later QGIS moved it to Qgis)."""
    modes = getattr(Qgis, "TemporalNavigationMode", None)
    navigation.setNavigationMode(modes.Animated if modes is not None else QgsTemporalNavigationObject.Animated)


def set_canvas_time(navigation, range_):
    """Prepare the canvas's Temporal Controller: data range, 1-hour frames, first frame shown."""
    animate(navigation)
    navigation.setTemporalExtents(range_)
    navigation.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalHours))
    navigation.setCurrentFrameNumber(0)


def open_temporal_controller(iface):
    """Show the desktop's Temporal Controller panel (object name from QGIS's own source)."""
    from qgis.PyQt.QtWidgets import QDockWidget

    dock = iface.mainWindow().findChild(QDockWidget, "Temporal Controller") if iface.mainWindow() else None
    if dock is not None:
        dock.show()
        dock.raise_()
    return dock


def show_in_time(range_, project, iface=None):
    """Set the project's time settings and, on the desktop, the canvas's Temporal Controller.
    The range grows to include the run's days: layers of earlier runs stay in the animation."""
    if range_ is None:
        return None
    current = project.timeSettings().temporalRange()
    if current.begin().isValid() and current.end().isValid():
        range_ = QgsDateTimeRange(min(current.begin(), range_.begin()), max(current.end(), range_.end()), True, False)
    set_project_time(project, range_)
    canvas = iface.mapCanvas() if iface is not None else None
    navigation = canvas.temporalController() if canvas is not None else None
    if isinstance(navigation, QgsTemporalNavigationObject):  # a bare canvas may have none
        set_canvas_time(navigation, range_)
    return range_
