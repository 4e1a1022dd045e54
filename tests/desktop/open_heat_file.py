"""Runs inside the real QGIS desktop (``qgis --code``): opens a heat GeoPackage the ways a user
does and reports whether each one plays in the Temporal Controller.

Started by tests/test_desktop.py with CROWDHEAT_OPEN_FILE (the GeoPackage, layer "hourly") and
CROWDHEAT_OPEN_REPORT (the JSON report). The ways: iface.addVectorLayer; the file dropped on the
main window (QGIS asks which table to add: the dialog is answered as a user would); a layer
dragged from the Browser (QGIS's own URI drag format); a layer made in Python and added to the
project; and a project saved with the layer's time switched off and read again.
"""

import json
import os
import traceback

from qgis.core import QgsDateTimeRange, QgsMimeDataUtils, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QDateTime, QMimeData, QPoint, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QDragEnterEvent, QDropEvent
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface, plugins

PATH = os.environ["CROWDHEAT_OPEN_FILE"]
REPORT = os.environ["CROWDHEAT_OPEN_REPORT"]
URI = PATH + "|layername=hourly"
report = {"plugin_loaded": "crowdheat" in plugins, "dialogs": []}


def save_and_quit(code=0):
    with open(REPORT, "w") as handle:
        json.dump(report, handle, indent=1)
    QgsProject.instance().setDirty(False)
    os._exit(code)


def state(layer):
    navigation = iface.mapCanvas().temporalController()
    extent = navigation.temporalExtents()
    return {
        "name": layer.name(),
        "active": layer.temporalProperties().isActive(),
        "renderer": layer.renderer().type() if layer.renderer() else None,
        "frames": navigation.totalFrameCount(),
        "frame_s": navigation.frameDuration().seconds(),
        "extent": [extent.begin().toString("yyyy-MM-dd HH:mm"), extent.end().toString("yyyy-MM-dd HH:mm")],
    }


def fresh_start():
    """No layers and no time range, as in a new project."""
    QgsProject.instance().removeAllMapLayers()
    nothing = QgsDateTimeRange(QDateTime(), QDateTime())
    QgsProject.instance().timeSettings().setTemporalRange(nothing)
    iface.mapCanvas().temporalController().setTemporalExtents(nothing)


def drop(mime):
    window = iface.mainWindow()
    point = QPoint(window.width() // 2, window.height() // 2)
    action, button, keys = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(window, QDragEnterEvent(point, action, mime, button, keys))
    QApplication.sendEvent(window, QDropEvent(point, action, mime, button, keys))


def answer_dialogs():
    """QGIS asks which of the GeoPackage's tables to add (the layer, or its styles): the layer."""
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        report["dialogs"].append(dialog.windowTitle())
        dialog.accept()  # the first table, the layer, comes selected
    QTimer.singleShot(200, answer_dialogs)


def added_layer():
    layers = list(QgsProject.instance().mapLayers().values())
    return layers[0] if len(layers) == 1 else None


def by_iface():
    fresh_start()
    report["iface"] = state(iface.addVectorLayer(URI, "hourly", "ogr"))


def by_file_drop():
    fresh_start()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(PATH)])
    drop(mime)


def by_browser_drag():
    report["file_drop"] = state(added_layer()) if added_layer() else None
    fresh_start()
    uri = QgsMimeDataUtils.Uri()
    uri.layerType, uri.providerKey, uri.name, uri.uri = "vector", "ogr", "hourly", URI
    drop(QgsMimeDataUtils.encodeUriList([uri]))


def by_python():
    report["browser_drag"] = state(added_layer()) if added_layer() else None
    fresh_start()
    layer = QgsVectorLayer(URI, "hourly", "ogr")
    report["python_made_before_adding"] = layer.temporalProperties().isActive()
    QgsProject.instance().addMapLayer(layer)
    report["python_made"] = state(layer)


def project_switched_off():
    """A project saved with the layer's time switched off keeps it off when read again."""
    layer = added_layer()
    layer.temporalProperties().setIsActive(False)
    path = os.path.join(os.path.dirname(REPORT), "switched-off.qgz")
    QgsProject.instance().write(path)
    QgsProject.instance().clear()
    QgsProject.instance().read(path)
    report["project_switched_off"] = state(added_layer())


STEPS = [by_iface, by_file_drop, by_browser_drag, by_python, project_switched_off]


def run(step=0):
    try:
        if step == len(STEPS):
            save_and_quit()
        STEPS[step]()
    except Exception:
        report["error"] = traceback.format_exc()
        save_and_quit(1)
    QTimer.singleShot(1500, lambda: run(step + 1))  # a drop is handled on a timer of QGIS's


QTimer.singleShot(60_000, lambda: (report.update(error="watchdog"), save_and_quit(1)))
QTimer.singleShot(200, answer_dialogs)
QTimer.singleShot(1000, run)
