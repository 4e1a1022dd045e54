"""The dock's Heat tab on real QGIS widgets: states, a task to completion, cancel, errors, no stalls."""

import json

import pytest
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer

from crowdheat.plugin.gis import basemaps
from crowdheat.plugin.ui.heat_tab import HeatTab
from tests.heartbeat import Heartbeat
from tests.helpers import BLOCK_WKT, SAMPLE_WKT, planned, polygon_layer, shapefile_without_prj


@pytest.fixture
def tab(qgis_iface, jike, qtbot):
    QgsProject.instance().clear()
    qgis_iface.messageBar().clear_messages()
    widget = HeatTab(qgis_iface)
    qtbot.addWidget(widget)
    yield widget
    widget.unload()
    QgsProject.instance().clear()


def activate(tab, qgis_iface, layer):
    QgsProject.instance().addMapLayer(layer)
    qgis_iface.setActiveLayer(layer)
    tab.watch_layer(layer)


def wait_for_task(tab, qtbot, timeout=30000):
    qtbot.waitUntil(lambda: tab.task is None, timeout=timeout)


def fetch_selected(tab, qgis_iface, qtbot, layer):
    """Every feature of ``layer`` selected in the active layer, planned, fetched, and waited for."""
    activate(tab, qgis_iface, layer)
    layer.selectAll()
    planned(tab, qtbot)
    tab.fetch.click()
    wait_for_task(tab, qtbot)


def test_fetch_is_disabled_with_the_reason(tab, qgis_iface, qtbot):
    tab.watch_layer(None)
    planned(tab, qtbot)
    assert not tab.fetch.isEnabled() and "Select a polygon layer" in tab.fetch.toolTip()
    points = QgsVectorLayer("Point?crs=EPSG:4326", "pts", "memory")
    activate(tab, qgis_iface, points)
    planned(tab, qtbot)
    assert not tab.fetch.isEnabled() and "not a polygon layer" in tab.selection_info.text()
    layer = polygon_layer([SAMPLE_WKT, BLOCK_WKT])
    activate(tab, qgis_iface, layer)
    planned(tab, qtbot)
    assert not tab.fetch.isEnabled() and "No feature is selected" in tab.selection_info.text()
    layer.selectByIds([1, 2])  # live: the label follows the selection
    plan = planned(tab, qtbot)
    expected = sum(f.area_m2 for f in plan.features.values()) / 1e6
    assert 0.06 < expected < 0.08
    planned(tab, qtbot)
    assert tab.fetch.isEnabled()
    planned(tab, qtbot)
    assert tab.selection_info.text() == f"2 feature(s), {expected:,.1f} km²: {len(plan.requests)} request(s)."
    tab.level.setCurrentIndex(tab.level.findData(18))
    planned(tab, qtbot)
    assert "cells at level 18" in tab.selection_info.text()
    # Over the service's limit: no longer refused, cut into tiles, and the plan says so.
    big = polygon_layer(["POLYGON((113.6 22.4, 114.2 22.4, 114.2 22.8, 113.6 22.8, 113.6 22.4))"])
    activate(tab, qgis_iface, big)
    big.selectAll()
    planned(tab, qtbot)
    assert tab.fetch.isEnabled() and "1 feature(s) cut into S2 tiles" in tab.selection_info.text()


def test_circle_state(tab, qtbot):
    tab.use_circle.setChecked(True)
    tab.radius.setValue(60_000)  # over 50 km: tiled, not refused
    planned(tab, qtbot)
    assert tab.fetch.isEnabled() and "cut into S2 tiles" in tab.selection_info.text()
    tab.radius.setValue(400)
    planned(tab, qtbot)
    assert tab.fetch.isEnabled() and "0.5 km²: 1 request(s)" in tab.selection_info.text()


def test_a_run_over_the_threshold_asks_first(tab, qgis_iface, qtbot, jike, monkeypatch):
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "sim-jike-token-not-a-secret")
    from qgis.core import QgsSettings

    QgsSettings().setValue("crowdheat/jike/confirm_requests", 1)
    try:
        far_apart = polygon_layer([SAMPLE_WKT, "POLYGON((116.3 39.9, 116.31 39.9, 116.31 39.91, 116.3 39.9))"])
        activate(tab, qgis_iface, far_apart)
        far_apart.selectAll()
        asked = []
        tab.confirm = lambda text: asked.append(text) or False
        planned(tab, qtbot)
        tab.fetch.click()
        assert tab.task is None and "2 requests" in asked[0] and jike.requests == []
        tab.confirm = lambda text: True
        planned(tab, qtbot)
        tab.fetch.click()
        wait_for_task(tab, qtbot)
        assert len(jike.requests) == 2
    finally:
        QgsSettings().remove("crowdheat/jike/confirm_requests")


