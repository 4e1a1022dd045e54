"""crowdheat:heatmap and crowdheat:heatmapcircle end to end: real QGIS, real HTTP on loopback."""

import json

import processing
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from crowdheat.plugin.gis.heat_layers import AVG_FIELDS, HOUR_FIELDS
from simulator.jike import SAMPLE_RESPONSE, TOKEN
from tests.helpers import BLOCK_WKT, SAMPLE_RING, SAMPLE_WKT, RecordingFeedback, polygon_layer, shapefile_without_prj


def run_heat(params, feedback=None):
    feedback = feedback or RecordingFeedback()
    result = processing.run(
        "crowdheat:heatmap",
        {"CELL_LEVEL": 0, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:", **params},
        feedback=feedback,
    )
    return result, feedback


def test_seed_sample_end_to_end(jike, provider):
    result, feedback = run_heat({"INPUT": polygon_layer([SAMPLE_WKT])})
    hourly, cells = result["OUTPUT"], result["OUTPUT_CELLS"]
    assert hourly.featureCount() == 45 and cells.featureCount() == 5
    assert result["CELL_COUNT"] == 5 and result["HOURLY_COUNT"] == 45
    assert [f.name() for f in hourly.fields()] == (
        ["fence_id", "cell_token", "cell_id", "level", "date", "start", "end"] + HOUR_FIELDS + ["day_heat", "peak_hour"]
    )
    assert [f.name() for f in cells.fields()] == (
        ["fence_id", "cell_token", "cell_id", "level", "cell_heat", "days", "mean_day"] + AVG_FIELDS + ["peak_hour"]
    )
    assert hourly.crs().authid() == "EPSG:4326"

    sample = {i["cell_token"]: i for i in json.loads(SAMPLE_RESPONSE.read_text())["data"]["items"]}
    day_sums = {}
    for feature in hourly.getFeatures():
        token = feature["cell_token"]
        hours = [feature[name] for name in HOUR_FIELDS]
        day = feature["date"].toString("yyyyMMdd")
        assert hours == next(d["heat"] for d in sample[token]["time_range"] if d["date"] == day)
        assert feature["day_heat"] == sum(hours)
        assert feature["peak_hour"] == hours.index(max(hours))
        assert feature["start"] == QDateTime(feature["date"], QTime(0, 0))
        assert feature["end"] == QDateTime(feature["date"].addDays(1), QTime(0, 0))
        day_sums[token] = day_sums.get(token, 0) + feature["day_heat"]
    for feature in cells.getFeatures():
        token = feature["cell_token"]
        geometry = feature.geometry()
        assert geometry.constGet().vertexCount() == 5  # 4 corners, closed
        assert geometry.contains(QgsPointXY(*sample[token]["cell_center"]))
        assert feature["cell_heat"] == sample[token]["cell_heat"] == day_sums[token]
        assert feature["days"] == 9 and feature["level"] == 18 and feature["cell_id"] == sample[token]["cell_id"]
        assert feature["mean_day"] == pytest.approx(day_sums[token] / 9, abs=1e-3)
    assert "5 cells, 45 cell-days" in feedback.text()
    assert TOKEN not in feedback.text()


def test_loaded_results_are_styled_grouped_and_timed(jike, provider):
    project = QgsProject.instance()
    project.clear()
    processing.runAndLoadResults(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([SAMPLE_WKT]), "CELL_LEVEL": 0, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )
    hourly = project.mapLayersByName("Hourly heat")[0]
    cells = project.mapLayersByName("Cells")[0]
    group = project.layerTreeRoot().children()[0]
    assert group.name() == "Heat fence 0 (feature 1), 2025-04-14 – 2025-04-22"
    assert sorted(n.name() for n in group.children()) == ["Cells", "Hourly heat"]
    assert len(project.layerTreeRoot().findLayers()) == 2
    renderer = hourly.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer) and "@map_start_time" in renderer.classAttribute()
    items = json.loads(SAMPLE_RESPONSE.read_text())["data"]["items"]
    highest = max(v for i in items for d in i["time_range"] for v in d["heat"])
    assert renderer.ranges()[-1].upperValue() == highest and renderer.ranges()[0].upperValue() == 0
    props = hourly.temporalProperties()
    assert (
        props.isActive() and props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
    )
    assert (props.startField(), props.endField()) == ("start", "end")
    assert cells.renderer().classAttribute() == '"cell_heat"'
    time_range = project.timeSettings().temporalRange()
    assert time_range.begin() == QDateTime(QDate(2025, 4, 14), QTime(0, 0))
    assert time_range.end() == QDateTime(QDate(2025, 4, 23), QTime(0, 0))
    assert project.timeSettings().timeStep() == 1
    # the post-processors let go once they have run: nothing piles up over a session of runs
    from crowdheat.plugin.algorithms.groups import OneShotPostProcessor

    assert OneShotPostProcessor.pending() == 0
    project.clear()


