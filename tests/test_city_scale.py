"""A whole city in one run, as analysts bring it: DataV-style district files (MultiPolygons, one
self-intersection, districts over the service's limit) and island districts in a projected CRS,
through real Processing and the real dock, against the simulator (which refuses fences over
800 km² and answers only cells that intersect the fence, as the service does)."""

import collections
import datetime as dt

import processing
from qgis.core import QgsProject, QgsVectorLayer
from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import make_valid

from crowdheat.plugin.core import s2cells
from simulator.jike import cells_in
from tests.boundaries import city_districts, city_file, island_districts, islands_file
from tests.helpers import SAMPLE_WKT as SAMPLE_WKT_FOR_DB
from tests.helpers import RecordingFeedback, planned
from tests.hostile import kill_after

LEVEL = 12  # coarse enough for a city of 14,000 km² to stay quick (~3,000 cells)


def clear_result_layers():
    """So that the dock's new Cells / Hourly heat layers are the only ones of that name."""
    project = QgsProject.instance()
    for name in ("Cells", "Hourly heat"):
        for layer in project.mapLayersByName(name):
            project.removeMapLayer(layer)


def heat_tab_on(layer, qgis_iface, qtbot, level):
    """The dock's Heat tab on ``layer`` (added to the project, active, all selected) at ``level``."""
    from crowdheat.plugin.ui.heat_tab import HeatTab

    QgsProject.instance().addMapLayer(layer)
    qgis_iface.setActiveLayer(layer)
    tab = HeatTab(qgis_iface)
    qtbot.addWidget(tab)
    tab.watch_layer(layer)
    tab.level.setCurrentIndex(tab.level.findData(level))
    layer.selectAll()
    planned(tab, qtbot, timeout=60000)
    return tab


def cells_by_feature(layer, key="fence_id"):
    found = collections.defaultdict(list)
    for feature in layer.getFeatures():
        found[feature[key]].append(s2cells.token_to_id(feature["cell_token"]))
    return found


def expected_geometries(districts):
    """What each district is once repaired: the file's bad ring is made valid, like QGIS does."""
    geometries = list(districts)
    outer = max(districts[2].geoms, key=lambda g: g.area) if isinstance(districts[2], MultiPolygon) else districts[2]
    from tests.boundaries import with_a_self_intersection

    geometries[2] = make_valid(Polygon(with_a_self_intersection(outer)))
    return geometries


