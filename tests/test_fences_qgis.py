"""Geometries to fences with real QGIS: CRS, holes, parts, repair, curves, Z/M, simplification."""

import pytest
from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsDistanceArea, QgsGeometry,
                       QgsPointXY, QgsProject)

from crowdheat.plugin.core.errors import FenceError
from crowdheat.plugin.gis.fences import circle_fence, fences_from_geometry

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
MERCATOR = QgsCoordinateReferenceSystem("EPSG:3857")


def to_crs(wkt, crs):
    geometry = QgsGeometry.fromWkt(wkt)
    geometry.transform(QgsCoordinateTransform(WGS84, crs, QgsProject.instance()))
    return geometry


def test_mercator_polygon_with_hole(qgis_app):
    wkt = ("POLYGON((114.05 22.53, 114.07 22.53, 114.07 22.55, 114.05 22.55, 114.05 22.53),"
           "(114.055 22.535, 114.06 22.535, 114.06 22.54, 114.055 22.535))")
    fences = fences_from_geometry(to_crs(wkt, MERCATOR), 7, MERCATOR)
    assert len(fences) == 1
    ring = fences[0].ring
    assert ring[0] == ring[-1] and len(ring) == 5
    xs = sorted({round(x, 6) for x, _ in ring})
    assert xs == [114.05, 114.07]  # back in WGS84
    assert any("1 hole(s) dropped" in w for w in fences[0].warnings)
    # The core's geodesic area agrees with QGIS's ellipsoidal area within 0.5%.
    measure = QgsDistanceArea()
    measure.setEllipsoid("WGS84")
    measure.setSourceCrs(WGS84, QgsProject.instance().transformContext())
    outer = QgsGeometry.fromWkt("POLYGON((114.05 22.53, 114.07 22.53, 114.07 22.55, 114.05 22.55, 114.05 22.53))")
    assert fences[0].area_m2() == pytest.approx(measure.measureArea(outer), rel=0.005)


def test_multipolygon_is_one_fence_per_part(qgis_app):
    wkt = ("MULTIPOLYGON(((114.0 22.5, 114.01 22.5, 114.01 22.51, 114.0 22.5)),"
           "((114.1 22.6, 114.11 22.6, 114.11 22.61, 114.1 22.6)))")
    fences = fences_from_geometry(QgsGeometry.fromWkt(wkt), 3, WGS84)
    assert [(f.fence_id, f.part) for f in fences] == [(3, 0), (3, 1)]
    assert fences[1].label == "feature 3 part 2"


def test_self_intersecting_polygon_is_repaired_with_the_reason(qgis_app):
    bowtie = QgsGeometry.fromWkt("POLYGON((114.0 22.5, 114.01 22.51, 114.01 22.5, 114.0 22.51, 114.0 22.5))")
    fences = fences_from_geometry(bowtie, 1, WGS84)
    assert len(fences) == 2  # the bow tie's two triangles
    assert all("was invalid" in f.warnings[0] and "repaired" in f.warnings[0] for f in fences)


def test_unrepairable_and_non_polygons_are_refused(qgis_app):
    with pytest.raises(FenceError, match="has no geometry"):
        fences_from_geometry(QgsGeometry(), 1, WGS84)
    with pytest.raises(FenceError, match="not a polygon"):
        fences_from_geometry(QgsGeometry.fromWkt("LINESTRING(114 22, 115 23)"), 1, WGS84)
    with pytest.raises(FenceError, match="cannot be repaired|no polygon with an area"):
        fences_from_geometry(QgsGeometry.fromWkt("POLYGON((114 22, 115 22, 116 22, 114 22))"), 1, WGS84)