def test_projected_layer_with_selection_only(jike, provider):
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance())
    geometries = []
    for wkt in (SAMPLE_WKT, BLOCK_WKT):
        geometry = QgsGeometry.fromWkt(wkt)
        geometry.transform(transform)
        geometries.append(geometry)
    layer = polygon_layer(geometries, crs="EPSG:3857")
    QgsProject.instance().addMapLayer(layer)
    layer.selectByIds([2])
    result, _ = run_heat(
        {"INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True), "CELL_LEVEL": 18}
    )
    assert len(jike.requests) == 1
    body = json.loads(jike.requests[0]["body"])
    assert body["cell_level"] == 18
    assert body["fence"][0] == pytest.approx([114.055, 22.540], abs=1e-9)
    assert {f["fence_id"] for f in result["OUTPUT_CELLS"].getFeatures()} == {2}
    QgsProject.instance().removeMapLayer(layer)


def test_empty_selection_is_refused_before_any_request(jike, provider):
    layer = polygon_layer([SAMPLE_WKT])
    QgsProject.instance().addMapLayer(layer)
    layer.removeSelection()
    with pytest.raises(QgsProcessingException, match="no features.*Select at least one polygon"):
        run_heat({"INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True)})
    assert jike.requests == []
    QgsProject.instance().removeMapLayer(layer)


def concurrency(value):
    """Requests in flight for the test (one at a time makes the order of faults deterministic)."""
    from qgis.core import QgsSettings

    QgsSettings().setValue("crowdheat/jike/concurrency", value)


@pytest.fixture
def one_at_a_time():
    concurrency(1)
    yield
    from qgis.core import QgsSettings

    QgsSettings().remove("crowdheat/jike/concurrency")


def unique_and_complete(result, truth_ids):
    from crowdheat.plugin.core import s2cells

    cells = [(f["fence_id"], f["cell_token"]) for f in result["OUTPUT_CELLS"].getFeatures()]
    assert len(cells) == len(set(cells))  # one row per feature and cell
    hourly = [(f["fence_id"], f["cell_token"], f["date"]) for f in result["OUTPUT"].getFeatures()]
    assert len(hourly) == len(set(hourly))
    assert {s2cells.token_to_id(t) for _, t in cells} == {int(c) for c in truth_ids}


def test_a_polygon_over_the_limit_is_tiled_and_fully_covered(jike, provider):
    from shapely import wkt

    from simulator.jike import cells_in

    big = "POLYGON((113.6 22.4, 114.2 22.4, 114.2 22.8, 113.6 22.8, 113.6 22.4))"  # about 2,700 km²
    result, feedback = run_heat({"INPUT": polygon_layer([big]), "CELL_LEVEL": 12})
    assert result["REQUESTS"] >= 4 and len(jike.requests) == result["REQUESTS"] and result["FAILED_REQUESTS"] == 0
    assert "cut into" in feedback.text() and "S2-aligned tiles" in feedback.text()
    unique_and_complete(result, cells_in(wkt.loads(big), 12))


def test_a_rerun_on_the_same_day_asks_for_nothing(jike, provider):
    first, _ = run_heat({"INPUT": polygon_layer([SAMPLE_WKT, BLOCK_WKT]), "CELL_LEVEL": 16})
    sent = len(jike.requests)
    again, feedback = run_heat({"INPUT": polygon_layer([SAMPLE_WKT, BLOCK_WKT]), "CELL_LEVEL": 16})
    assert sent == 2 and len(jike.requests) == sent
    assert again["CELL_COUNT"] == first["CELL_COUNT"] and "(2 from the cache)" in feedback.text()


def test_invalid_cell_level_is_refused(jike, provider):
    with pytest.raises(QgsProcessingException, match="10..18"):
        run_heat({"INPUT": polygon_layer([SAMPLE_WKT]), "CELL_LEVEL": 7})


def test_service_error_reaches_the_user_with_codes_not_token(jike, provider, monkeypatch):
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "a-wrong-token-9876")
    with pytest.raises(QgsProcessingException) as info:
        run_heat({"INPUT": polygon_layer([SAMPLE_WKT])})
    assert "HTTP 401" in str(info.value) and "a-wrong-token-9876" not in str(info.value)


def test_one_failing_request_keeps_the_others(jike, provider, one_at_a_time):
    jike.push_faults("biz:50001")
    result, feedback = run_heat({"INPUT": polygon_layer([BLOCK_WKT, SAMPLE_WKT]), "CELL_LEVEL": 0})
    assert result["FAILED_REQUESTS"] == 1 and result["REQUESTS"] == 2 and result["CELL_COUNT"] in (5, 62)
    assert "biz_code 50001" in feedback.text()


def test_geopackage_outputs(jike, provider, tmp_path):
    hourly_path, cells_path = tmp_path / "hourly.gpkg", tmp_path / "cells.gpkg"
    run_heat({"INPUT": polygon_layer([SAMPLE_WKT]), "OUTPUT": str(hourly_path), "OUTPUT_CELLS": str(cells_path)})
    hourly = QgsVectorLayer(str(hourly_path), "h", "ogr")
    cells = QgsVectorLayer(str(cells_path), "c", "ogr")
    assert hourly.featureCount() == 45 and cells.featureCount() == 5
    feature = next(hourly.getFeatures("\"cell_token\" = '3403ee114b' AND \"date\" = '2025-04-16'"))
    assert feature["h12"] == 52 and feature["start"].time() == QTime(0, 0)


def test_circle_algorithm(jike, provider):
    result = processing.run(
        "crowdheat:heatmapcircle",
        {
            "CENTER": "114.0565,22.541 [EPSG:4326]",
            "RADIUS": 200,
            "CELL_LEVEL": 18,
            "OUTPUT": "memory:",
            "OUTPUT_CELLS": "memory:",
        },
    )
    body = json.loads(jike.requests[-1]["body"])
    assert body["circle"]["radius"] == 200 and body["cell_level"] == 18
    assert result["OUTPUT_CELLS"].featureCount() == result["CELL_COUNT"] > 10
    assert result["OUTPUT"].featureCount() == 9 * result["CELL_COUNT"]


def test_a_circle_over_50_km_is_tiled_and_fully_covered(jike, provider):
    from crowdheat.plugin.core.heat_plan import circle_polygon
    from simulator.jike import cells_in

    result = processing.run(
        "crowdheat:heatmapcircle",
        {
            "CENTER": "114.0,22.5 [EPSG:4326]",
            "RADIUS": 60000,
            "CELL_LEVEL": 11,
            "OUTPUT": "memory:",
            "OUTPUT_CELLS": "memory:",
        },
    )
    assert result["REQUESTS"] > 1 and result["FAILED_REQUESTS"] == 0
    unique_and_complete(result, cells_in(circle_polygon(114.0, 22.5, 60000), 11))


def test_cancel_before_any_answer_keeps_the_user_informed(jike, provider):
    feedback = RecordingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="Cancelled by the user"):
        run_heat({"INPUT": polygon_layer([SAMPLE_WKT])}, feedback)


def test_cancel_after_the_first_answer_keeps_its_layers(jike, provider, one_at_a_time):
    class CancelAfterFirst(RecordingFeedback):
        def pushInfo(self, info):
            super().pushInfo(info)
            if "cells answered" in info:
                self.cancel()

    feedback = CancelAfterFirst()
    result, _ = run_heat({"INPUT": polygon_layer([SAMPLE_WKT, BLOCK_WKT])}, feedback)
    assert len(jike.requests) == 1
    assert result["CELL_COUNT"] in (5, 62) and "Stopped early" in feedback.text()


@pytest.mark.parametrize(
    "choice, system, suffix", [(1, "GCJ02", " (GCJ-02 numbers)"), (2, "BD09LL", " (BD-09 numbers)")]
)
def test_heat_layers_in_gcj02_or_bd09_for_chinese_basemaps(jike, provider, choice, system, suffix):
    """Each vertex is the WGS84 vertex shifted exactly as the coordinates module does; the layers
    say so in their names when loaded."""
    from crowdheat.plugin.core import coords

    params = {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"}
    plain, _ = run_heat(dict(params))
    shifted, _ = run_heat(dict(params, COORD_OUT=choice))
    wgs = {f["cell_token"]: f.geometry().asPolygon()[0] for f in plain["OUTPUT_CELLS"].getFeatures()}
    moved = {f["cell_token"]: f.geometry().asPolygon()[0] for f in shifted["OUTPUT_CELLS"].getFeatures()}
    assert wgs.keys() == moved.keys() and len(wgs) > 10
    for token, ring in wgs.items():
        for a, b in zip(ring, moved[token]):
            expected = coords.convert(a.x(), a.y(), coords.WGS84, system)
            assert abs(b.x() - expected[0]) < 1e-9 and abs(b.y() - expected[1]) < 1e-9
    assert shifted["HOURLY_COUNT"] == plain["HOURLY_COUNT"]
    QgsProject.instance().clear()
    loaded = processing.runAndLoadResults("crowdheat:heatmap", dict(params, COORD_OUT=choice))
    names = {QgsProject.instance().mapLayer(loaded[k]).name() for k in ("OUTPUT", "OUTPUT_CELLS")}
    assert names == {"Hourly heat" + suffix, "Cells" + suffix}
    QgsProject.instance().clear()


def test_the_dialogs_default_coordinates_follow_a_gcj02_basemap(jike, provider):
    """Processing's dialog sends every parameter at its default: COORD_OUT's default follows the
    basemap, so a Gaode basemap gets GCJ-02 heat there too; WGS84 chosen is a warning."""
    from qgis.core import QgsApplication

    from crowdheat.plugin.core import coords
    from crowdheat.plugin.gis.heat_layers import numbers_of

    default = QgsApplication.processingRegistry().algorithmById("crowdheat:heatmap")
    default = default.parameterDefinition("COORD_OUT").defaultValue()
    params = {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "BASEMAP": "gaode"}
    followed, said = run_heat(dict(params, COORD_OUT=default))
    assert numbers_of(followed["OUTPUT"]) == coords.GCJ02 and "written in GCJ-02" in said.text()
    asked, warned = run_heat(dict(params, COORD_OUT=0))
    assert numbers_of(asked["OUTPUT"]) == coords.WGS84 and "a few hundred metres apart" in warned.text()
    plain, _ = run_heat({"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "COORD_OUT": default})
    assert numbers_of(plain["OUTPUT"]) == coords.WGS84  # no basemap: WGS84, as before


def test_an_hour_of_3e9_is_written_to_a_geopackage_and_read_back(jike, provider, tmp_path):
    import processing
    from qgis.core import QgsVectorLayer
    from shapely import wkt

    from simulator.jike import cells_in, generate_items
    from simulator.jike import envelope as sim_envelope
    from tests.helpers import BLOCK_WKT, polygon_layer

    items = generate_items(cells_in(wkt.loads(BLOCK_WKT), 17), seed=11, stringly=False)
    items[0]["time_range"][0]["heat"][12] = 3_000_000_000
    items[0]["cell_heat"] = sum(sum(day["heat"]) for day in items[0]["time_range"])
    jike.canned = json.dumps(sim_envelope(items)).encode()
    out = tmp_path / "hourly.gpkg"
    processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": str(out), "OUTPUT_CELLS": "memory:"},
    )
    layer = QgsVectorLayer(str(out), "hourly", "ogr")
    values = [f["h12"] for f in layer.getFeatures() if f["cell_token"] == items[0]["cell_token"]]
    assert 3_000_000_000 in values
    assert max(f["day_heat"] for f in layer.getFeatures()) >= 3_000_000_000


def test_an_echoed_token_never_reaches_processing_output(provider, server, monkeypatch):
    import processing
    from qgis.core import QgsProcessingException

    from simulator.jike import envelope
    from tests.helpers import BLOCK_WKT, RecordingFeedback, polygon_layer

    server.behave(
        lambda reply, request: reply.send(
            200, envelope([], biz_code=401, biz_message=f"invalid credential: Bearer {TOKEN}")
        )
    )
    monkeypatch.setenv("CROWDHEAT_JIKE_URL", server.url)
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", TOKEN)
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException) as info:
        processing.run(
            "crowdheat:heatmap",
            {
                "INPUT": polygon_layer([BLOCK_WKT, BLOCK_WKT]),
                "CELL_LEVEL": 17,
                "OUTPUT": "memory:",
                "OUTPUT_CELLS": "memory:",
            },
            feedback=feedback,
        )
    everything = str(info.value) + "\n".join(feedback.lines)
    assert "biz_code 401" in everything and TOKEN not in everything and TOKEN[:12] not in everything


# -- what the input's numbers are ------------------------------------------------------------------


def flat(ring):
    return [v for point in ring for v in point]


def test_a_projected_layer_whose_prj_was_lost_is_refused_with_how_to_fix_it(jike, provider, tmp_path):
    """Metres with no CRS ended in s2sphere's AssertionError: now a message naming the layer."""
    shapefile_without_prj(polygon_layer([BLOCK_WKT]), tmp_path / "blocks_utm.shp", "EPSG:32650")
    # the file's path, as a user gives it (a shapefile layer object made here and handed to a run
    # that raises outlives QGIS in the test process: Python frees it at exit, after GDAL is gone)
    with pytest.raises(QgsProcessingException) as info:
        run_heat({"INPUT": str(tmp_path / "blocks_utm.shp")})
    text = str(info.value)
    assert "'blocks_utm'" in text and "no coordinate reference system" in text and "Set Layer CRS" in text
    assert "Traceback" not in text and "Assertion" not in text
    assert jike.requests == []


def test_a_degree_layer_without_crs_is_taken_as_wgs84_with_a_warning(jike, provider, tmp_path):
    layer = shapefile_without_prj(polygon_layer([SAMPLE_WKT]), tmp_path / "sample_degrees.shp")
    result, feedback = run_heat({"INPUT": layer})
    assert result["CELL_COUNT"] == 5
    warning = next(line for line in feedback.lines if "no coordinate reference system" in line)
    assert "'sample_degrees'" in warning and "WGS84" in warning
    sent = json.loads(jike.requests[0]["body"])["fence"]  # the shapefile turned the ring clockwise
    assert {(round(x, 7), round(y, 7)) for x, y in sent} == {(round(x, 7), round(y, 7)) for x, y in SAMPLE_RING}


@pytest.mark.parametrize("choice, system", [(1, "GCJ02"), (2, "BD09LL")])
def test_gcj02_or_bd09_boundaries_are_converted_exactly_before_they_are_sent(jike, provider, choice, system):
    """DataV/Amap boundaries are GCJ-02, Baidu's BD-09, all shown as EPSG:4326 by QGIS: the fence
    sent is the WGS84 one (exact inverse), where taking the numbers as WGS84 is hundreds of metres off."""
    from crowdheat.plugin.core import coords
    from crowdheat.plugin.core.fence import haversine_m

    ring = SAMPLE_RING
    shifted = [coords.convert(x, y, coords.WGS84, system) for x, y in ring]
    wkt = "POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in shifted) + "))"
    run_heat({"INPUT": polygon_layer([wkt]), "INPUT_COORDS": choice})
    sent = json.loads(jike.requests[-1]["body"])["fence"]
    assert flat(sent) == pytest.approx(flat(ring), abs=1e-8)  # < 1 mm
    run_heat({"INPUT": polygon_layer([wkt]), "INPUT_COORDS": 0})
    as_if_wgs84 = json.loads(jike.requests[-1]["body"])["fence"]
    assert min(haversine_m(a, b) for a, b in zip(as_if_wgs84, ring)) > 200


def test_processing_says_what_it_left_out_and_why(jike, provider):
    """The log listed nothing it dropped ("8 cells answered, 8 kept" when 9 were), and a run whose
    every cell was far away ended in "No cell was returned." alone."""
    from simulator.jike import cells_near, envelope, generate_items

    ring = SAMPLE_RING
    near = cells_near(ring[0], 8, level=18, half=0.001)
    far = cells_near((2.35, 48.85), 1, level=18)  # Paris
    jike.canned = json.dumps(envelope(generate_items(near + far, seed=2))).encode()
    result, feedback = run_heat({"INPUT": polygon_layer([SAMPLE_WKT]), "CELL_LEVEL": 18})
    text = feedback.text()
    assert "9 cells answered" in text and "left out" in text
    assert any(line.startswith("Left out:") and "far outside the fence" in line for line in feedback.lines)
    jike.canned = json.dumps(envelope(generate_items(far, seed=3))).encode()
    with pytest.raises(QgsProcessingException) as info:  # another fence: not the cached answer
        run_heat({"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 18})
    assert "No cell was kept" in str(info.value) and "far outside the fence" in str(info.value)