def test_fetch_runs_to_completion(tab, qgis_iface, qtbot, jike):
    layer = polygon_layer([SAMPLE_WKT])
    activate(tab, qgis_iface, layer)
    layer.selectAll()
    planned(tab, qtbot)
    tab.fetch.click()
    assert not tab.fetch.isEnabled() and tab.cancel.isEnabled()
    wait_for_task(tab, qtbot)
    project = QgsProject.instance()
    group = project.layerTreeRoot().findGroup("Heat fence 0 (feature 1), 2025-04-14 – 2025-04-22")
    assert group is not None
    hourly = project.mapLayersByName("Hourly heat")[0]
    assert hourly.featureCount() == 45 and project.mapLayersByName("Cells")[0].featureCount() == 5
    assert project.timeSettings().temporalRange().begin().date().toString("yyyyMMdd") == "20250414"
    assert "5 cells, 45 cell-days, total heat 10,906" in tab.status.text()
    planned(tab, qtbot)
    assert tab.fetch.isEnabled() and not tab.cancel.isEnabled()


def test_gcj02_boundaries_are_sent_as_wgs84_and_a_layer_without_crs_is_explained(
    tab, qgis_iface, qtbot, jike, tmp_path
):
    """The dock's "Polygons' coordinates": GCJ-02 numbers (DataV, Amap) are converted before the
    fence is sent; a layer with no CRS whose numbers are metres is refused with the layer named."""
    from crowdheat.plugin.core import coords
    from tests.helpers import SAMPLE_RING

    shifted = [coords.convert(x, y, coords.WGS84, coords.GCJ02) for x, y in SAMPLE_RING]
    layer = polygon_layer(["POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in shifted) + "))"])
    activate(tab, qgis_iface, layer)
    layer.selectAll()
    tab.input_numbers.setCurrentIndex(tab.input_numbers.findData(coords.GCJ02))
    planned(tab, qtbot)
    tab.fetch.click()
    wait_for_task(tab, qtbot)
    sent = json.loads(jike.requests[-1]["body"])["fence"]
    assert max(abs(a - b) for p, q in zip(sent, SAMPLE_RING) for a, b in zip(p, q)) < 1e-8
    assert QgsProject.instance().mapLayersByName("Hourly heat")[0].featureCount() == 45
    no_crs = shapefile_without_prj(polygon_layer([BLOCK_WKT]), tmp_path / "lost prj.shp", "EPSG:32650")
    activate(tab, qgis_iface, no_crs)
    no_crs.selectAll()
    tab.input_numbers.setCurrentIndex(0)
    planned(tab, qtbot)
    assert not tab.fetch.isEnabled()
    assert "'lost prj' has no coordinate reference system" in tab.selection_info.text()


def test_save_as_geopackage_keeps_the_layers(tab, qgis_iface, qtbot, jike, tmp_path):
    layer = polygon_layer([SAMPLE_WKT])
    fetch_selected(tab, qgis_iface, qtbot, layer)
    project = QgsProject.instance()
    layers = [project.mapLayersByName("Hourly heat")[0], project.mapLayersByName("Cells")[0]]
    path = tab.results.save_geopackage(layers, str(tmp_path / "heat"))
    assert path.endswith(".gpkg")
    assert [layer.providerType() for layer in layers] == ["ogr", "ogr"]
    assert layers[0].featureCount() == 45 and layers[0].temporalProperties().isActive()


def test_service_error_in_the_message_bar(tab, qgis_iface, qtbot, jike, monkeypatch):
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "wrong-token-55")
    tab.use_circle.setChecked(True)
    planned(tab, qtbot)
    tab.fetch.click()
    wait_for_task(tab, qtbot)
    messages = " ".join(qgis_iface.messageBar().get_messages(2))  # Qgis.Critical
    assert "HTTP 401" in messages and "wrong-token-55" not in messages
    assert "HTTP 401" in tab.status.text()


def test_cancel_mid_run(tab, qgis_iface, qtbot, jike):
    jike.timeout_fault_s = 3.0
    jike.push_faults("timeout")
    tab.use_circle.setChecked(True)
    planned(tab, qtbot)
    tab.fetch.click()
    qtbot.waitUntil(lambda: len(jike.requests) == 1, timeout=5000)
    tab.cancel.click()
    wait_for_task(tab, qtbot, timeout=10000)
    assert "Cancelled" in tab.status.text()
    assert QgsProject.instance().mapLayersByName("Hourly heat") == []
    jike.timeout_fault_s = 2.0


