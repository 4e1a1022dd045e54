"""Runs inside the real QGIS desktop (``qgis --code``) and drives the plugin as a user would.

Started by tests/test_desktop.py. Reads the CROWDHEAT_DESKTOP_* variables, then one polling timer
walks through the steps: QGIS's event loop keeps running between them, as it does for a user. The
JSON report is written after every step, so a failure says how far it got. QGIS quits at the end,
or after a watchdog delay.
"""

import json
import os
import re
import time
import traceback

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins

from tests.heartbeat import Heartbeat  # the repository is on PYTHONPATH (qgis --code has no __file__)

REPORT = os.environ["CROWDHEAT_DESKTOP_REPORT"]
SHOT = os.environ["CROWDHEAT_DESKTOP_SCREENSHOT"]
SCANS_SHOT = os.environ["CROWDHEAT_DESKTOP_SCANS_SCREENSHOT"]
SCAN_FILE = os.environ["CROWDHEAT_DESKTOP_SCAN_FILE"]
PROFILE_SHOT = os.environ["CROWDHEAT_DESKTOP_PROFILE_SHOT"]
LARGE_ANSWER_URL = os.environ["CROWDHEAT_DESKTOP_LARGE_ANSWER_URL"]
BASEMAP = os.environ["CROWDHEAT_DESKTOP_BASEMAP"]  # an XYZ template on loopback
GIF = os.environ["CROWDHEAT_DESKTOP_GIF"]
WATCHDOG_S = 150
report = {"steps": []}


def save_report():
    with open(REPORT, "w") as handle:
        json.dump(report, handle, indent=1)


def quit_qgis():
    QgsProject.instance().setDirty(False)  # no "save project?" question on the way out
    os._exit(0)


def open_dock():
    """The project (given on QGIS's command line) holds one polygon layer: select its first block."""
    iface.mainWindow().resize(1600, 1000)
    report["plugin_loaded"] = "crowdheat" in plugins
    plugin = plugins["crowdheat"]
    layers = QgsProject.instance().mapLayersByName("Blocks")
    assert layers and layers[0].isValid(), "the project's layer 'Blocks' is missing"
    layer = layers[0]
    iface.setActiveLayer(layer)
    canvas = iface.mapCanvas()
    canvas.setExtent(canvas.mapSettings().layerToMapCoordinates(layer, layer.extent()).buffered(300))
    from qgis.core import QgsSettings

    QgsSettings().setValue("crowdheat/basemap", BASEMAP)  # as a script would; the tab offers it
    plugin.dock_action.setChecked(True)
    layer.selectByIds([1])
    heat = plugin.dock.heat
    heat.level.setCurrentIndex(heat.level.findData(18))
    return True


def read_dock():
    heat = plugins["crowdheat"].dock.heat
    report["dock_visible"] = plugins["crowdheat"].dock.isVisible()
    report["fetch_enabled_before"] = heat.fetch.isEnabled()
    report["selection_info"] = heat.selection_info.text()
    return True


def fetch():
    heat = plugins["crowdheat"].dock.heat
    heat.fetch.click()
    report["task_started"] = heat.task is not None
    return True


def task_done():
    """Polled until the dock's task has finished and its layers are in the project."""
    return plugins["crowdheat"].dock.heat.task is None


def check_layers():
    project = QgsProject.instance()
    heat = plugins["crowdheat"].dock.heat
    report["status"] = heat.status.text()
    report["layers"] = {
        layer.name(): layer.featureCount() for layer in project.mapLayers().values() if hasattr(layer, "featureCount")
    }
    report["groups"] = [group.name() for group in project.layerTreeRoot().findGroups()]
    navigation = iface.mapCanvas().temporalController()
    extent = navigation.temporalExtents()
    report["temporal_extent"] = [extent.begin().toString("yyyy-MM-dd HH:mm"), extent.end().toString("yyyy-MM-dd HH:mm")]
    report["frame_seconds"] = navigation.frameDuration().seconds()
    report["frames"] = navigation.totalFrameCount()
    dock = iface.mainWindow().findChild(QDockWidget, "Temporal Controller")
    report["temporal_panel_visible"] = bool(dock and dock.isVisible())
    # noon of the third day, as a user stepping forward would see it
    navigation.setCurrentFrameNumber(2 * 24 + 12)
    report["frame_shown"] = (
        navigation.dateTimeRangeForFrameNumber(navigation.currentFrameNumber()).begin().toString("yyyy-MM-dd HH:mm")
    )
    report["selection_info_after"] = heat.selection_info.text()
    report["message_bar_items"] = len(iface.messageBar().items())
    report["basemap_chosen"] = heat.basemap.currentData()
    report["bottom_layer"] = project.layerTreeRoot().findLayers()[-1].layer().source()
    iface.mapCanvas().refresh()
    return True


