"""What heat just fetched offers in the message bar: keep it as a GeoPackage, its print layout
(in the designer, or straight to PDF) at the Temporal Controller's frame, its animation."""

from qgis.core import Qgis, QgsProject, QgsTemporalNavigationObject
from qgis.PyQt.QtWidgets import QFileDialog, QPushButton

from ..core.errors import CrowdHeatError
from ..gis import basemaps, geopackage, print_layout
from ..i18n import tr


class HeatResults:
    def __init__(self, panel):
        """``panel``: the tab (its iface, the parent of file dialogs, its animation dialog)."""
        self.panel = panel
        self.iface = panel.iface

    def offer(self, summary, hourly, cells):
        """The run's summary in the message bar, with what can be done with its layers."""
        bar = self.iface.messageBar()
        widget = bar.createMessage(tr("CrowdHeat"), summary)
        for text, action in (
            (tr("Save as GeoPackage…"), lambda: self.save_geopackage([hourly, cells])),
            (tr("Print layout…"), lambda: self.open_print_layout(hourly)),
            (tr("PDF…"), lambda: self.export_pdf(hourly)),
            (tr("Export animation…"), lambda: self.panel.open_animation_dialog(hourly)),
        ):
            button = QPushButton(text)
            button.clicked.connect(action)
            widget.layout().addWidget(button)
        bar.pushWidget(widget, Qgis.Success, 0)

    def save_geopackage(self, layers, path=None):
        """Memory layers are lost with the session: both into one GeoPackage, which they then read."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.panel, tr("Save heat layers"), "", "GeoPackage (*.gpkg)")
            if not path:
                return None
        try:
            path = geopackage.save_layers(layers, path, QgsProject.instance().transformContext())
        except CrowdHeatError as exc:
            self.iface.messageBar().pushMessage("CrowdHeat", str(exc), Qgis.Critical, 0)
            return None
        self.iface.messageBar().pushMessage("CrowdHeat", tr("Saved to {0}").format(path), Qgis.Success, 5)
        return path

    def open_print_layout(self, hourly, open_designer=True):
        """The 'CrowdHeat' print layout of a heat layer at the Temporal Controller's frame, opened
        in the layout designer (where QGIS's animation export and atlas make the frames)."""
        navigation = self.iface.mapCanvas().temporalController()
        frame = (
            navigation.dateTimeRangeForFrameNumber(navigation.currentFrameNumber())
            if isinstance(navigation, QgsTemporalNavigationObject) and navigation.navigationMode()
            else None
        )
        under = [layer for layer in self.iface.mapCanvas().layers() if layer is not hourly]
        title = tr("Crowd heat — {0}").format(hourly.name())
        layout = print_layout.heat_layout(QgsProject.instance(), hourly, under, title, basemaps.chosen(), frame)
        if open_designer:
            self.iface.openLayoutDesigner(layout)
        return layout

    def export_pdf(self, hourly, path=None):
        """The print layout of the current frame, straight to a PDF (no designer)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.panel, tr("Export the heat map as PDF"), "", "PDF (*.pdf)")
            if not path:
                return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        layout = self.open_print_layout(hourly, open_designer=False)
        if print_layout.export_pdf(layout, path) != 0:
            self.iface.messageBar().pushMessage("CrowdHeat", tr("Could not write {0}.").format(path), Qgis.Critical, 0)
            return None
        self.iface.messageBar().pushMessage("CrowdHeat", tr("Saved to {0}").format(path), Qgis.Success, 5)
        return path
