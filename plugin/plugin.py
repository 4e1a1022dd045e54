"""The plugin object QGIS loads: registers the Processing provider and the menu entry."""

from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QAction

from .algorithms.icons import provider_icon
from .algorithms.provider import CrowdHeatProvider

MENU = "&CrowdHeat"


class CrowdHeatPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []

    def initProcessing(self):
        self.provider = CrowdHeatProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()
        action = QAction(provider_icon(), "Crowd heat for polygons…", self.iface.mainWindow())
        action.triggered.connect(self.open_heat_algorithm)
        self.iface.addPluginToWebMenu(MENU, action)
        self.iface.addWebToolBarIcon(action)
        self.actions.append(action)

    def open_heat_algorithm(self):
        import processing
        processing.execAlgorithmDialog("crowdheat:heatmap")

    def unload(self):
        for action in self.actions:
            self.iface.removePluginWebMenu(MENU, action)
            self.iface.removeWebToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