def export_animation():
    """The message bar's "Export animation…" button: Processing's dialog, filled in, run as a user
    would press Run (heatanimation runs on the main thread: it draws)."""
    from qgis.PyQt.QtWidgets import QPushButton

    buttons = [
        button
        for item in iface.messageBar().items()
        for button in item.findChildren(QPushButton)
        if button.text() == "Export animation…"
    ]
    report["animation_buttons"] = len(buttons)
    buttons[0].click()
    dialog = plugins["crowdheat"].dock.heat.animation_dialog
    values = dialog.mainWidget().createProcessingParameters()
    report["animation_dialog_basemap"] = values["BASEMAP"]
    dialog.setParameters(dict(values, WIDTH=800, HEIGHT=600, OUTPUT=GIF))
    dialog.runAlgorithm()
    return True


def animation_written():
    from qgis.PyQt.QtGui import QImageReader

    if not os.path.exists(GIF):
        return False
    report["gif_frames"] = QImageReader(GIF).imageCount()
    report["gif_size"] = os.path.getsize(GIF)
    plugins["crowdheat"].dock.heat.animation_dialog.close()
    return True


def profile_shown():
    """The Profile tab after the fetch: the chart of the heat just fetched, exported to PNG, and a
    click on an hour of the matrix moving the real Temporal Controller."""
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    dock = plugins["crowdheat"].dock
    if dock.profile.reading.task is not None:
        return False  # still reading the profile (in a task)
    dock.tabs.setCurrentWidget(dock.profile)
    chart = dock.profile.chart
    report["profile_what"] = chart.profile.what if chart.profile else ""
    report["profile_png"] = dock.profile.export("png", PROFILE_SHOT)
    _, matrix = chart.areas()
    QTest.mouseClick(
        chart,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(matrix.left() + matrix.width() * 7.5 / 24), int(matrix.top() + 2)),
    )
    navigation = iface.mapCanvas().temporalController()
    report["frame_after_click"] = navigation.currentFrameNumber()
    dock.tabs.setCurrentWidget(dock.heat)
    return True


def canvas_drawn():
    return not iface.mapCanvas().isDrawing()


def shoot():
    iface.mainWindow().grab().save(SHOT)
    report["screenshot"] = SHOT
    return True


def choose_scan_file():
    dock = plugins["crowdheat"].dock
    dock.tabs.setCurrentWidget(dock.scans)
    dock.scans.file.setFilePath(SCAN_FILE)
    return True


def scan_plan_counted():
    scans = plugins["crowdheat"].dock.scans
    if scans.counting.task is not None or "scans —" not in scans.counts.text():
        return False
    report["scan_counts"] = scans.counts.text()
    report["run_enabled"] = scans.run_button.isEnabled()
    report["scan_preview_rows"] = scans.preview.rowCount()
    return True


def run_scans():
    plugins["crowdheat"].dock.scans.run_button.click()
    return True


def scans_done():
    scans = plugins["crowdheat"].dock.scans
    if scans.task is not None:
        return False
    report["scan_status"] = scans.status.text()
    layer = scans.result_layer
    report["scan_layer"] = {"name": layer.name(), "features": layer.featureCount()} if layer else None
    report["problems_enabled"] = scans.problems.isEnabled()
    canvas = iface.mapCanvas()
    canvas.setExtent(canvas.mapSettings().layerToMapCoordinates(layer, layer.extent()).buffered(100))
    canvas.refresh()
    return True


