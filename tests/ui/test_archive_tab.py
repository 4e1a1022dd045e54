"""The dock's Archive tab on real QGIS widgets: an archive read, the Heat tab's selection added
to it in a task, the comparison's dialog filled in, the archive played over its whole span."""

import datetime as dt

import pytest
from qgis.core import QgsProject, QgsSettings
from qgis.gui import QgsBrowserGuiModel

from crowdheat.plugin.ui.archive_tab import ArchiveTab
from crowdheat.plugin.ui.heat_tab import HeatTab
from tests.helpers import BLOCK_WKT, NOV, archive_run, planned, polygon_layer, window_ending


@pytest.fixture
def tabs(qgis_iface, jike, provider, qtbot):
    QgsProject.instance().clear()
    heat = HeatTab(qgis_iface)
    archive = ArchiveTab(qgis_iface, heat)
    qtbot.addWidget(heat)
    qtbot.addWidget(archive)
    yield heat, archive
    if archive.compare_dialog is not None:
        archive.compare_dialog.close()
    archive.unload()
    heat.unload()
    QgsProject.instance().clear()
    QgsSettings().remove("crowdheat/archive/path")


def read(archive, qtbot):
    qtbot.waitUntil(lambda: not archive.infos.busy, timeout=30000)
    return archive.info


def test_the_selection_goes_into_the_archive_which_then_compares_and_plays(
    tabs, jike, qgis_iface, qtbot, tmp_path, monkeypatch
):
    heat, archive = tabs
    path = tmp_path / "archive.gpkg"
    archive.path.setFilePath(str(path))
    assert read(archive, qtbot) is None and "first run creates it" in archive.summary.text()
    archive_run(jike, tmp_path, path, NOV[0])  # an earlier run, from Processing: 1–10 Nov
    archive.read_info()
    info = read(archive, qtbot)
    assert info.dates == NOV[:10] and "2025-11-01 – 2025-11-10: 10 date(s) with data" in archive.summary.text()
    assert "No gap." in archive.summary.text() and "MB on disk" in archive.summary.text()

    # The Heat tab's selection, at the archive's level, added 19 days later.
    layer = polygon_layer([BLOCK_WKT])
    QgsProject.instance().addMapLayer(layer)
    qgis_iface.setActiveLayer(layer)
    heat.watch_layer(layer)
    heat.level.setCurrentIndex(heat.level.findData(16))
    layer.selectAll()
    assert planned(heat, qtbot) is not None
    jike.today = window_ending(NOV[19])
    QgsSettings().setValue("crowdheat/jike/cache_path", str(tmp_path / "later-answers.sqlite"))
    archive.run_button.click()
    qtbot.waitUntil(lambda: archive.task is None, timeout=60000)
    assert "cell-days added" in archive.status.text(), archive.status.text()
    info = read(archive, qtbot)
    assert len(info.dates) == 20 and info.gaps == [dt.date(2025, 11, d) for d in range(11, 20)]
    assert "Gaps: 2025-11-11, 2025-11-12" in archive.summary.text()
    assert archive.run_button.isEnabled()

    # pytest-qgis's iface has no browser model; the desktop's is a QgsBrowserGuiModel.
    browser = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: browser, raising=False)
    archive.open_compare()
    dialog = archive.compare_dialog
    values = dialog.mainWidget().createProcessingParameters()
    assert values["PRESET"] == 2 and str(path) in str(values["INPUT"])

    archive.play.click()
    (played,) = QgsProject.instance().mapLayersByName("Heat archive — heat_archive")
    assert played.temporalProperties().isActive() and played.renderer().type() == "graduatedSymbol"
    span = QgsProject.instance().timeSettings().temporalRange()
    assert span.begin().date().toPyDate() == NOV[0] and span.end().date().toPyDate() == dt.date(2025, 11, 30)
    archive.play.click()  # once in the map, not twice
    assert archive.animation.isEnabled()
    archive.animation.click()  # the same layer, into the animation's dialog
    values = archive.animation_dialog.mainWidget().createProcessingParameters()
    assert played.id() in str(values["INPUT"]) and values["BASEMAP"] == "none"
    archive.animation_dialog.close()
    assert len(QgsProject.instance().mapLayersByName("Heat archive — heat_archive")) == 1


def test_another_level_is_refused_in_a_sentence_and_nothing_is_paid(tabs, jike, qgis_iface, qtbot, tmp_path):
    heat, archive = tabs
    path = tmp_path / "archive.gpkg"
    archive_run(jike, tmp_path, path, NOV[0])
    archive.path.setFilePath(str(path))
    read(archive, qtbot)
    layer = polygon_layer([BLOCK_WKT])
    QgsProject.instance().addMapLayer(layer)
    heat.watch_layer(layer)
    heat.level.setCurrentIndex(heat.level.findData(17))
    layer.selectAll()
    planned(heat, qtbot)
    requests = len(jike.requests)
    archive.run_button.click()
    qtbot.waitUntil(lambda: archive.task is None, timeout=60000)
    assert "level 16 (this run: 17)" in archive.status.text() and len(jike.requests) == requests
    assert "Traceback" not in archive.status.text()
