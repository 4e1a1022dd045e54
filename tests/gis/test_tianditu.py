"""Tianditu through the loopback relay: tiles come with the key, labels over streets, and the key
is in no layer source, project file or log line; a project saved with it opens again in a later
session (another port, another token). The simulator refuses any tile without the right key."""

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProject, QgsRectangle, QgsSettings
from qgis.PyQt.QtGui import QImage

from crowdheat.plugin.core.errors import InputError
from crowdheat.plugin.gis import basemaps, tianditu
from crowdheat.plugin.gis.animation import WEB_MERCATOR, rgb_array
from crowdheat.plugin.gis.render import render_layers
from simulator.tiles import IMAGERY, LABEL, STREET, TiandituServer

KEY = "0123456789abcdef0123456789abcdef"  # Tianditu's keys: 32 letters and digits
SHENZHEN = QgsRectangle(12694000, 2571000, 12696000, 2573000)  # 2 km of Futian, Web Mercator
BEIJING = QgsRectangle(12955000, 4852000, 12957000, 4854000)  # tiles no other test asked (QGIS caches tiles)


@pytest.fixture
def simulator(auth_unlocked, monkeypatch):
    server = TiandituServer(KEY)
    QgsSettings().setValue(tianditu.URL_SETTING, server.template)
    monkeypatch.delenv(tianditu.KEY_ENV, raising=False)
    tianditu.install_project_hooks()  # as the plugin does when QGIS loads it
    yield server
    tianditu.remove_project_hooks()
    server.close()
    QgsSettings().remove(tianditu.URL_SETTING)
    QgsSettings().remove(tianditu.KEY_SETTING)
    if tianditu._relay is not None:
        tianditu._relay.key = ""
    QgsProject.instance().clear()


@pytest.fixture
def log():
    messages = []

    def heard(message, tag, level):
        messages.append(message)

    QgsApplication.messageLog().messageReceived.connect(heard)
    yield messages
    QgsApplication.messageLog().messageReceived.disconnect(heard)


def share_of(image, colour):
    pixels = rgb_array(image.convertToFormat(image.Format.Format_RGB888))
    return (np.abs(pixels.astype(int) - colour).sum(axis=2) < 40).mean()


def drawn(layer, extent=SHENZHEN):
    image, _ = render_layers([layer], extent, (512, 512), crs=WEB_MERCATOR)
    return share_of(image, STREET), share_of(image, LABEL)


def test_tiles_come_with_the_key_which_no_layer_project_or_log_holds(simulator, log, tmp_path):
    tianditu.store_key(KEY)
    layer = basemaps.basemap("tianditu").layer()
    assert KEY not in layer.source() and "127.0.0.1" in layer.source()
    streets, labels = drawn(layer)
    assert streets > 0.02 and labels > 0.005  # one layer: the labels laid over the streets
    asked = {entry[0] for entry in simulator.asked}
    assert asked == {"vec", "cva"} and all(entry[1] == KEY and entry[3] for entry in simulator.asked)

    QgsProject.instance().addMapLayer(layer)
    path = tmp_path / "map.qgs"
    assert QgsProject.instance().write(str(path))
    saved = path.read_text(encoding="utf-8")
    assert KEY not in saved and tianditu.relay().token not in saved
    assert tianditu.PLACEHOLDER in saved

    # A later session: another relay (port, token); the project opens onto it.
    tianditu._relay.close()
    tianditu._relay = None
    QgsProject.instance().clear()
    assert QgsProject.instance().read(str(path))
    (reopened,) = QgsProject.instance().mapLayers().values()
    assert reopened.isValid() and tianditu.relay().prefix in reopened.source()
    assert drawn(reopened)[0] > 0.02
    assert not any(KEY in message for message in log)


def test_a_refused_key_is_told_once_with_tianditus_words_and_not_the_key(simulator, log, qtbot):
    wrong = "f" * 32
    tianditu.store_key(wrong)
    streets, _ = drawn(basemaps.basemap("tianditu").layer(), BEIJING)
    assert streets < 0.001  # nothing drawn from a refused tile
    # logged from the relay's thread: the message reaches the main thread's listeners queued
    qtbot.waitUntil(lambda: any("Tianditu refused" in message for message in log), timeout=30_000)
    qtbot.wait(200)
    told = [message for message in log if "Tianditu refused" in message]
    assert len(told) == 1 and "403" in told[0] and "非法key" in told[0]
    assert not any(wrong in message for message in log)


def test_the_imagery_comes_with_its_own_labels(simulator):
    tianditu.store_key(KEY)
    layer = basemaps.basemap("tianditu-img").layer()
    image, _ = render_layers([layer], SHENZHEN, (512, 512), crs=WEB_MERCATOR)
    assert share_of(image, IMAGERY) > 0.5 and share_of(image, LABEL) > 0.005
    assert {entry[0] for entry in simulator.asked} >= {"img", "cia"} and KEY not in layer.source()


def test_no_key_is_a_clear_message(simulator):
    QgsSettings().remove(tianditu.KEY_SETTING)
    assert not tianditu.key_stored()
    with pytest.raises(InputError, match="Settings ▸ Options ▸ CrowdHeat"):
        basemaps.basemap("tianditu").layer()


def test_the_animation_draws_over_tianditu_named_by_its_preset(simulator, jike, provider, tmp_path):
    import processing

    from tests.helpers import BLOCK_WKT, polygon_layer

    tianditu.store_key(KEY)
    hourly = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 16, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]
    path = tmp_path / "day.gif"
    processing.run(
        "crowdheat:heatanimation",
        {"INPUT": hourly, "BASEMAP": "tianditu", "WIDTH": 400, "HEIGHT": 300, "OUTPUT": str(path)},
    )
    first = QImage(str(path))
    assert share_of(first, STREET) > 0.01 and {entry[0] for entry in simulator.asked} == {"vec", "cva"}


def test_the_heat_tab_says_when_tianditu_has_no_key(simulator, qgis_iface, qtbot):
    from crowdheat.plugin.ui.heat_tab import HeatTab

    QgsSettings().remove(tianditu.KEY_SETTING)
    tab = HeatTab(qgis_iface)
    qtbot.addWidget(tab)
    try:
        tab.basemap.setCurrentIndex(tab.basemap.findData("tianditu"))
        assert not tab.basemap_note.isHidden() and "Tianditu needs its key" in tab.basemap_note.text()
        tianditu.store_key(KEY)
        tab.check_basemap_coordinates()
        assert tab.basemap_note.isHidden()  # CGCS2000 ≈ WGS84: nothing to warn about once the key is there
    finally:
        tab.unload()
        QgsSettings().remove(basemaps.SETTING)
