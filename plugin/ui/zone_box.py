"""The Heat tab's heat by zone: an hourly heat layer shared out to the active layer's (selected)
polygons in a task (gis/tasks.ZoneTask, the same code as crowdheat:heatbyzone), the two result
layers grouped in the project."""

from qgis.core import Qgis, QgsApplication, QgsMapLayerProxyModel, QgsProject, QgsWkbTypes
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton

from ..core import zones
from ..gis import heat_layers, profiles
from ..gis.tasks import ZoneTask
from ..i18n import tr


class ZoneBox(QGroupBox):
    # The zones layer just made: its time profile is worth showing.
    zonesReady = pyqtSignal(object)

    def __init__(self, iface, say, parent=None):
        """``say(text)`` writes the tab's status line."""
        super().__init__(tr("Heat by zone"), parent)
        self.iface, self.say = iface, say
        self.zone_layer = None  # the active layer, as the tab watches it
        self.task = None
        self.result = []
        form = QFormLayout(self)
        self.heat_layer = QgsMapLayerComboBox()
        self.heat_layer.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.method = QComboBox()
        self.method.addItem(tr("Area-weighted (on the ellipsoid)"), zones.AREA)
        self.method.addItem(tr("Cell centroid"), zones.CENTROID)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.run = QPushButton(tr("Heat by zone"))
        self.run.clicked.connect(self.start)
        form.addRow(tr("Hourly heat layer"), self.heat_layer)
        form.addRow(tr("Zones"), self.info)
        form.addRow(tr("Method"), self.method)
        form.addRow("", self.run)
        self.heat_layer.layerChanged.connect(self.refresh)

    def watch(self, layer):
        self.zone_layer = layer
        self.refresh()

    def inputs(self):
        """(heat layer, zone layer, selected only) or (None, None, why not)."""
        heat = self.heat_layer.currentLayer()
        if heat is None or not heat_layers.has_cell_days(heat.fields()):
            return None, None, tr("Choose an hourly heat layer (fetch one first).")
        zone_layer = self.zone_layer
        if zone_layer is None or zone_layer.geometryType() != QgsWkbTypes.PolygonGeometry or zone_layer is heat:
            return None, None, tr("Make your zone layer (polygons, any CRS) the active layer.")
        return heat, zone_layer, zone_layer.selectedFeatureCount() > 0

    def refresh(self, *args):
        heat, zone_layer, selected = self.inputs()
        if heat is None:
            self.info.setText(selected)
        elif selected:
            self.info.setText(
                tr("{0:,} selected zones of {1}").format(zone_layer.selectedFeatureCount(), zone_layer.name())
            )
        else:
            self.info.setText(tr("All {0:,} zones of {1}").format(zone_layer.featureCount(), zone_layer.name()))
        self.run.setEnabled(heat is not None and self.task is None)

    def start(self):
        heat, zone_layer, selected = self.inputs()
        if heat is None:
            return
        self.task = ZoneTask(heat, zone_layer, selected, self.method.currentData(), self.done)
        self.run.setEnabled(False)
        self.say(tr("Sharing heat out to the zones…"))
        QgsApplication.taskManager().addTask(self.task)

    def done(self, task):
        self.task = None
        self.refresh()
        if task.error is not None:
            self.say(str(task.error))
            self.iface.messageBar().pushMessage(tr("CrowdHeat: heat by zone failed"), str(task.error), Qgis.Critical, 0)
            return
        if task.result is None:
            self.say(tr("Heat by zone cancelled."))
            return
        by_zone, by_hour = self.result = list(task.result)
        heat_layers.add_to_group(QgsProject.instance(), self.result, tr("Heat by zone — {0}").format(task.zone_name))
        by_zone.setCustomProperty(profiles.HOURS_LAYER_PROPERTY, by_hour.id())  # its profile reads the hours
        self.zonesReady.emit(by_zone)
        self.say(task.summary)
        self.iface.messageBar().pushMessage(tr("CrowdHeat"), task.summary, Qgis.Success, 8)

    def unload(self):
        if self.task is not None:
            self.task.cancel()
