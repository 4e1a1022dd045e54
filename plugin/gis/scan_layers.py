"""Scan outcomes to features (one point per scan, the input's columns first, fixed names after),
and how located scans, their accuracy circles and error lines are drawn.

The fixed names are what users join and filter on, so they never change: an input column with
the same name is kept under a suffixed name (``lat`` → ``lat_input``), and the log says so.
"""

import math
import statistics

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsFields,
    QgsFillSymbol,
    QgsGeometry,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
)
from qgis.PyQt.QtGui import QColor

from ..core import coords
from ..core.baidu import ADDRESS, location_type, position_of
from ..core.scan_job import OK, Status
from ..core.scans import spreadsheet_safe
from . import sinks
from .compat import fields_of, make_field, unique_names

FIXED = [
    ("status", "string"),
    ("err_code", "string"),
    ("err_msg", "string"),
    ("notes", "string"),
    ("loc_type", "int"),
    ("radius_m", "double"),
    ("lon", "double"),
    ("lat", "double"),
    ("lon_raw", "double"),
    ("lat_raw", "double"),
    ("raw_crs", "string"),
] + [(name, "string") for name in ADDRESS]
TRUTH_FIELD = "truth_dist_m"
ROWS_FIELD = "input_rows"
CIRCLE_SEGMENTS = 36


def output_columns(header, with_truth):
    """(fields, input column names as written, renames {original: new})."""
    names, renames = unique_names(header, [name for name, _ in FIXED] + [TRUTH_FIELD, ROWS_FIELD])
    fields = QgsFields()
    for name in names:
        fields.append(make_field(name, "string"))
    for name, kind in FIXED:
        fields.append(make_field(name, kind))
    if with_truth:
        fields.append(make_field(TRUTH_FIELD, "double", "distance to the file's ground truth, metres"))
    fields.append(make_field(ROWS_FIELD, "string", "data rows of the input file this scan came from"))
    return fields, names, renames


def line_fields():
    """The error lines: from the file's own position (its GPS) to the service's, per scan."""
    return fields_of([(ROWS_FIELD, "string"), (TRUTH_FIELD, "double")])


def circle_fields():
    return fields_of([(ROWS_FIELD, "string"), ("status", "string"), ("radius_m", "double")])


class ScanWriter:
    """Writes outcomes to a point sink (and optionally a circle sink), in the order given."""

    def __init__(
        self,
        header,
        points_sink,
        output_system,
        with_truth,
        circles_sink=None,
        chunk=5000,
        spreadsheet=False,
        lines_sink=None,
    ):
        self.fields, _, self.renames = output_columns(header, with_truth)
        self.spreadsheet = spreadsheet  # a CSV/XLSX/ODS file: formula-like texts are defused
        self.width = len(header)
        self.sink, self.circles, self.lines = points_sink, circles_sink, lines_sink
        self.output_system = output_system
        self.with_truth = with_truth
        self.chunk = chunk
        self._points, self._circles, self._lines = [], [], []
        self.distances = []
        self.circles_written = self.lines_written = 0  # for the outputs to be checked against

    def add(self, outcome, requested_system):
        scan = outcome.scan
        values = list(scan.values[: self.width]) + [""] * max(0, self.width - len(scan.values))
        located = outcome.status == OK
        where = position_of(outcome.answer, requested_system, self.output_system) if outcome.answer else None
        feature = QgsFeature()
        if located and where is not None:
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(where.lng, where.lat)))
        distance = None
        if self.with_truth and located and scan.truth and where is not None:
            distance = where.distance_to(scan.truth)
            self.distances.append(distance)
        address = dict(where.address) if where is not None else {}
        attributes = (
            values
            + [
                str(outcome.status),
                outcome.err_code or None,
                outcome.err_msg or None,
                "; ".join(scan.notes) or None,
            ]
            + (
                [where.loc_type, where.radius_m, where.lng, where.lat, where.raw_lng, where.raw_lat, where.raw_crs]
                if where is not None
                else [location_type(outcome.answer)] + [None] * 6
            )
            + [address.get(k) for k in ADDRESS]
        )
        if self.with_truth:
            attributes.append(round(distance, 2) if distance is not None else None)
        attributes.append(scan.rows_text)
        # A NUL byte ends a text in GDAL's drivers (and Qt's C strings): the rest of the field was
        # lost without a word. It is written as U+FFFD, the mark of a character that could not be kept.
        attributes = [a.replace("\0", "\ufffd") if isinstance(a, str) and "\0" in a else a for a in attributes]
        if self.spreadsheet:
            attributes = [spreadsheet_safe(a) if isinstance(a, str) else a for a in attributes]
        feature.setAttributes(attributes)
        self._points.append(feature)
        if self.circles is not None and located and where is not None and where.radius_m:
            circle = QgsFeature()
            circle.setGeometry(accuracy_circle(where.lng, where.lat, where.radius_m))
            circle.setAttributes([scan.rows_text, str(outcome.status), where.radius_m])
            self._circles.append(circle)
        if self.lines is not None and distance is not None:
            line = QgsFeature()
            line.setGeometry(error_line(scan.truth, where, self.output_system))
            line.setAttributes([scan.rows_text, round(distance, 2)])
            self._lines.append(line)
        if len(self._points) >= self.chunk:
            self.flush()

    def flush(self):
        sinks.write(self.sink, self._points, "located scans")
        if self.circles is not None:
            self.circles_written += sinks.write(self.circles, self._circles, "accuracy circles")
        if self.lines is not None:
            self.lines_written += sinks.write(self.lines, self._lines, "error lines")

    def close(self):
        """Write what is left and let go of the sinks: the last reference to a Processing sink
        closes its file (GDAL commits then), so that what it holds can be checked."""
        self.flush()
        self.sink = self.circles = self.lines = None

    def quality(self):
        """(median, 90th percentile) of the distance to ground truth in metres, or None."""
        if not self.distances:
            return None
        ordered = sorted(self.distances)
        p90 = ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]
        return statistics.median(ordered), p90


