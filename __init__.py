"""CrowdHeat QGIS plugin: crowd heat (Jike) and WiFi / cell-tower scan positioning (Baidu)."""


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    from .plugin.plugin import CrowdHeatPlugin

    return CrowdHeatPlugin(iface)
