"""Simplified Chinese: the .ts is complete, the compiled .qm loads for QGIS's names of the locale,
the plugin installs it when QGIS runs in Chinese and removes it on unload."""

import os
import subprocess
import sys

import pytest
from qgis.core import QgsSettings

import crowdheat
from crowdheat.plugin import i18n

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QM = os.path.join(ROOT, "resources", "i18n", "crowdheat_zh_CN.qm")


def test_every_string_has_a_translation_with_the_same_placeholders():
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "i18n.py"), "check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert int(done.stdout.split()[-4]) > 100  # "<n> strings, 0 problems"


@pytest.mark.parametrize("locale", ["zh-Hans", "zh_CN", "zh", "zh_CN.UTF-8"])
def test_chinese_locales_select_the_compiled_translation(locale):
    assert os.path.exists(QM), "run `make translations` (lrelease) first"
    assert os.path.samefile(i18n.translation_file(locale), QM)


@pytest.mark.parametrize("locale", ["en_US", "zh-Hant", "zh_TW", "de", ""])
def test_other_locales_keep_english(locale):
    assert i18n.translation_file(locale) is None


def test_installed_translator_translates_and_formats():
    translator = i18n.install_translator("zh-Hans")
    try:
        assert translator is not None
        assert i18n.tr("Fetch") == "获取"
        text = i18n.tr("{0:,} / {1:,} scans, {2:.0f} scans/s, ETA {3:.0f} s").format(1200, 5000, 59.4, 64)
        assert text == "1,200 / 5,000 次扫描，59 次/秒，预计剩余 64 秒"
    finally:
        i18n.remove_translator(translator)
    assert i18n.tr("Fetch") == "Fetch"


@pytest.fixture
def chinese_qgis():
    settings = QgsSettings()
    saved = {key: settings.value(key) for key in ("locale/overrideFlag", "locale/userLocale")}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh-Hans")
    yield
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_plugin_speaks_chinese_when_qgis_does(chinese_qgis, qgis_iface, qgis_processing):
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("crowdheat")
    if existing is not None:
        registry.removeProvider(existing)
    plugin = crowdheat.classFactory(qgis_iface)
    try:
        plugin.initGui()
        assert plugin.dock_action.text() == "CrowdHeat"
        assert plugin.dock_action.toolTip() == "人群热力与扫描定位"
        plugin.dock_action.setChecked(True)
        heat = plugin.dock.heat
        assert heat.fetch.text() == "获取" and plugin.dock.tabs.tabText(0) == "热力"
        assert registry.algorithmById("crowdheat:heatmap").displayName() == "多边形人群热力"
    finally:
        plugin.unload()
        from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

        test_plugin_speaks_chinese_when_qgis_does.provider = CrowdHeatProvider()
        registry.addProvider(test_plugin_speaks_chinese_when_qgis_does.provider)
    assert i18n.tr("Fetch") == "Fetch"  # unload removed the translator


def test_the_print_layout_speaks_chinese_when_qgis_does(jike, provider):
    """Legend, unit, hour and attribution of the layout in Chinese (field values stay data)."""
    import processing
    from qgis.core import QgsDateTimeRange, QgsLayoutItemLegend, QgsProject
    from qgis.PyQt.QtCore import QDateTime, QTime

    from crowdheat.plugin.gis import heat_layers, print_layout
    from tests.helpers import BLOCK_WKT, polygon_layer

    hourly = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]
    heat_layers.style_hourly(hourly, [0.0, 5.0, 50.0])
    day = min(f["date"] for f in hourly.getFeatures())
    noon = QDateTime(day, QTime(12, 0))
    translator = i18n.install_translator("zh-Hans")
    try:
        layout = print_layout.build_layout(
            QgsProject.instance(),
            [hourly],
            hourly.extent(),
            i18n.tr("Crowd heat"),
            print_layout.attribution("2025-04-10", "2025-04-19"),
            QgsDateTimeRange(noon, noon.addSecs(3600), True, False),
        )
    finally:
        i18n.remove_translator(translator)
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    assert legend.title() == "图例"
    labels = " ".join(item.currentText() for item in layout.items() if hasattr(item, "currentText"))
    assert "相对热度" in labels and f"北京时间 {day.toString('yyyy-MM-dd')} 12:00 时段" in labels
    assert "及刻开放平台" in labels and "北京时间" in labels and "Made with" not in labels
    QgsProject.instance().clear()