def error_line(truth, where, output_system):
    """From the file's position (WGS84 GPS) to the service's, both in the numbers the point has
    (the output system in China, WGS84 outside it, as ``position_of`` decides)."""
    lng, lat = truth
    if (where.lng, where.lat) != tuple(where.wgs84):
        lng, lat = coords.convert(lng, lat, coords.WGS84, output_system)
    return QgsGeometry.fromPolylineXY([QgsPointXY(lng, lat), QgsPointXY(where.lng, where.lat)])


def accuracy_circle(lng, lat, radius_m):
    """A circle of ``radius_m`` metres around (lng, lat), as lng/lat degrees (local approximation)."""
    dlat = math.degrees(radius_m / 6371008.8)
    dlng = dlat / max(0.01, math.cos(math.radians(lat)))
    ring = [
        QgsPointXY(
            lng + dlng * math.cos(2 * math.pi * k / CIRCLE_SEGMENTS),
            lat + dlat * math.sin(2 * math.pi * k / CIRCLE_SEGMENTS),
        )
        for k in range(CIRCLE_SEGMENTS)
    ]
    ring.append(ring[0])
    return QgsGeometry.fromPolygonXY([ring])


def layer_title(output_system):
    return f"Located scans ({coords.SYSTEM_LABELS[output_system]})"


# Located scans by status: what worked stands out, what needs a look is warm, what is unknown is grey.
STATUS_COLOURS = (
    (Status.OK.value, "#1a9850", "located"),
    (Status.NOT_FOUND.value, "#9e9e9e", "no position from the service"),
    (Status.INVALID.value, "#f39c12", "no request could be made"),
    (Status.ERROR.value, "#d73027", "not answered"),
)


def status_renderer():
    categories = []
    for value, colour, label in STATUS_COLOURS:
        symbol = QgsMarkerSymbol.createSimple(
            {"name": "circle", "size": "2.4", "outline_color": "#333333", "outline_width": "0.2"}
        )
        symbol.setColor(QColor(colour))
        categories.append(QgsRendererCategory(value, symbol, f"{value}: {label}"))
    return QgsCategorizedSymbolRenderer("status", categories)


def style_scans(layer):
    layer.setRenderer(status_renderer())
    layer.triggerRepaint()


def style_circles(layer):
    """Accuracy circles: a faint fill and a thin outline, so that points and streets show through."""
    symbol = QgsFillSymbol.createSimple(
        {"color": "40,120,200,35", "outline_color": "40,120,200,180", "outline_width": "0.25"}
    )
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.triggerRepaint()


def style_error_lines(layer):
    """From the file's position to the service's: thin dark red."""
    symbol = QgsLineSymbol.createSimple({"line_color": "170,20,40,220", "line_width": "0.35"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.triggerRepaint()
