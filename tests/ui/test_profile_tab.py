"""The time profile: of fetched heat, of selected cells, of zones through their zone-hour table;
drawn by Qt, exported as PNG and SVG; a click moves the Temporal Controller to that hour."""

import processing
import pytest
from qgis.core import QgsProject, QgsTemporalNavigationObject
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtGui import QImage

from crowdheat.plugin.gis import heat_layers, profiles
from crowdheat.plugin.ui.profile_tab import ProfileTab
from tests.helpers import BLOCK_WKT, polygon_layer


@pytest.fixture
def heat(jike, provider):
    QgsProject.instance().clear()
    layer = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]
    QgsProject.instance().addMapLayer(layer)
    yield layer
    QgsProject.instance().clear()


@pytest.fixture
def tab(qgis_iface, qtbot):
    widget = ProfileTab(qgis_iface)
    widget.resize(700, 420)
    qtbot.addWidget(widget)
    yield widget
    widget.unload()


def shown(tab, qtbot):
    """The profile the tab shows once its task has read it (never on the UI thread)."""
    qtbot.waitUntil(lambda: tab.reading.task is None, timeout=10000)
    return tab.chart.profile


def test_profile_of_fetched_heat_and_of_a_selection(heat, tab, qtbot):
    tab.show_layer(heat)
    assert tab.reading.task is not None and tab.what.text() == "Reading the time profile…"
    profile = shown(tab, qtbot)
    totals = {}
    for feature in heat.getFeatures():
        day = feature["date"].toPyDate()
        totals[day] = totals.get(day, 0) + feature["day_heat"]
    assert profile.days == sorted(totals) and [profile.heat[k].sum() for k in range(len(totals))] == [
        totals[d] for d in sorted(totals)
    ]
    first = next(heat.getFeatures())
    heat.selectByIds([f.id() for f in heat.getFeatures() if f["cell_token"] == first["cell_token"]])
    assert shown(tab, qtbot).what.startswith("1 cells of") and "(selected)" in tab.chart.profile.what


def test_profile_of_zones_through_their_zone_hour_table(heat, tab, qtbot):
    result = processing.run(
        "crowdheat:heatbyzone",
        {"INPUT": heat, "ZONES": polygon_layer([BLOCK_WKT]), "OUTPUT": "memory:", "OUTPUT_HOURS": "memory:"},
    )
    zones_layer, hours = result["OUTPUT"], result["OUTPUT_HOURS"]
    QgsProject.instance().addMapLayers([zones_layer, hours])
    zones_layer.setCustomProperty(profiles.HOURS_LAYER_PROPERTY, hours.id())
    tab.show_layer(zones_layer)
    zone = next(zones_layer.getFeatures())
    assert shown(tab, qtbot).heat.sum() == pytest.approx(zone["heat_total"], rel=1e-9)


def test_the_profile_of_a_selected_zone_follows_its_source_id(heat, tab, qtbot):
    """Zones 2 and 3 of a layer, selected: the output numbers them anew; zone_fid keeps the key."""
    halves = [
        "POLYGON((114.0 22.0, 114.01 22.0, 114.01 22.01, 114.0 22.01, 114.0 22.0))",
        "POLYGON((114.055 22.540, 114.0565 22.540, 114.0565 22.542, 114.055 22.542, 114.055 22.540))",
        "POLYGON((114.0565 22.540, 114.058 22.540, 114.058 22.542, 114.0565 22.542, 114.0565 22.540))",
    ]
    source = polygon_layer(halves)
    source.selectByIds([2, 3])
    from qgis.core import QgsProcessingFeatureSourceDefinition

    QgsProject.instance().addMapLayer(source)
    result = processing.run(
        "crowdheat:heatbyzone",
        {
            "INPUT": heat,
            "ZONES": QgsProcessingFeatureSourceDefinition(source.id(), True),
            "OUTPUT": "memory:",
            "OUTPUT_HOURS": "memory:",
        },
    )
    zones_layer, hours = result["OUTPUT"], result["OUTPUT_HOURS"]
    QgsProject.instance().addMapLayers([zones_layer, hours])
    zones_layer.setCustomProperty(profiles.HOURS_LAYER_PROPERTY, hours.id())
    features = list(zones_layer.getFeatures())
    # (a selection has no order)
    assert sorted(f["zone_fid"] for f in features) == [2, 3] and {f.id() for f in features} != {2, 3}
    second = next(f for f in features if f["zone_fid"] == 3)
    zones_layer.selectByIds([second.id()])
    tab.show_layer(zones_layer)
    assert shown(tab, qtbot).heat.sum() == pytest.approx(second["heat_total"], rel=1e-9)


def test_png_and_svg_exports_draw_the_chart(heat, tab, tmp_path, qtbot):
    tab.show_layer(heat)
    shown(tab, qtbot)
    png = tab.export("png", str(tmp_path / "profile"))
    svg = tab.export("svg", str(tmp_path / "profile.svg"))
    image = QImage(png)
    assert image.width() == 900 and len({image.pixel(x, y) for x in range(0, 900, 5) for y in range(0, 420, 5)}) > 20
    text = (tmp_path / "profile.svg").read_text()
    assert svg.endswith(".svg") and "<svg" in text and "<path" in text


@pytest.fixture
def navigation(qgis_iface):
    """A Temporal Controller on the test canvas, the canvas's own one given back afterwards (the
    canvas does not own it: left behind, it would dangle once Python frees it)."""
    canvas = qgis_iface.mapCanvas()
    original = canvas.temporalController()
    controller = QgsTemporalNavigationObject()
    canvas.setTemporalController(controller)
    yield controller
    canvas.setTemporalController(original)


def test_a_click_on_an_hour_moves_the_temporal_controller(heat, tab, navigation, qtbot):
    days = sorted({f["date"] for f in heat.getFeatures()})
    heat_layers.set_canvas_time(
        navigation,
        heat_layers.QgsDateTimeRange(
            heat_layers.QDateTime(days[0], heat_layers.QTime(0, 0)),
            heat_layers.QDateTime(days[-1].addDays(1), heat_layers.QTime(0, 0)),
            True,
            False,
        ),
    )
    tab.show_layer(heat)
    shown(tab, qtbot)
    curves, matrix = tab.chart.areas()
    # the matrix: third day's row, at 19:00
    x = int(matrix.left() + matrix.width() * 19.5 / 24)
    y = int(matrix.top() + matrix.height() * 2.5 / len(days))
    qtbot.mouseClick(tab.chart, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert navigation.currentFrameNumber() == 2 * 24 + 19
    # the curves: 08:00 of the day shown
    qtbot.mouseClick(
        tab.chart,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(curves.left() + curves.width() * 8.5 / 24), int(curves.center().y())),
    )
    assert navigation.currentFrameNumber() == 2 * 24 + 8
