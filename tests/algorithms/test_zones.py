"""crowdheat:heatbyzone on real QGIS layers: heat fetched from the Jike simulator, shared out to
zones in other CRSs; conservation, the centroid method against a hand count, empty zones, the
zone-hour table, overlapping fences, and heat read back from PostGIS."""

import processing
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from crowdheat.plugin.gis.heat_zones import AVG_FIELDS
from tests.helpers import BLOCK_WKT, polygon_layer

OVERLAPPING = [BLOCK_WKT, "POLYGON((114.057 22.541, 114.060 22.541, 114.060 22.543, 114.057 22.543, 114.057 22.541))"]


def is_null(value):
    return value is None or (hasattr(value, "isNull") and value.isNull())


def fetch_heat(fences, level=17):
    result = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer(fences), "CELL_LEVEL": level, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )
    assert result["FAILED_REQUESTS"] == 0
    return result["OUTPUT"]


def distinct_heat(hourly):
    """Total heat of the distinct (cell, date) rows, and their cells' geometries by token."""
    seen, total, cells = set(), 0, {}
    for feature in hourly.getFeatures():
        key = (feature["cell_token"], feature["date"].toString("yyyy-MM-dd"))
        cells[feature["cell_token"]] = (
            QgsGeometry(feature.geometry()),
            cells.get(feature["cell_token"], (0, 0))[1] + (0 if key in seen else feature["day_heat"]),
        )
        if key not in seen:
            seen.add(key)
            total += feature["day_heat"]
    return total, cells


def grid_zones(hourly, columns, rows, crs="EPSG:3857", margin=0.0005):
    """A grid of rectangles in ``crs`` that covers the cells' extent (plus a margin): a partition."""
    extent = hourly.extent()
    extent.grow(margin)
    to_target = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(crs), QgsProject.instance()
    )
    box = to_target.transformBoundingBox(extent)
    width, height = box.width() / columns, box.height() / rows
    wkts = []
    for r in range(rows):
        for c in range(columns):
            x0, y0 = box.xMinimum() + c * width, box.yMinimum() + r * height
            x1 = box.xMaximum() if c == columns - 1 else x0 + width
            y1 = box.yMaximum() if r == rows - 1 else y0 + height
            wkts.append(f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))")
    return polygon_layer(wkts, crs, "zones")


def by_zone(hourly, zone_layer, method=0, hours=True):
    result = processing.run(
        "crowdheat:heatbyzone",
        {
            "INPUT": hourly,
            "ZONES": zone_layer,
            "METHOD": method,
            "OUTPUT": "memory:",
            "OUTPUT_HOURS": "memory:" if hours else None,
        },
    )
    return result, list(result["OUTPUT"].getFeatures())


@pytest.fixture(scope="module")
def block_heat(jike_server, qgis_app, provider):
    import os

    jike_server.reset()  # as made: an earlier test's canned answer must not be this module's heat

    os.environ["CROWDHEAT_JIKE_URL"] = jike_server.url
    from simulator.jike import TOKEN

    os.environ["CROWDHEAT_JIKE_TOKEN"] = TOKEN
    try:
        yield fetch_heat([BLOCK_WKT])
    finally:
        os.environ.pop("CROWDHEAT_JIKE_URL", None)
        os.environ.pop("CROWDHEAT_JIKE_TOKEN", None)


def test_heat_is_conserved_on_a_partition_in_a_projected_crs(block_heat):
    total, _ = distinct_heat(block_heat)
    result, zones = by_zone(block_heat, grid_zones(block_heat, 4, 3))
    assert len(zones) == 12 and not any(is_null(z["heat_total"]) for z in zones)
    assert sum(z["heat_total"] for z in zones) == pytest.approx(total, rel=1e-9)
    assert sum(z["cells"] for z in zones) > len(distinct_heat(block_heat)[1])  # border cells are shared
    # the zone-hour table adds up to each zone's total
    per_zone = {}
    for row in result["OUTPUT_HOURS"].getFeatures():
        per_zone[row["zone_fid"]] = per_zone.get(row["zone_fid"], 0.0) + row["heat"]
    for zone in zones:
        assert per_zone[zone.id()] == pytest.approx(zone["heat_total"], rel=1e-9)
        avg = [zone[name] for name in AVG_FIELDS]
        assert zone["peak_hour"] == avg.index(max(avg)) and sum(avg) == pytest.approx(zone["mean_day"], rel=1e-9)
        assert 0 < zone["covered_share"] <= 1 + 1e-9


