"""The plugin object QGIS loads: the Processing provider, the dock, its toolbar icon and menu entry."""

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAction

from .algorithms.provider import CrowdHeatProvider
from .i18n import install_translator, remove_translator, tr
from .icons import provider_icon

MENU = "&CrowdHeat"


class CrowdHeatPlugin:
    def __init__(self, iface):
        self.iface = iface
        # before anything builds its strings: the provider, the dock and the options page
        self.translator = install_translator()
        self.provider = None
        self.dock = None
        self.actions = []
        self.options_factory = None
        self.opened_layers = None

    def initProcessing(self):
        self.provider = CrowdHeatProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)
        from .gis import tianditu

        tianditu.install_project_hooks()  # before any project that holds a Tianditu basemap is read

    def initGui(self):
        self.initProcessing()
        action = QAction(provider_icon(), tr("CrowdHeat"), self.iface.mainWindow())
        action.setCheckable(True)
        action.setToolTip(tr("Crowd heat and scan positioning"))
        action.toggled.connect(self.show_dock)
        self.iface.addPluginToWebMenu(MENU, action)
        self.iface.addWebToolBarIcon(action)
        self.actions.append(action)
        self.dock_action = action
        from .ui.settings_page import CrowdHeatOptionsFactory

        self.options_factory = CrowdHeatOptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        from .gis.default_styles import OpenedLayers

        self.opened_layers = OpenedLayers(QgsProject.instance(), self.iface)

    def show_dock(self, visible):
        if self.dock is None:
            from .ui.dock import CrowdHeatDock

            self.dock = CrowdHeatDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.setToggleVisibilityAction(self.dock_action)
        self.dock.setVisible(visible)

    def unload(self):
        if self.opened_layers is not None:
            self.opened_layers.disconnect()
            self.opened_layers = None
        if self.dock is not None:
            self.dock.unload()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        for action in self.actions:
            self.iface.removePluginWebMenu(MENU, action)
            self.iface.removeWebToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        from .gis import tianditu

        tianditu.remove_project_hooks()
        remove_translator(self.translator)
        self.translator = None