def test_main_thread_never_stalls_during_a_10000_cell_fetch(tab, qgis_iface, qtbot, jike):
    from simulator.jike import cells_near, envelope, generate_items

    ids = cells_near((114.05, 22.54), 10_000)  # level 18, in the circle below
    jike.canned = json.dumps(envelope(generate_items(ids, seed=3))).encode()
    tab.use_circle.setChecked(True)
    tab.lng.setValue(114.05)
    tab.lat.setValue(22.54)
    tab.radius.setValue(3000)
    qtbot.waitUntil(tab.fetch.isEnabled, timeout=10000)
    heartbeat = Heartbeat(10).start()
    planned(tab, qtbot)
    tab.fetch.click()
    wait_for_task(tab, qtbot, timeout=60000)
    heartbeat.stop()
    assert QgsProject.instance().mapLayersByName("Cells")[0].featureCount() == 10_000
    assert len(heartbeat.gaps) > 20
    # The UI thread kept beating through the fetch; how long its longest stall is, is measured by
    # `make bench --part ui` (a time here would fail on a busy machine, not on a slow plugin).
    print(f"UI thread during the fetch: {heartbeat.summary()}")


def test_the_confirmation_is_a_real_question_answered_by_the_user(tab, qtbot):
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    answers = {"no": QMessageBox.StandardButton.No, "yes": QMessageBox.StandardButton.Yes}
    for choice, expected in (("no", False), ("yes", True)):
        timer = QTimer()

        def answer(choice=choice, timer=timer):
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                timer.stop()
                box.button(answers[choice]).click()

        timer.timeout.connect(answer)
        timer.start(50)
        assert tab.confirm("This run sends 30 requests. Fetch?") is expected


def fetch_block(tab, qgis_iface, qtbot):
    """Fetch the test block's heat through the tab, as a user would; the hourly layer it made."""
    block = polygon_layer([BLOCK_WKT])
    activate(tab, qgis_iface, block)
    block.selectAll()
    planned(tab, qtbot)
    tab.fetch.click()
    wait_for_task(tab, qtbot)
    return tab.zones.heat_layer.currentLayer()


def test_from_selected_blocks_to_heat_per_block_per_hour(tab, qgis_iface, qtbot, provider):
    """Fetch heat for a block, then share it out to two selected zones of a UTM layer: two layers
    come back, the zones with their heat and a zone-hour table, in a group, without blocking."""
    heat = fetch_block(tab, qgis_iface, qtbot)
    assert heat is not None and heat.name() == "Hourly heat" and heat.featureCount() > 0
    halves = [
        "POLYGON((114.055 22.540, 114.0565 22.540, 114.0565 22.542, 114.055 22.542, 114.055 22.540))",
        "POLYGON((114.0565 22.540, 114.058 22.540, 114.058 22.542, 114.0565 22.542, 114.0565 22.540))",
        "POLYGON((114.10 22.60, 114.11 22.60, 114.11 22.61, 114.10 22.61, 114.10 22.60))",
    ]
    zones_layer = polygon_layer(halves, name="blocks")
    activate(tab, qgis_iface, zones_layer)
    assert "All 3 zones of blocks" in tab.zones.info.text() and tab.zones.run.isEnabled()
    zones_layer.selectByIds([1, 2])
    assert "2 selected zones of blocks" in tab.zones.info.text()
    tab.zones.run.click()
    assert not tab.zones.run.isEnabled()
    qtbot.waitUntil(lambda: tab.zones.task is None, timeout=20000)
    by_zone, by_hour = tab.zones.result
    assert by_zone.name() == "Heat by zone — blocks" and QgsProject.instance().mapLayer(by_zone.id()) is not None
    features = list(by_zone.getFeatures())
    assert len(features) == 2 and all(f["heat_total"] > 0 for f in features)
    assert by_hour.featureCount() % 24 == 0 and by_hour.featureCount() > 0
    assert "shared into 2 zones" in tab.status.text()


def test_print_layout_from_the_dock_at_the_controllers_frame(tab, qgis_iface, qtbot, tmp_path):
    hourly = fetch_block(tab, qgis_iface, qtbot)
    layout = tab.results.open_print_layout(hourly, open_designer=False)
    labels = [item.currentText() for item in layout.items() if hasattr(item, "currentText")]
    assert any("Jike" in text for text in labels) and any(text.startswith("Crowd heat") for text in labels)
    assert QgsProject.instance().layoutManager().layoutByName("CrowdHeat") is layout
    pdf = tab.results.export_pdf(hourly, str(tmp_path / "heat"))
    assert pdf.endswith("heat.pdf") and open(pdf, "rb").read(5) == b"%PDF-"


