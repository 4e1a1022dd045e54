"""QGIS geometries to fences: reproject, drop Z/M, straighten curves, repair, split, simplify."""

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCsException,
                       QgsGeometry, QgsPointXY, QgsProject, QgsWkbTypes)

from ..core.errors import CancelledError, FenceError
from ..core.fence import make_circle_fence, make_ring_fence
from ..core.jike import CRS as JIKE_CRS
from ..i18n import tr

WGS84 = QgsCoordinateReferenceSystem(JIKE_CRS)
METRES_PER_DEGREE = 111_320.0


def _to_wgs84(geometry, crs, context, what):
    geometry = QgsGeometry(geometry)
    if crs.isValid() and crs != WGS84:
        try:
            geometry.transform(QgsCoordinateTransform(crs, WGS84, context or QgsProject.instance()))
        except QgsCsException as exc:
            raise FenceError(tr("{0}: cannot be transformed from {1} to WGS84 ({2}).").format(
                what, crs.authid(), exc)) from None
    return geometry


def fences_from_geometry(geometry, fence_id, crs, context=None, max_vertices=1000, label=""):
    """One fence per polygon part of ``geometry``; warnings (holes, repair, simplify) ride on each."""
    what = label or f"feature {fence_id}"
    if geometry is None or geometry.isNull() or geometry.isEmpty():
        raise FenceError(tr("{0} has no geometry: nothing to send.").format(what))
    if geometry.type() != QgsWkbTypes.PolygonGeometry:
        raise FenceError(tr("{0} is a {1}, not a polygon: select polygon features, or draw a circle.").format(
            what, QgsWkbTypes.geometryDisplayString(geometry.type()).lower()))
    geometry = _to_wgs84(geometry, crs, context, what)
    abstract = geometry.get()
    abstract.dropZValue()
    abstract.dropMValue()
    if QgsWkbTypes.isCurvedType(geometry.wkbType()):
        geometry = QgsGeometry(geometry.constGet().segmentize())
    warnings = []
    if not geometry.isGeosValid():
        reasons = "; ".join(e.what() for e in geometry.validateGeometry()) or "invalid geometry"
        repaired = _polygonal(geometry.makeValid())
        if repaired.isNull() or repaired.isEmpty() or repaired.area() == 0:
            raise FenceError(tr("{0} is invalid and cannot be repaired ({1}). Fix it with Vector ▸ Geometry Tools "
                                "▸ Check Validity or Fix Geometries.").format(what, reasons))
        before, after = abs(_signed_area(geometry)), repaired.area()
        change = round((after - before) / before * 100, 2) + 0.0 if before else 0.0  # + 0.0: no '-0.00'
        warnings.append(tr("{0} was invalid ({1}) and was repaired; its area changed by {2:+.2f}%").format(
            what, reasons, change))
        geometry = repaired
    parts = geometry.asMultiPolygon() if geometry.isMultipart() else [geometry.asPolygon()]
    parts = [p for p in parts if p and len(p[0]) >= 4]
    fences = []
    for number, rings in enumerate(parts):
        part_label = what if len(parts) == 1 else f"{what} part {number + 1}"
        part_warnings = list(warnings)
        if len(rings) > 1:
            part_warnings.append(tr("{0}: {1} hole(s) dropped — the service takes an outer ring only, so the "
                                    "holes' heat is included").format(part_label, len(rings) - 1))
        ring, tolerance_m = _simplified(rings[0], max_vertices)
        if tolerance_m:
            part_warnings.append(tr("{0}: {1} vertices simplified to {2} (limit {3}) within a tolerance of "
                                    "{4:.1f} m").format(part_label, len(rings[0]) - 1, len(ring) - 1,
                                                        max_vertices, tolerance_m))
        fences.append(make_ring_fence(fence_id, [(p.x(), p.y()) for p in ring], part=number,
                                      label=part_label, warnings=part_warnings))
    if not fences:
        raise FenceError(tr("{0} has no polygon with an area.").format(what))
    return fences


def _polygonal(geometry):
    """The polygonal parts of a geometry (make-valid may return lines and points beside them)."""
    if geometry.type() == QgsWkbTypes.PolygonGeometry:
        return geometry
    parts = [part for part in geometry.asGeometryCollection() if part.type() == QgsWkbTypes.PolygonGeometry]
    if not parts:
        return QgsGeometry()
    return QgsGeometry.collectGeometry(parts)


def _signed_area(geometry):
    """The area the user drew: the shoelace sum of the rings as given (GEOS has none for invalid ones)."""
    polygons = geometry.asMultiPolygon() if geometry.isMultipart() else [geometry.asPolygon()]
    total = 0.0
    for rings in polygons:
        for n, ring in enumerate(rings):
            area = abs(sum(a.x() * b.y() - b.x() * a.y() for a, b in zip(ring, ring[1:]))) / 2
            total += area if n == 0 else -area
    return total


def _simplified(ring, max_vertices):
    """(ring, tolerance in metres or 0): Douglas-Peucker with a growing tolerance until it fits."""
    if len(ring) - 1 <= max_vertices:
        return ring, 0.0
    polygon = QgsGeometry.fromPolygonXY([ring])
    tolerance_m = 0.5
    while True:
        simple = polygon.simplify(tolerance_m / METRES_PER_DEGREE)
        points = simple.asPolygon()[0] if not simple.isEmpty() else []
        if 4 <= len(points) and len(points) - 1 <= max_vertices:
            return points, tolerance_m
        tolerance_m *= 1.5


def fences_from_features(features, crs, context=None, max_vertices=1000, is_cancelled=None, label_of=None):
    """(fences, skipped): the fences of every usable feature, and for each feature that cannot be
    used a sentence naming it and why. One bad feature never blocks the others; only when no
    feature is usable is that an error, listing every reason at once.

    ``label_of(feature)`` names a feature for the user (the layer's display expression).
    """
    fences, skipped = [], []
    for feature in features:
        if is_cancelled and is_cancelled():
            raise CancelledError()
        label = label_of(feature) if label_of else ""
        try:
            fences.extend(fences_from_geometry(feature.geometry(), feature.id(), crs, context, max_vertices,
                                               label=label))
        except FenceError as exc:
            skipped.append(str(exc))
    if not fences and skipped:
        raise FenceError(tr("No selected feature can be used: {0}").format(" ".join(skipped)))
    return fences, skipped


def display_labeller(layer):
    """``label_of`` for a layer's features: its display expression (Properties ▸ Display), else the id."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    expression = QgsExpression(layer.displayExpression() or "")
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))

    def label_of(feature):
        context.setFeature(feature)
        value = expression.evaluate(context) if expression.expression() else None
        text = str(value).strip() if value not in (None, "") and not expression.hasEvalError() else ""
        return f"{text} (feature {feature.id()})" if text else f"feature {feature.id()}"

    return label_of


def circle_fence(center, crs, radius_m, context=None, fence_id=0):
    """A circle fence from a centre point in ``crs`` and a radius in metres."""
    point = _to_wgs84(QgsGeometry.fromPointXY(QgsPointXY(center)), crs, context, "the circle's centre").asPoint()
    return make_circle_fence(fence_id, point.x(), point.y(), radius_m,
                             label=f"circle {radius_m:g} m at {point.y():.5f}°N {point.x():.5f}°E")
