"""Geometries to feature shapes with real QGIS: CRS, holes, parts, repair, curves, Z/M, skipping."""

import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsDistanceArea, QgsGeometry, QgsProject

from crowdheat.plugin.core.errors import FenceError
from crowdheat.plugin.gis.fences import circle_shape, feature_shape

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
MERCATOR = QgsCoordinateReferenceSystem("EPSG:3857")


def to_crs(wkt, crs):
    geometry = QgsGeometry.fromWkt(wkt)
    geometry.transform(QgsCoordinateTransform(WGS84, crs, QgsProject.instance()))
    return geometry


def test_mercator_polygon_with_hole(qgis_app):
    wkt = (
        "POLYGON((114.05 22.53, 114.07 22.53, 114.07 22.55, 114.05 22.55, 114.05 22.53),"
        "(114.055 22.535, 114.06 22.535, 114.06 22.54, 114.055 22.535))"
    )
    shape = feature_shape(to_crs(wkt, MERCATOR), 7, MERCATOR)
    xs = sorted({round(x, 6) for x, _ in shape.geometry.exterior.coords})
    assert xs == [114.05, 114.07]  # back in WGS84
    assert len(shape.geometry.interiors) == 1  # the hole is kept: its cells are not the feature's
    # The core's geodesic area agrees with QGIS's ellipsoidal area within 0.5%.
    measure = QgsDistanceArea()
    measure.setEllipsoid("WGS84")
    measure.setSourceCrs(WGS84, QgsProject.instance().transformContext())
    assert shape.area_m2 == pytest.approx(measure.measureArea(QgsGeometry.fromWkt(wkt)), rel=0.005)


def test_multipolygon_is_one_feature_with_its_parts(qgis_app):
    wkt = (
        "MULTIPOLYGON(((114.0 22.5, 114.01 22.5, 114.01 22.51, 114.0 22.5)),"
        "((114.1 22.6, 114.11 22.6, 114.11 22.61, 114.1 22.6)))"
    )
    shape = feature_shape(QgsGeometry.fromWkt(wkt), 3, WGS84)
    assert shape.fence_id == 3 and len(shape.geometry.geoms) == 2 and shape.label == "feature 3"


def test_self_intersecting_polygon_is_repaired_with_the_reason(qgis_app):
    bowtie = QgsGeometry.fromWkt("POLYGON((114.0 22.5, 114.01 22.51, 114.01 22.5, 114.0 22.51, 114.0 22.5))")
    shape = feature_shape(bowtie, 1, WGS84)
    assert len(shape.geometry.geoms) == 2  # the bow tie's two triangles
    assert "was invalid" in shape.warnings[0] and "repaired" in shape.warnings[0]


def test_unrepairable_and_non_polygons_are_refused(qgis_app):
    with pytest.raises(FenceError, match="has no geometry"):
        feature_shape(QgsGeometry(), 1, WGS84)
    with pytest.raises(FenceError, match="not a polygon"):
        feature_shape(QgsGeometry.fromWkt("LINESTRING(114 22, 115 23)"), 1, WGS84)
    with pytest.raises(FenceError, match="cannot be repaired|has no area"):
        feature_shape(QgsGeometry.fromWkt("POLYGON((114 22, 115 22, 116 22, 114 22))"), 1, WGS84)


def test_curves_and_z_m_are_flattened(qgis_app):
    curved = QgsGeometry.fromWkt(
        "CURVEPOLYGON ZM (COMPOUNDCURVE ZM (CIRCULARSTRING ZM (114.0 22.5 1 2, 114.01 22.51 1 2, 114.02 22.5 1 2),"
        " (114.02 22.5 1 2, 114.0 22.5 1 2)))"
    )
    shape = feature_shape(curved, 1, WGS84)
    ring = list(shape.geometry.exterior.coords)
    assert len(ring) > 10 and all(len(p) == 2 for p in ring) and not shape.geometry.has_z


def test_circle_from_a_projected_centre(qgis_app):
    centre = to_crs("POINT(114.0565 22.541)", MERCATOR).asPoint()
    shape = circle_shape(centre, MERCATOR, 800.0)
    assert shape.circle[2] == 800.0
    assert shape.circle[:2] == pytest.approx((114.0565, 22.541), abs=1e-9)


# -- hostile geometries: repair what can be, skip what cannot, never block the others ---------------

SQUARE = "POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.05 22.54, 114.05 22.53))"
# The same square with a spike: a zero-width excursion out of its top edge and back (invalid).
SPIKE = (
    "POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.055 22.54, 114.055 22.56, 114.055 22.54, "
    "114.05 22.54, 114.05 22.53))"
)


def test_a_spike_is_repaired_to_its_polygon_and_the_area_change_reported(qgis_app):
    shape = feature_shape(QgsGeometry.fromWkt(SPIKE), 1, WGS84)
    square = feature_shape(QgsGeometry.fromWkt(SQUARE), 1, WGS84)
    assert shape.area_m2 == pytest.approx(square.area_m2, rel=1e-9)
    assert "repaired" in shape.warnings[0] and "+0.00%" in shape.warnings[0]


def test_a_zero_area_ring_is_refused_not_sent():
    from crowdheat.plugin.core.errors import FenceError
    from crowdheat.plugin.core.fence import make_ring_fence

    with pytest.raises(FenceError) as info:
        make_ring_fence(1, [(114.0, 22.5), (114.0 + 1e-9, 22.5), (114.0, 22.5 + 1e-9)])
    assert "has no area" in str(info.value)


def test_one_null_or_unusable_feature_is_skipped_by_name_and_the_others_go_on(qgis_app):
    from crowdheat.plugin.gis.fences import display_labeller, feature_shapes
    from tests.helpers import polygon_layer

    layer = polygon_layer([SQUARE, QgsGeometry(), "POLYGON((114 22, 115 22, 116 22, 114 22))", SQUARE])
    layer.setDisplayExpression('"name"')
    shapes, skipped = feature_shapes(layer.getFeatures(), layer.crs(), label_of=display_labeller(layer))
    assert [s.fence_id for s in shapes] == [1, 4]
    assert len(skipped) == 2
    assert skipped[0].startswith("fence 1 (feature 2) has no geometry")
    assert skipped[1].startswith("fence 2 (feature 3)")
    with pytest.raises(FenceError) as info:  # nothing usable: an error that lists every reason at once
        feature_shapes(
            [f for f in layer.getFeatures() if f.id() in (2, 3)], layer.crs(), label_of=display_labeller(layer)
        )
    assert "feature 2" in str(info.value) and "feature 3" in str(info.value)