def show_problems():
    table = plugins["crowdheat"].dock.scans.show_problems()
    report["problem_table_rows"] = None
    if table is not None:
        # the dialog's title counts them: "… — Features Total: 36, Filtered: 4, Selected: 0"
        report["problem_table_title"] = table.windowTitle()
        found = re.search(r"Filtered: (\d+)", table.windowTitle())
        report["problem_table_rows"] = int(found.group(1)) if found else None
        table.close()
    return True


def shoot_scans():
    iface.mainWindow().grab().save(SCANS_SHOT)
    return True


def large_circle():
    """A 3 km circle at level 18, answered by a simulator whose every answer is 10,000 cells ×
    10 days: Fetch is enabled once the dock has planned it."""
    os.environ["CROWDHEAT_JIKE_URL"] = LARGE_ANSWER_URL
    heat = plugins["crowdheat"].dock.heat
    if not heat.use_circle.isChecked():
        heat.use_circle.setChecked(True)
        heat.lng.setValue(114.05)
        heat.lat.setValue(22.54)
        heat.radius.setValue(3000)
    return heat.fetch.isEnabled()


def large_fetch():
    state["heartbeat"] = Heartbeat(10).start()
    plugins["crowdheat"].dock.heat.fetch.click()
    return True


def large_fetch_done():
    """The layers are in the project: the heartbeat goes on while QGIS draws and lists them."""
    if plugins["crowdheat"].dock.heat.task is not None:
        return False
    state["layers_in"] = time.monotonic()
    return True


def two_seconds_after_the_layers():
    """The UI thread's longest stall from the click on Fetch until two seconds after the layers
    of 10,000 cells × 10 days appeared (drawing, legend and time settings included)."""
    if time.monotonic() - state["layers_in"] < 2.0:
        return False
    heartbeat = state.pop("heartbeat").stop()
    cells = max(layer.featureCount() for layer in QgsProject.instance().mapLayersByName("Cells"))
    report["ui_stall"] = dict(
        heartbeat.summary(),
        during="the dock's fetch of 10,000 cells × 10 days and 2 s after",
        cells=cells,
        layers_at_s=round(state["layers_in"] - heartbeat.started, 2),
    )
    return True


# (name, function returning True when the step is done, seconds to let the UI settle afterwards)
STEPS = [
    ("open dock", open_dock, 0.5),
    ("read dock", read_dock, 0.0),
    ("fetch", fetch, 0.0),
    ("task done", task_done, 0.5),
    ("check layers", check_layers, 1.0),
    ("canvas drawn", canvas_drawn, 1.0),
    ("screenshot", shoot, 0.0),
    ("export animation", export_animation, 0.0),
    ("animation written", animation_written, 0.5),
    ("profile", profile_shown, 0.5),
    ("choose scan file", choose_scan_file, 0.0),
    ("scan plan", scan_plan_counted, 0.3),
    ("run scans", run_scans, 0.0),
    ("scans done", scans_done, 0.5),
    ("show problems", show_problems, 0.5),
    ("scans canvas drawn", canvas_drawn, 1.0),
    ("scans screenshot", shoot_scans, 0.0),
    ("large circle planned", large_circle, 0.5),
    ("large fetch", large_fetch, 0.0),
    ("large fetch done", large_fetch_done, 0.0),
    ("two seconds after the layers", two_seconds_after_the_layers, 0.0),
]
state = {"index": 0, "not_before": time.monotonic() + 1.5, "started": time.monotonic()}


def tick():
    if time.monotonic() - state["started"] > WATCHDOG_S:
        report["error"] = f"watchdog: stuck at step {STEPS[state['index']][0]!r}"
        save_report()
        quit_qgis()
    if time.monotonic() < state["not_before"]:
        return
    name, function, settle = STEPS[state["index"]]
    try:
        done = function()
    except Exception:
        report["error"] = f"{name}: {traceback.format_exc()}"
        save_report()
        quit_qgis()
        return
    if not done:
        return
    report["steps"].append(name)
    save_report()
    state["index"] += 1
    state["not_before"] = time.monotonic() + settle
    if state["index"] == len(STEPS):
        quit_qgis()


timer = QTimer()
timer.timeout.connect(tick)
timer.start(100)