def test_curves_and_z_m_are_flattened(qgis_app):
    curved = QgsGeometry.fromWkt(
        "CURVEPOLYGON ZM (COMPOUNDCURVE ZM (CIRCULARSTRING ZM (114.0 22.5 1 2, 114.01 22.51 1 2, 114.02 22.5 1 2),"
        " (114.02 22.5 1 2, 114.0 22.5 1 2)))")
    fences = fences_from_geometry(curved, 1, WGS84)
    ring = fences[0].ring
    assert len(ring) > 10 and all(len(p) == 2 for p in ring)


def test_too_many_vertices_are_simplified_within_a_stated_tolerance(qgis_app):
    circle = QgsGeometry.fromPointXY(QgsPointXY(114.05, 22.54)).buffer(0.01, 2000)  # 8,000 vertices
    fences = fences_from_geometry(circle, 1, WGS84, max_vertices=200)
    ring = fences[0].ring
    assert len(ring) - 1 <= 200
    warning = fences[0].warnings[0]
    assert "simplified to" in warning and "tolerance of" in warning and "limit 200" in warning
    tolerance_m = float(warning.split("tolerance of ")[1].split(" m")[0])
    assert 0 < tolerance_m < 30


def test_circle_from_a_projected_centre(qgis_app):
    centre = to_crs("POINT(114.0565 22.541)", MERCATOR).asPoint()
    fence = circle_fence(centre, MERCATOR, 800.0)
    assert fence.is_circle and fence.radius_m == 800.0
    assert fence.center == pytest.approx((114.0565, 22.541), abs=1e-9)
    assert fence.request_body()["circle"]["radius"] == 800.0


# -- hostile geometries: repair what can be, skip what cannot, never block the others ---------------

SQUARE = "POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.05 22.54, 114.05 22.53))"
# The same square with a spike: a zero-width excursion out of its top edge and back (invalid).
SPIKE = "POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.055 22.54, 114.055 22.56, 114.055 22.54, " \
        "114.05 22.54, 114.05 22.53))"


def test_a_spike_is_repaired_to_its_polygon_and_the_area_change_reported(qgis_app):
    fences = fences_from_geometry(QgsGeometry.fromWkt(SPIKE), 1, WGS84)
    assert len(fences) == 1
    square = fences_from_geometry(QgsGeometry.fromWkt(SQUARE), 1, WGS84)[0]
    assert fences[0].area_m2() == pytest.approx(square.area_m2(), rel=1e-9)
    assert "repaired" in fences[0].warnings[0] and "+0.00%" in fences[0].warnings[0]


def test_a_zero_area_ring_is_refused_not_sent():
    from crowdheat.plugin.core.errors import FenceError
    from crowdheat.plugin.core.fence import make_ring_fence

    with pytest.raises(FenceError) as info:
        make_ring_fence(1, [(114.0, 22.5), (114.0 + 1e-9, 22.5), (114.0, 22.5 + 1e-9)])
    assert "has no area" in str(info.value)


def test_one_null_or_unusable_feature_is_skipped_by_name_and_the_others_go_on(qgis_app):
    from crowdheat.plugin.gis.fences import display_labeller, fences_from_features
    from tests.helpers import polygon_layer

    layer = polygon_layer([SQUARE, QgsGeometry(), "POLYGON((114 22, 115 22, 116 22, 114 22))", SQUARE])
    layer.setDisplayExpression('"name"')
    fences, skipped = fences_from_features(layer.getFeatures(), layer.crs(), max_vertices=1000,
                                           label_of=display_labeller(layer))
    assert [f.fence_id for f in fences] == [1, 4]
    assert len(skipped) == 2
    assert skipped[0].startswith("fence 1 (feature 2) has no geometry")
    assert skipped[1].startswith("fence 2 (feature 3)")
    with pytest.raises(Exception) as info:  # nothing usable: an error that lists every reason at once
        fences_from_features([f for f in layer.getFeatures() if f.id() in (2, 3)], layer.crs(),
                             label_of=display_labeller(layer))
    assert "feature 2" in str(info.value) and "feature 3" in str(info.value)
