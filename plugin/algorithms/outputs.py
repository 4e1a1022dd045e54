"""Processing algorithms for report outputs, so that models make them too:
``crowdheat:timeprofile`` (the dock's time profile chart, as PNG or SVG) and
``crowdheat:heatlayoutpdf`` (the CrowdHeat print layout of a heat layer at one hour, as PDF)."""

from qgis.core import (
    QgsDateTimeRange,
    QgsLayoutExporter,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProject,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from ..gis import heat_layers, print_layout, profiles
from ..gis.heat_zones import looks_like_heat
from ..gis.profile_chart import ProfileChart
from ..i18n import tr
from .groups import HeatGroupAlgorithm


class TimeProfileAlgorithm(HeatGroupAlgorithm):
    INPUT, OUTPUT = "INPUT", "OUTPUT"

    def name(self):
        return "timeprofile"

    def displayName(self):
        return tr("Time profile chart")

    def shortHelpString(self):
        return tr(
            "Draws the time profile of an hourly heat layer (or of a 'Heat by zone and hour' table): one "
            "24-hour curve per day, the mean in bold, and a day × hour matrix, as PNG or SVG (by the file's "
            "extension). Honours 'selected features only'."
        )

    def createInstance(self):
        return TimeProfileAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Hourly heat layer, or heat by zone and hour table"), [QgsProcessing.TypeVector]
            )
        )
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("Chart"), "PNG (*.png);;SVG (*.svg)"))

    def processAlgorithm(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        name = source.sourceName() if source is not None else ""
        profile = profiles.profile_of_source(source, name) if source else None
        if profile is None:
            raise QgsProcessingException(
                tr(
                    "The input is neither an hourly heat layer (cell_token, date, h00…h23) "
                    "nor a heat by zone and hour table (zone_fid, date, hour, heat)."
                )
            )
        if profile.is_empty():
            raise QgsProcessingException(tr("The input has no heat to draw."))
        chart = ProfileChart(profile)
        ok = chart.export_svg(path) if path.lower().endswith(".svg") else chart.export_png(path)
        if not ok:
            raise QgsProcessingException(tr("Could not write {0}.").format(path))
        feedback.pushInfo(
            tr("{0}: {1} days, peak at {2:02d}:00.").format(profile.what, len(profile.days), profile.peak_hour)
        )
        return {self.OUTPUT: path, "PEAK_HOUR": profile.peak_hour, "DAYS": len(profile.days)}


class HeatLayoutPdfAlgorithm(HeatGroupAlgorithm):
    INPUT, DAY, HOUR, TITLE, OUTPUT = "INPUT", "DAY", "HOUR", "TITLE", "OUTPUT"

    def name(self):
        return "heatlayoutpdf"

    def displayName(self):
        return tr("Heat print layout as PDF")

    def shortHelpString(self):
        return tr(
            "Builds the CrowdHeat print layout (map, legend, scale bar, north arrow, title, the frame's time, "
            "attribution) for an hourly heat layer at one hour of one day, and exports it as PDF. An empty "
            "day takes the first day of the data; hour -1 shows each day's mean hour."
        )

    def createInstance(self):
        return HeatLayoutPdfAlgorithm()

    def flags(self):
        # Layouts and the layer's style belong to the main thread.
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Hourly heat layer"), [QgsProcessing.TypeVectorPolygon])
        )
        self.addParameter(
            QgsProcessingParameterString(self.DAY, tr("Day (yyyy-MM-dd; empty: the first)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.HOUR,
                tr("Hour (-1: each day's mean hour)"),
                QgsProcessingParameterNumber.Integer,
                12,
                minValue=-1,
                maxValue=23,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.TITLE, tr("Title"), defaultValue=tr("Crowd heat"), optional=True)
        )
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("PDF"), "PDF (*.pdf)"))

    def processAlgorithm(self, parameters, context, feedback):
        # The layer itself (with its style), not a copy of its features.
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None or not looks_like_heat(layer.fields()) or not heat_layers.looks_like_hourly(layer.fields()):
            raise QgsProcessingException(tr("Choose an hourly heat layer (as crowdheat:heatmap writes it)."))
        heat_layers.ensure_hourly_style(layer)  # a file opened bare, or its time settings dropped on open
        days = sorted({f["date"] for f in layer.getFeatures()})
        days = [d for d in days if isinstance(d, QDate) and d.isValid()]
        if not days:
            raise QgsProcessingException(tr("The layer has no days."))
        text = self.parameterAsString(parameters, self.DAY, context).strip()
        day = QDate.fromString(text, "yyyy-MM-dd") if text else days[0]
        if not day.isValid():
            raise QgsProcessingException(tr("Day {0!r} is not yyyy-MM-dd.").format(text))
        hour = self.parameterAsInt(parameters, self.HOUR, context)
        frame = None
        if hour >= 0:
            start = QDateTime(day, QTime(hour, 0))
            frame = QgsDateTimeRange(start, start.addSecs(3600), True, False)
        project = context.project() or QgsProject.instance()
        layout = print_layout.build_layout(
            project,
            [layer],
            layer.extent(),
            self.parameterAsString(parameters, self.TITLE, context) or "",
            print_layout.attribution(days[0].toString("yyyy-MM-dd"), days[-1].toString("yyyy-MM-dd")),
            frame,
        )
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if print_layout.export_pdf(layout, path) != QgsLayoutExporter.Success:
            raise QgsProcessingException(tr("Could not write {0}.").format(path))
        return {self.OUTPUT: path}