def test_the_centroid_method_against_a_hand_count(block_heat):
    _, cells = distinct_heat(block_heat)
    zone_layer = grid_zones(block_heat, 2, 2, crs="EPSG:32650")
    _, zones = by_zone(block_heat, zone_layer, method=1, hours=False)
    to_utm = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:32650"), QgsProject.instance()
    )
    for zone in zones:
        expected, count = 0, 0
        for geometry, heat in cells.values():
            centre = QgsGeometry(geometry.centroid())
            centre.transform(to_utm)
            if zone.geometry().contains(centre):
                expected, count = expected + heat, count + 1
        assert zone["cells"] == count
        assert (0 if is_null(zone["heat_total"]) else zone["heat_total"]) == pytest.approx(expected, rel=1e-9)


def test_a_zone_without_cells_has_unknown_heat_not_zero(block_heat):
    far = "POLYGON((116.30 39.90, 116.31 39.90, 116.31 39.91, 116.30 39.91, 116.30 39.90))"
    _, zones = by_zone(block_heat, polygon_layer([BLOCK_WKT, far]))
    near, away = zones
    assert near["heat_total"] > 0 and near["covered_share"] == pytest.approx(1.0, abs=1e-6)
    assert away["covered_share"] == 0 and away["cells"] == 0
    assert all(is_null(away[name]) for name in ["heat_total", "mean_day", "peak_hour", "weekday_mean"] + AVG_FIELDS)
    assert away["name"] == "fence 1"  # the zone's own fields come first, unchanged


def test_a_cell_of_two_overlapping_fences_counts_once(jike, provider):
    hourly = fetch_heat(OVERLAPPING)
    total, _ = distinct_heat(hourly)
    doubled = sum(f["day_heat"] for f in hourly.getFeatures())
    assert doubled > total  # the overlap's cells come under both fences
    _, zones = by_zone(hourly, grid_zones(hourly, 2, 2), hours=False)
    assert sum(z["heat_total"] for z in zones) == pytest.approx(total, rel=1e-9)


def test_weekday_and_weekend_follow_the_beijing_calendar(block_heat):
    _, zones = by_zone(block_heat, polygon_layer([BLOCK_WKT]))
    totals = {}
    for feature in block_heat.getFeatures():
        day = feature["date"].toPyDate()
        totals[day] = totals.get(day, 0) + feature["day_heat"]  # one fence: no cell twice
    weekend = [t for d, t in totals.items() if d.weekday() >= 5]
    weekdays = [t for d, t in totals.items() if d.weekday() < 5]
    assert weekend and weekdays  # the simulator's ten days span a weekend
    zone = zones[0]  # the block itself: every cell wholly inside or shared by area
    share = zone["heat_total"] / sum(totals.values())
    assert zone["weekend_mean"] == pytest.approx(share * sum(weekend) / len(weekend), rel=0.05)
    assert zone["weekday_mean"] == pytest.approx(share * sum(weekdays) / len(weekdays), rel=0.05)


def test_heat_read_back_from_postgis(jike, provider, postgis):
    from tests.helpers import BLOCK_WKT as block

    processing.run(
        "crowdheat:heatmap",
        {
            "INPUT": polygon_layer([block]),
            "CELL_LEVEL": 17,
            "OUTPUT": "postgis:" + postgis.uri("zone_hourly"),
            "OUTPUT_CELLS": "memory:",
        },
    )
    stored = QgsVectorLayer(postgis.uri("zone_hourly"), "hourly", "postgres")
    assert stored.isValid() and stored.featureCount() > 0
    memory = fetch_heat([block])
    zone_layer = grid_zones(memory, 3, 2)
    _, from_db = by_zone(stored, zone_layer, hours=False)
    _, from_memory = by_zone(memory, zone_layer, hours=False)
    assert [z["heat_total"] for z in from_db] == pytest.approx([z["heat_total"] for z in from_memory], rel=1e-12)


def test_not_a_heat_layer_is_a_clear_error(block_heat):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="not an hourly heat layer.*h00"):
        by_zone(polygon_layer([BLOCK_WKT]), polygon_layer([BLOCK_WKT]))


def test_a_zone_hour_table_on_a_full_disk_is_a_failure_not_done(block_heat, full_disk):
    """The zone-hour table was not checked: a disk that filled up at its last commit left a run that
    said done while the table held nothing."""
    zone_layer = grid_zones(block_heat, 18, 18)
    with pytest.raises(QgsProcessingException) as failed:
        processing.run(
            "crowdheat:heatbyzone",
            {
                "INPUT": block_heat,
                "ZONES": zone_layer,
                "OUTPUT": "memory:",
                "OUTPUT_HOURS": str(full_disk / "hours.gpkg"),
            },
        )
    assert "heat by zone and hour" in str(failed.value) and "disk may be full" in str(failed.value)
