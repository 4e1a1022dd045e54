"""The plugin as QGIS loads it: classFactory, initGui, the dock, unload, reload, no warnings."""

from qgis.core import Qgis, QgsApplication

import crowdheat


def test_load_unload_reload(qgis_iface, qgis_processing, qtbot):
    messages = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: messages.append((tag, level, message))
    )
    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("crowdheat")
    if existing is not None:  # the session fixture's provider: this test owns the lifecycle
        registry.removeProvider(existing)
    for _ in range(2):  # reloading works
        plugin = crowdheat.classFactory(qgis_iface)
        plugin.initGui()
        assert registry.providerById("crowdheat") is not None
        assert {a.id() for a in registry.providerById("crowdheat").algorithms()} == {
            "crowdheat:heatmap",
            "crowdheat:heatmapcircle",
            "crowdheat:heatarchive",
            "crowdheat:heatplan",
            "crowdheat:heatanimation",
            "crowdheat:geolocatescans",
            "crowdheat:heatbyzone",
            "crowdheat:heatcompare",
            "crowdheat:timeprofile",
            "crowdheat:heatlayoutpdf",
        }
        plugin.dock_action.setChecked(True)
        assert plugin.dock is not None and not plugin.dock.isHidden()  # the stub main window is never shown
        assert [plugin.dock.tabs.tabText(k) for k in range(plugin.dock.tabs.count())] == [
            "Heat",
            "Archive",
            "Scans",
            "Profile",
        ]
        plugin.unload()
        assert registry.providerById("crowdheat") is None
        assert plugin.dock is None and plugin.actions == [] and plugin.options_factory is None
    warnings = [m for m in messages if m[1] >= Qgis.Warning and m[0] in ("CrowdHeat", "Python warning")]
    assert warnings == []
    from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

    # give the session its provider back; a Python reference must keep it alive
    test_load_unload_reload.provider = CrowdHeatProvider()
    assert registry.addProvider(test_load_unload_reload.provider)