def test_a_whole_city_comes_back_fully_covered_from_processing(jike, provider, tmp_path):
    path = city_file(tmp_path)
    layer = QgsVectorLayer(str(path), "districts", "ogr")
    assert layer.isValid() and layer.featureCount() == 16
    feedback = RecordingFeedback()
    result = processing.run(
        "crowdheat:heatmap",
        {"INPUT": layer, "CELL_LEVEL": LEVEL, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
        feedback=feedback,
    )
    text = feedback.text()
    assert result["FAILED_REQUESTS"] == 0 and len(jike.requests) == result["REQUESTS"]
    assert "was invalid" in text and "区03" in text and "repaired" in text
    assert "S2-aligned tiles" in text and "cells belong to two features or more" in text
    cells = cells_by_feature(result["OUTPUT_CELLS"])
    fids = sorted(cells)
    assert len(fids) == 16
    for fid, geometry in zip(fids, expected_geometries(city_districts())):
        got = cells[fid]
        assert len(got) == len(set(got)), f"district {fid}: a cell twice"
        missing = set(cells_in(geometry, LEVEL).tolist()) - set(got)
        assert not missing, f"district {fid}: {len(missing)} cells missing"
    hourly = [(f["fence_id"], f["cell_token"], f["date"]) for f in result["OUTPUT"].getFeatures()]
    assert len(hourly) == len(set(hourly))
    assert result["SHARED_CELLS"] > 0  # neighbours share the cells along their border


def test_a_rerun_asks_for_nothing_and_a_run_killed_midway_asks_only_for_the_rest(jike, provider, tmp_path):
    from crowdheat.plugin.core.config import JikeConfig
    from crowdheat.plugin.core.heat_cache import HeatCache
    from crowdheat.plugin.core.heat_job import fetch_plan
    from crowdheat.plugin.core.heat_plan import FeatureShape, plan_requests
    from crowdheat.plugin.core.jike import JikeClient
    from simulator.jike import TOKEN

    shapes = [FeatureShape(n + 1, f"d{n + 1}", g) for n, g in enumerate(city_districts())]
    plan = plan_requests(shapes, LEVEL, 1000)
    day = dt.date(2025, 4, 25)
    cache = HeatCache(tmp_path / "answers.sqlite")
    client = JikeClient(JikeConfig(base_url=jike.url, token=TOKEN, backoff_s=0.01))
    stop_after = len(plan.requests) // 2
    cells = []

    def sink(data):
        cells.append(data.cell_count)

    def killed():  # the process dies after half of the answers (what it cached stays)
        return len(jike.requests) >= stop_after

    first = fetch_plan(client, plan, sink, cache=cache, is_cancelled=killed, today=day, concurrency=1)
    # the request on its way at the cancel may or may not arrive: every answer that did is cached
    assert first.cancelled and cache.count() == first.requests_done in (stop_after - 1, stop_after)
    jike.clear()
    second = fetch_plan(client, plan, lambda data: None, cache=cache, today=day)
    assert len(jike.requests) == len(plan.requests) - first.requests_done  # nothing asked twice
    assert second.cache_hits == first.requests_done and not second.failures
    jike.clear()
    third = fetch_plan(client, plan, lambda data: None, cache=cache, today=day)
    assert jike.requests == [] and third.cells == second.cells  # the same day: all from the cache
    fourth = fetch_plan(client, plan, lambda data: None, cache=cache, today=day + dt.timedelta(days=1))
    assert len(jike.requests) == len(plan.requests)  # the next day the service has other days: asked again
    assert fourth.cells == third.cells
    cache.close()
    client.close()


def test_island_districts_in_a_projected_crs_share_requests_from_the_dock(jike, provider, qgis_iface, qtbot, tmp_path):
    layer = QgsVectorLayer(str(islands_file(tmp_path)), "islands", "ogr")
    assert layer.isValid() and layer.crs().authid() == "EPSG:32650"
    tab = heat_tab_on(layer, qgis_iface, qtbot, 15)
    plan = planned(tab, qtbot)
    assert len(plan.requests) <= 3 * len(plan.features)  # was one request per island: 1,151
    tab.confirm = lambda text: True
    clear_result_layers()
    planned(tab, qtbot, timeout=60000)  # the layers panel changed: Fetch waits for a new plan
    tab.fetch.click()
    qtbot.waitUntil(lambda: tab.task is None, timeout=60000)
    cells = cells_by_feature(QgsProject.instance().mapLayersByName("Cells")[0])
    assert len(cells) == 18
    for fid, geometry in zip(sorted(cells), island_districts()):
        truth = set(cells_in(geometry, 15).tolist())
        # the projected round trip moves vertices by micrometres: a cell grazing a coast may differ
        assert len(truth ^ set(cells[fid])) <= max(2, len(truth) // 200)
        assert len(cells[fid]) == len(set(cells[fid]))
    assert "requests answered" in tab.status.text()
    QgsProject.instance().removeMapLayer(layer)


def test_heat_is_written_through_processing_into_postgis_and_read_back_with_sql(jike, provider, postgis):
    from tests.helpers import BLOCK_WKT, polygon_layer

    result = processing.run(
        "crowdheat:heatmap",
        {
            "INPUT": polygon_layer([SAMPLE_WKT_FOR_DB, BLOCK_WKT]),
            "CELL_LEVEL": 17,
            "OUTPUT": "postgis:" + postgis.uri("hourly_heat"),
            "OUTPUT_CELLS": "postgis:" + postgis.uri("heat_cells"),
        },
    )
    assert result["FAILED_REQUESTS"] == 0
    rows = postgis.sql(
        postgis.dbname,
        "SELECT count(*), count(DISTINCT (fence_id, cell_token, date)), sum(day_heat), "
        "min(ST_SRID(geom)), bool_and(ST_IsValid(geom)) FROM hourly_heat",
    )
    count, distinct, total, srid, valid = rows[0]
    assert int(count) == result["HOURLY_COUNT"] == int(distinct) and srid == "4326" and valid == "t"
    cells = postgis.sql(postgis.dbname, "SELECT count(*), sum(cell_heat) FROM heat_cells")
    assert int(cells[0][0]) == result["CELL_COUNT"]
    # the hours add up to the day, in the database too
    mismatched = postgis.sql(
        postgis.dbname,
        "SELECT count(*) FROM hourly_heat WHERE day_heat <> " + " + ".join(f"h{h:02d}" for h in range(24)),
    )
    assert mismatched == [["0"]]
    assert int(total) > 0


KILLED_HEAT_RUN = """
import datetime as dt, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from crowdheat.plugin.core.config import JikeConfig
from crowdheat.plugin.core.heat_cache import HeatCache
from crowdheat.plugin.core.heat_job import fetch_plan
from crowdheat.plugin.core.heat_plan import FeatureShape, plan_requests
from crowdheat.plugin.core.jike import JikeClient
from tests.boundaries import city_districts

plan = plan_requests([FeatureShape(n + 1, f"d{n + 1}", g) for n, g in enumerate(city_districts())], 12, 1000)
client = JikeClient(JikeConfig(base_url=sys.argv[3], token=sys.argv[4], backoff_s=0.01))
fetch_plan(client, plan, lambda data: None, cache=HeatCache(sys.argv[5]), today=dt.date(2025, 4, 25), concurrency=1)
"""


def test_a_run_killed_with_sigkill_is_finished_by_the_rerun_without_paying_twice(jike, plugins_dir, tmp_path):
    import pathlib
    import sys

    from crowdheat.plugin.core.config import JikeConfig
    from crowdheat.plugin.core.heat_cache import HeatCache
    from crowdheat.plugin.core.heat_job import fetch_plan
    from crowdheat.plugin.core.heat_plan import FeatureShape, plan_requests
    from crowdheat.plugin.core.jike import JikeClient
    from simulator.jike import TOKEN

    root = pathlib.Path(__file__).resolve().parents[1]
    path = tmp_path / "answers.sqlite"
    kill_after(
        [sys.executable, "-c", KILLED_HEAT_RUN, str(plugins_dir), str(root), jike.url, TOKEN, str(path)],
        lambda: len(jike.requests),
        12,
    )
    asked_before = len(jike.requests)
    plan = plan_requests([FeatureShape(n + 1, f"d{n + 1}", g) for n, g in enumerate(city_districts())], LEVEL, 1000)
    assert 12 <= asked_before < len(plan.requests)
    cache = HeatCache(path)
    kept = cache.count()
    assert asked_before - 1 <= kept <= asked_before  # at most the answer in hand is lost
    jike.clear()
    with JikeClient(JikeConfig(base_url=jike.url, token=TOKEN, backoff_s=0.01)) as client:
        rerun = fetch_plan(client, plan, lambda data: None, cache=cache, today=dt.date(2025, 4, 25))
    assert len(jike.requests) == len(plan.requests) - kept and rerun.cache_hits == kept and not rerun.failures
    cache.close()


def test_rows_reach_postgis_answer_by_answer_not_at_the_end(jike, provider, postgis):
    """Processing's PostGIS sink buffers ~100 MB of features unless flushed through its proxy."""
    from tests.helpers import BLOCK_WKT, RecordingFeedback, polygon_layer

    seen = []

    class Watching(RecordingFeedback):
        def pushInfo(self, info):
            super().pushInfo(info)
            if "cells answered" in info:
                seen.append(int(postgis.sql(postgis.dbname, "SELECT count(*) FROM hourly_streamed")[0][0]))

    far = "POLYGON((116.30 39.90, 116.31 39.90, 116.31 39.91, 116.30 39.91, 116.30 39.90))"
    result = processing.run(
        "crowdheat:heatmap",
        {
            "INPUT": polygon_layer([BLOCK_WKT, far]),
            "CELL_LEVEL": 17,
            "OUTPUT": "postgis:" + postgis.uri("hourly_streamed"),
            "OUTPUT_CELLS": "memory:",
        },
        feedback=Watching(),
    )
    assert result["REQUESTS"] == 2 and len(seen) == 2
    assert 0 < seen[0] < seen[1] == result["HOURLY_COUNT"]


def test_the_whole_city_comes_back_fully_covered_from_the_dock(jike, provider, qgis_iface, qtbot, tmp_path):
    layer = QgsVectorLayer(str(city_file(tmp_path)), "districts", "ogr")
    tab = heat_tab_on(layer, qgis_iface, qtbot, 11)
    assert "16 feature(s)" in tab.selection_info.text() and "cut into S2 tiles" in tab.selection_info.text()
    asked = []
    tab.confirm = lambda text: asked.append(text) or True  # more requests than the threshold: asked first
    clear_result_layers()
    planned(tab, qtbot, timeout=60000)  # the layers panel changed: Fetch waits for a new plan
    tab.fetch.click()
    qtbot.waitUntil(lambda: tab.task is None, timeout=60000)
    assert asked and "failed" not in tab.status.text()
    cells = cells_by_feature(QgsProject.instance().mapLayersByName("Cells")[0])
    for fid, geometry in zip(sorted(cells), expected_geometries(city_districts())):
        assert set(cells[fid]) == set(cells_in(geometry, 11).tolist()) and len(cells[fid]) == len(set(cells[fid]))
    assert len(cells) == 16
    QgsProject.instance().removeMapLayer(layer)