def test_a_burst_of_changes_is_planned_once_in_a_task(tab, qtbot):
    """Ten spin-box ticks (a held arrow key) or selection changes: one plan, made off the UI thread."""
    from qgis.core import QgsApplication

    manager, started = QgsApplication.taskManager(), []

    def added(task_id):
        task = manager.task(task_id)
        if task is not None and "planning" in task.description():
            started.append(task_id)

    tab.use_circle.setChecked(True)
    planned(tab, qtbot)
    manager.taskAdded.connect(added)
    try:
        for radius in range(400, 1400, 100):
            tab.radius.setValue(radius)
            assert tab.plan is None and not tab.fetch.isEnabled()  # a stale plan is never fetched
        plan = planned(tab, qtbot)
    finally:
        manager.taskAdded.disconnect(added)
    assert len(started) == 1 and plan is not None and tab.fetch.isEnabled()
    assert "5.3 km²: 1 request(s)" in tab.selection_info.text()


@pytest.fixture
def basemap_setting():
    from qgis.core import QgsSettings

    yield QgsSettings()
    QgsSettings().remove("crowdheat/basemap")


def test_a_gcj02_basemap_makes_gcj02_the_output_and_says_so(basemap_setting, tab, qtbot):
    tab.basemap.setCurrentIndex(tab.basemap.findData("gaode"))
    assert tab.output_system.currentData() == "GCJ02"
    assert "GCJ-02" in tab.basemap_note.text() and not tab.basemap_note.isHidden()
    tab.output_system.setCurrentIndex(tab.output_system.findData("WGS84"))  # asked explicitly: a warning
    assert tab.basemap_note.text().startswith("⚠") and "hundred metres" in tab.basemap_note.text()
    tab.basemap.setCurrentIndex(tab.basemap.findData(""))
    assert tab.basemap_note.isHidden()
    assert basemap_setting.value("crowdheat/basemap") == ""


def test_the_basemap_comes_under_the_heat_and_the_animation_opens_filled_in(
    basemap_setting, qgis_iface, jike, qtbot, provider, monkeypatch
):
    from qgis.gui import QgsBrowserGuiModel

    from simulator.tiles import TileServer

    browser = QgsBrowserGuiModel()  # pytest-qgis's iface has none; the desktop's is this
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: browser, raising=False)
    tiles = TileServer()
    basemap_setting.setValue("crowdheat/basemap", tiles.template)
    QgsProject.instance().clear()
    tab = HeatTab(qgis_iface)  # it reads the setting: a template shows as one more choice
    qtbot.addWidget(tab)
    try:
        assert tab.basemap.currentData() == tiles.template
        layer = polygon_layer([SAMPLE_WKT])
        fetch_selected(tab, qgis_iface, qtbot, layer)
        root = QgsProject.instance().layerTreeRoot()
        bottom = root.findLayers()[-1].layer()
        assert bottom.providerType() == "wms" and "127.0.0.1" in bottom.source()
        hourly = QgsProject.instance().mapLayersByName("Hourly heat")[0]
        cells = QgsProject.instance().mapLayersByName("Cells")[0]
        assert hourly.opacity() == cells.opacity() == basemaps.HEAT_OPACITY  # the streets show through
        dialog = tab.open_animation_dialog(hourly)
        values = dialog.mainWidget().createProcessingParameters()
        assert values["BASEMAP"] == tiles.template and hourly.id() in str(values["INPUT"])
        dialog.close()
    finally:
        tab.unload()
        QgsProject.instance().clear()
        tiles.close()


def test_a_gcj02_template_in_the_settings_keeps_its_mark(basemap_setting, qgis_iface, qtbot):
    """The tab offered a template by its URL alone: opening the dock wrote the setting back without
    its gcj02: mark, and the heat then went out in WGS84 under GCJ-02 streets."""
    template = "gcj02:http://127.0.0.1:9/{z}/{x}/{y}.png"
    basemap_setting.setValue("crowdheat/basemap", template)
    tab = HeatTab(qgis_iface)
    qtbot.addWidget(tab)
    try:
        assert basemap_setting.value("crowdheat/basemap") == template
        assert tab.basemap.currentData() == template and tab.output_system.currentData() == "GCJ02"
    finally:
        tab.unload()
