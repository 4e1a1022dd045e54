"""The CrowdHeat dock: the plugin's main door (Heat, Archive, Scans and Profile tabs)."""

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from ..i18n import tr
from .archive_tab import ArchiveTab
from .heat_tab import HeatTab
from .profile_tab import ProfileTab
from .scans_tab import ScansTab


class CrowdHeatDock(QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__(tr("CrowdHeat"), parent)
        self.setObjectName("CrowdHeatDock")
        self.tabs = QTabWidget()
        self.heat = HeatTab(iface)
        self.archive = ArchiveTab(iface, self.heat)
        self.scans = ScansTab(iface)
        self.profile = ProfileTab(iface)
        self.tabs.addTab(self.heat, tr("Heat"))
        self.tabs.addTab(self.archive, tr("Archive"))
        self.tabs.addTab(self.scans, tr("Scans"))
        self.tabs.addTab(self.profile, tr("Profile"))
        self.heat.heatReady.connect(self.profile.show_layer)
        self.settings_button = QPushButton(tr("Settings…"))
        self.settings_button.clicked.connect(self.open_settings)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.tabs)
        layout.addWidget(self.settings_button)
        self.setWidget(body)

    def open_settings(self):
        from .settings_page import SettingsDialog

        dialog = SettingsDialog(self)
        if dialog.exec():
            self.heat.refresh()

    def unload(self):
        self.heat.unload()
        self.archive.unload()
        self.scans.unload()
        self.profile.unload()
