"""Without s2sphere in QGIS's Python the plugin still loads, explains, installs, then works."""

import subprocess
import sys

import pytest
from qgis.core import QgsProcessingException

from crowdheat.plugin.core import deps
from crowdheat.plugin.ui.heat_tab import HeatTab
from tests.helpers import SAMPLE_WKT, planned, polygon_layer


def test_the_plugin_imports_without_s2sphere_future_or_shapely(plugins_dir):
    """A fresh interpreter where none of the packages QGIS does not ship imports (Debian's QGIS has
    no shapely): the plugin, its provider and its dock still import; what needs them says so."""
    code = (
        "import sys, builtins\n"
        f"sys.path.insert(0, {str(plugins_dir)!r})\n"
        "real = builtins.__import__\n"
        "def blocked(name, *a, **k):\n"
        "    if name.split('.')[0] in ('s2sphere', 'future', 'shapely'):\n"
        "        raise ImportError('No module named ' + name)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = blocked\n"
        "import crowdheat\n"
        "from crowdheat.plugin.plugin import CrowdHeatPlugin\n"
        "from crowdheat.plugin.algorithms.provider import CrowdHeatProvider\n"
        "from crowdheat.plugin.ui.dock import CrowdHeatDock\n"
        "from crowdheat.plugin.ui.heat_tab import HeatTab\n"
        "from crowdheat.plugin.core import s2cells\n"
        "try:\n"
        "    s2cells.cell_area_m2(114, 22, 18)\n"
        "except ImportError:\n"
        "    print('needs s2sphere only when used')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "needs s2sphere only when used" in done.stdout


def test_heat_tab_explains_installs_and_works_without_restart(qgis_iface, qtbot, monkeypatch, jike):
    state = {"missing": ["s2sphere", "future"]}
    monkeypatch.setattr(deps, "missing", lambda: list(state["missing"]))
    tab = HeatTab(qgis_iface)
    qtbot.addWidget(tab)
    assert not tab.deps_box.isHidden()
    assert "pip install --user s2sphere future" in tab.deps_text.text()
    assert "-m pip" in tab.deps_text.text() and not tab.fetch.isEnabled()
    calls = []

    def fake_install():
        calls.append(deps.install_command())
        state["missing"] = []
        return True, "Successfully installed s2sphere future"

    tab.install_dependencies(fake_install)
    qtbot.waitUntil(lambda: getattr(tab, "install_task", None) is None, timeout=10000)
    assert calls and calls[0][-4:] == ["install", "--user", "s2sphere", "future"]
    assert tab.deps_box.isHidden() and "no restart" in tab.status.text()
    tab.use_circle.setChecked(True)
    planned(tab, qtbot)
    assert tab.fetch.isEnabled()
    tab.unload()


def test_failed_install_is_reported(qgis_iface, qtbot, monkeypatch):
    monkeypatch.setattr(deps, "missing", lambda: ["s2sphere"])
    tab = HeatTab(qgis_iface)
    qtbot.addWidget(tab)
    tab.install_dependencies(lambda: (False, "ERROR: no network"))
    qtbot.waitUntil(lambda: getattr(tab, "install_task", None) is None, timeout=10000)
    assert "could not install" in tab.status.text() and not tab.deps_box.isHidden()
    tab.unload()


@pytest.mark.parametrize("algorithm", ["heatmap", "heatbyzone"])
def test_processing_says_what_to_install(provider, monkeypatch, jike, algorithm):
    import processing

    monkeypatch.setattr(deps, "missing", lambda: ["shapely"])
    layer = polygon_layer([SAMPLE_WKT])
    inputs = {"INPUT": layer, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"}
    if algorithm == "heatbyzone":  # any polygon layer passes as heat until it is read
        inputs = {"INPUT": layer, "ZONES": layer, "OUTPUT": "memory:"}
    with pytest.raises(QgsProcessingException, match="pip install --user shapely") as info:
        processing.run(f"crowdheat:{algorithm}", inputs)
    assert "press Install" not in str(info.value)  # no button in Processing, nor under qgis_process
