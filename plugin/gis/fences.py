"""QGIS features to the shapes the request planner takes: reprojected to WGS84, Z/M dropped,
curves straightened, invalid geometries repaired (polygonal parts kept, the area change
reported). A feature that cannot be used is skipped with its reason; the others go on.

What the numbers are is decided here, once: the layer's CRS, or (``numbers``) GCJ-02 or BD-09
longitudes/latitudes, which QGIS has no CRS for (Chinese boundary files are mostly GCJ-02:
DataV/Aliyun, Amap; Baidu's are BD-09), converted to WGS84 with the exact inverses. A layer with
no CRS at all (a shapefile whose .prj was lost) is taken as WGS84 when its numbers are degrees,
with a warning; otherwise it is refused before anything is planned.

Tiling, grouping and simplification are the planner's (``core/heat_plan.py``): it needs the
real geometry, holes included, to keep only the cells inside each feature.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsWkbTypes,
)

from ..core import coords
from ..core.errors import CancelledError, FenceError
from ..core.fence import MIN_AREA_M2
from ..core.heat_plan import FeatureShape, circle_feature, geodesic_area_m2
from ..core.jike import CRS as JIKE_CRS
from ..core.shapely_lib import wkb
from ..i18n import tr

WGS84 = QgsCoordinateReferenceSystem(JIKE_CRS)


def _to_wgs84(geometry, crs, context, what):
    geometry = QgsGeometry(geometry)
    if crs.isValid() and crs != WGS84:
        try:
            geometry.transform(QgsCoordinateTransform(crs, WGS84, context or QgsProject.instance()))
        except QgsCsException as exc:
            raise FenceError(
                tr("{0}: cannot be transformed from {1} to WGS84 ({2}).").format(what, crs.authid(), exc)
            ) from None
    return geometry


def layer_crs(crs, extent, name):
    """(the CRS to read a layer in, warnings): its own; for a layer with none, WGS84 when its
    extent (a QgsRectangle) is in degrees, else FenceError naming the layer and how to set it."""
    if crs.isValid():
        return crs, []
    degrees = (
        -180 <= extent.xMinimum() <= extent.xMaximum() <= 180 and -90 <= extent.yMinimum() <= extent.yMaximum() <= 90
    )
    if degrees:
        return WGS84, [
            tr(
                "Layer '{0}' has no coordinate reference system; its numbers are degrees, so they are taken as "
                "WGS84 longitudes/latitudes (EPSG:4326). If they are not, set the layer's CRS (Layer ▸ Layer CRS "
                "▸ Set Layer CRS) or choose GCJ-02/BD-09 as the input coordinates."
            ).format(name)
        ]
    raise FenceError(
        tr(
            "Layer '{0}' has no coordinate reference system and its numbers are not degrees (x {1:,.0f} to {2:,.0f}, "
            "y {3:,.0f} to {4:,.0f}): its .prj file was probably lost. Set its CRS (Layer ▸ Layer CRS ▸ Set "
            "Layer CRS, e.g. the UTM zone or CGCS2000 Gauss-Krüger zone it was made in), then fetch again."
        ).format(name, extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum())
    )


def _numbers_to_wgs84(shape, numbers):
    """``shape`` whose numbers are ``numbers`` (GCJ-02 or BD-09 longitudes/latitudes) in WGS84."""
    from shapely.ops import transform

    return transform(lambda x, y: coords.to_wgs84_array(x, y, numbers), shape)


def _check_degrees(shape, what, crs):
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise FenceError(
            tr(
                "{0}: its coordinates in WGS84 are out of range (x {1:,.4f} to {2:,.4f}, y {3:,.4f} to {4:,.4f}): "
                "the layer's CRS ({5}) does not match its numbers. Set the right CRS (Layer ▸ Layer CRS ▸ Set "
                "Layer CRS)."
            ).format(what, minx, maxx, miny, maxy, crs.authid() or tr("none"))
        )


def feature_shape(geometry, fence_id, crs, context=None, label="", numbers=coords.WGS84):
    """The :class:`FeatureShape` of one polygon geometry in ``crs`` (or, ``numbers`` GCJ-02/BD-09,
    of such longitudes/latitudes); raises FenceError if unusable."""
    what = label or f"feature {fence_id}"
    if geometry is None or geometry.isNull() or geometry.isEmpty():
        raise FenceError(tr("{0} has no geometry: nothing to send.").format(what))
    if geometry.type() != QgsWkbTypes.PolygonGeometry:
        raise FenceError(
            tr("{0} is a {1}, not a polygon: select polygon features, or draw a circle.").format(
                what, QgsWkbTypes.geometryDisplayString(geometry.type()).lower()
            )
        )
    if numbers == coords.WGS84:
        geometry = _to_wgs84(geometry, crs, context, what)
    elif crs.isValid() and not crs.isGeographic():
        raise FenceError(
            tr(
                "{0}: {1} numbers are longitudes/latitudes, but the layer is in {2}, a projected CRS. Choose the "
                "layer's CRS as the input coordinates."
            ).format(what, coords.SYSTEM_LABELS[numbers].split()[0], crs.authid())
        )
    else:
        geometry = QgsGeometry(geometry)
    abstract = geometry.get()
    abstract.dropZValue()
    abstract.dropMValue()
    if QgsWkbTypes.isCurvedType(geometry.wkbType()):
        geometry = QgsGeometry(geometry.constGet().segmentize())
    geometry, warnings = _repaired(geometry, what)
    shape = wkb.loads(bytes(geometry.asWkb()))
    if numbers != coords.WGS84:
        shape = _numbers_to_wgs84(shape, numbers)
    _check_degrees(shape, what, crs)
    area = geodesic_area_m2(shape)
    if area < MIN_AREA_M2:
        raise FenceError(tr("{0} has no area ({1:.2f} m²): nothing to ask for.").format(what, area))
    return FeatureShape(fence_id, what, shape, warnings=tuple(warnings))


def _repaired(geometry, what):
    """(the geometry, made valid when it is not, [what the repair changed]); FenceError when it
    cannot be repaired into an area."""
    if geometry.isGeosValid():
        return geometry, []
    reasons = "; ".join(e.what() for e in geometry.validateGeometry()) or "invalid geometry"
    repaired = _polygonal(geometry.makeValid())
    if repaired.isNull() or repaired.isEmpty() or repaired.area() == 0:
        raise FenceError(
            tr(
                "{0} is invalid and cannot be repaired ({1}). Fix it with Vector ▸ Geometry Tools "
                "▸ Check Validity or Fix Geometries."
            ).format(what, reasons)
        )
    before, after = abs(_signed_area(geometry)), repaired.area()
    change = round((after - before) / before * 100, 2) + 0.0 if before else 0.0  # + 0.0: no '-0.00'
    warning = tr("{0} was invalid ({1}) and was repaired; its area changed by {2:+.2f}%").format(what, reasons, change)
    return repaired, [warning]


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


def feature_shapes(features, crs, context=None, is_cancelled=None, label_of=None, numbers=coords.WGS84):
    """(shapes, skipped): the shape of every usable feature, and for each feature that cannot be
    used a sentence naming it and why. One bad feature never blocks the others; only when no
    feature is usable is that an error, listing every reason at once.

    ``label_of(feature)`` names a feature for the user (the layer's display expression).
    """
    shapes, skipped = [], []
    for feature in features:
        if is_cancelled and is_cancelled():
            raise CancelledError()
        label = label_of(feature) if label_of else ""
        try:
            shapes.append(feature_shape(feature.geometry(), feature.id(), crs, context, label=label, numbers=numbers))
        except FenceError as exc:
            skipped.append(str(exc))
    if not shapes and skipped:
        raise FenceError(tr("No selected feature can be used: {0}").format(" ".join(skipped)))
    return shapes, skipped


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


def circle_shape(center, crs, radius_m, context=None, fence_id=0, numbers=coords.WGS84):
    """A circle feature from a centre point in ``crs`` (or of ``numbers``, as feature_shape) and a
    radius in metres."""
    if not radius_m or radius_m <= 0:
        raise FenceError(tr("The circle's radius must be greater than 0 metres."))
    if numbers == coords.WGS84:
        point = _to_wgs84(QgsGeometry.fromPointXY(QgsPointXY(center)), crs, context, "the circle's centre").asPoint()
    else:
        point = QgsPointXY(*coords.convert(center.x(), center.y(), numbers, coords.WGS84))
    if not (-180 <= point.x() <= 180 and -90 <= point.y() <= 90):
        raise FenceError(tr("Circle centre ({0}, {1}) is not a WGS84 longitude/latitude.").format(point.x(), point.y()))
    return circle_feature(
        fence_id, point.x(), point.y(), radius_m, label=f"circle {radius_m:g} m at {point.y():.5f}°N {point.x():.5f}°E"
    )
