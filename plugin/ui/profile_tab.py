"""The dock's Profile tab: the time profile of the heat just fetched, or of the active layer's
selected cells or zones; a click moves the Temporal Controller to that hour; PNG/SVG export."""

from qgis.core import QgsTemporalNavigationObject, QgsVectorLayer
from qgis.PyQt.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..gis import heat_layers, profiles
from ..gis.tasks import JobTask, Latest
from ..i18n import tr
from .time_profile import TimeProfileChart

FRAME_SECONDS = 3600


class ProfileTab(QWidget):
    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.layer = None
        self.reading = Latest(self.read, self)  # the profile shown next
        layout = QVBoxLayout(self)
        self.what = QLabel(tr("Fetch heat, or make an hourly heat layer or a heat-by-zone layer active."))
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        self.chart = TimeProfileChart()
        self.chart.hourClicked.connect(self.go_to)
        layout.addWidget(self.chart, 1)
        buttons = QHBoxLayout()
        self.png = QPushButton(tr("Export PNG…"))
        self.svg = QPushButton(tr("Export SVG…"))
        self.png.clicked.connect(lambda: self.export("png"))
        self.svg.clicked.connect(lambda: self.export("svg"))
        buttons.addWidget(self.png)
        buttons.addWidget(self.svg)
        layout.addLayout(buttons)
        iface.currentLayerChanged.connect(self.follow)
        self.follow(iface.activeLayer())

    def follow(self, layer):
        """Show the active layer's profile when it has one (else keep the last one shown)."""
        if isinstance(layer, QgsVectorLayer) and profiles.can_profile(layer):
            self.show_layer(layer)

    def show_layer(self, layer):
        if self.layer is not None:
            try:
                self.layer.selectionChanged.disconnect(self.refresh)
            except (TypeError, RuntimeError):
                pass
        self.layer = layer
        layer.selectionChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *args):
        """Read the profile in a task (100,000 cell-days take seconds); a newer refresh cancels it."""
        self.reading.cancel()
        if self.layer is None or not profiles.can_profile(self.layer):
            self.show_profile(None)
            return
        self.what.setText(tr("Reading the time profile…"))
        job = profiles.ProfileJob(self.layer)
        self.reading.start(JobTask(tr("CrowdHeat: reading the time profile"), job, self.reading.ended))

    def read(self, task):
        if task.error is not None:
            self.what.setText(str(task.error))
            return
        self.show_profile(task.result)

    def show_profile(self, profile):
        self.chart.set_profile(profile)
        has = profile is not None and not profile.is_empty()
        self.what.setText(profile.what if has else tr("No heat in this selection."))
        self.png.setEnabled(has)
        self.svg.setEnabled(has)

    def go_to(self, day_index, hour):
        """Move the Temporal Controller to that hour: of the clicked day, or of the day it shows."""
        navigation = self.iface.mapCanvas().temporalController()
        profile = self.chart.profile
        if not isinstance(navigation, QgsTemporalNavigationObject) or profile is None:
            return None
        extent = navigation.temporalExtents()
        if not extent.begin().isValid():
            return None
        if day_index >= 0:
            day = profile.days[day_index]
        else:
            shown = navigation.dateTimeRangeForFrameNumber(navigation.currentFrameNumber()).begin()
            day = shown.date().toPyDate() if shown.isValid() else profile.days[0]
        start = extent.begin()
        since_midnight = start.time().msecsSinceStartOfDay() // 1000
        target_seconds = (day - start.date().toPyDate()).days * 86400 + hour * 3600 - since_midnight
        frame = max(0, target_seconds // FRAME_SECONDS)
        heat_layers.animate(navigation)
        navigation.setCurrentFrameNumber(frame)
        return frame

    def export(self, kind, path=None):
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, tr("Export the time profile"), "", "PNG (*.png)" if kind == "png" else "SVG (*.svg)"
            )
            if not path:
                return None
        if not path.lower().endswith("." + kind):
            path += "." + kind
        (self.chart.export_png if kind == "png" else self.chart.export_svg)(path)
        return path

    def unload(self):
        self.reading.cancel()
        try:
            self.iface.currentLayerChanged.disconnect(self.follow)
        except (TypeError, RuntimeError):
            pass
        if self.layer is not None:
            try:
                self.layer.selectionChanged.disconnect(self.refresh)
            except (TypeError, RuntimeError):
                pass
            self.layer = None
