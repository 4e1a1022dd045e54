"""Processing algorithms for report outputs, so that models make them too:
``crowdheat:timeprofile`` (the dock's time profile chart, as PNG or SVG) and
``crowdheat:heatlayoutpdf`` (the CrowdHeat print layout of a heat layer at one hour, as PDF)."""

from qgis.core import (
    QgsDateTimeRange,
    QgsLayoutExporter,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProject,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from ..core.errors import CrowdHeatError, InputError
from ..gis import animation, basemaps, heat_layers, print_layout, profiles
from ..gis.profile_chart import ProfileChart
from ..i18n import tr
from .groups import HeatGroupAlgorithm, basemap_of, basemap_parameter


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


def chosen_basemap(text, layer, feedback):
    """The basemap a BASEMAP parameter names (QgsProcessingException when unknown), with a warning
    when its streets and the layer's numbers disagree."""
    base = basemap_of(text)
    warning = basemaps.mismatch(base, heat_layers.numbers_of(layer))
    if warning:
        feedback.pushWarning(warning)
    return base


def hourly_layer(layer):
    """The input layer itself (with its style, not a copy of its features), if it is hourly heat."""
    if layer is None or not heat_layers.has_cell_days(layer.fields()) or not heat_layers.has_time_span(layer.fields()):
        raise QgsProcessingException(tr("Choose an hourly heat layer (as crowdheat:heatmap writes it)."))
    return layer


class HeatLayoutPdfAlgorithm(HeatGroupAlgorithm):
    INPUT, DAY, HOUR, TITLE, BASEMAP, OUTPUT = "INPUT", "DAY", "HOUR", "TITLE", "BASEMAP", "OUTPUT"

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
        self.addParameter(basemap_parameter(self.BASEMAP))
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("PDF"), "PDF (*.pdf)"))

    def processAlgorithm(self, parameters, context, feedback):
        layer = hourly_layer(self.parameterAsVectorLayer(parameters, self.INPUT, context))
        heat_layers.ensure_hourly_style(layer)  # a file opened bare, or its time settings dropped on open
        days = print_layout.heat_days(layer)
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
        base = chosen_basemap(self.parameterAsString(parameters, self.BASEMAP, context), layer, feedback)
        # The layout stays in the project, so its basemap does too (once, under everything else).
        base_layer = basemaps.add_under(project, base) if base is not None else None
        layout = print_layout.heat_layout(
            project,
            layer,
            [base_layer] if base_layer is not None else [],
            self.parameterAsString(parameters, self.TITLE, context) or "",
            base,
            frame,
            days,
        )
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if print_layout.export_pdf(layout, path) != QgsLayoutExporter.Success:
            raise QgsProcessingException(tr("Could not write {0}.").format(path))
        return {self.OUTPUT: path}


class HeatAnimationAlgorithm(HeatGroupAlgorithm):
    INPUT, START, END, BASEMAP = "INPUT", "START", "END", "BASEMAP"
    WIDTH, HEIGHT, FRAME_MS, OUTPUT = "WIDTH", "HEIGHT", "FRAME_MS", "OUTPUT"

    def name(self):
        return "heatanimation"

    def displayName(self):
        return tr("Heat animation (GIF or MP4)")

    def shortHelpString(self):
        return tr(
            "The Temporal Controller's animation of an hourly heat layer (or an archive) as a file: one frame "
            "per hour with its date and hour, the legend (the same classes in every frame), a scale bar and "
            "the attribution, over a basemap (none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template "
            "with {x}, {y}, {z}). "
            "Empty START and END: the last day of the data. A .gif is always written; an .mp4 needs ffmpeg "
            "on the PATH."
        )

    def createInstance(self):
        return HeatAnimationAlgorithm()

    def flags(self):
        # The layer's style and the renderer belong to the main thread.
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Hourly heat layer"), [QgsProcessing.TypeVectorPolygon])
        )
        for name, title in ((self.START, tr("From (empty: the last day)")), (self.END, tr("Until (excluded)"))):
            self.addParameter(QgsProcessingParameterDateTime(name, title, optional=True))
        self.addParameter(basemap_parameter(self.BASEMAP))
        for name, title, default, low, high in (
            (self.WIDTH, tr("Width (pixels)"), 1000, 200, 4000),
            (self.HEIGHT, tr("Height (pixels)"), 750, 200, 4000),
            (self.FRAME_MS, tr("Each frame shown for (ms)"), 500, 20, 10000),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, title, QgsProcessingParameterNumber.Integer, default, minValue=low, maxValue=high
                )
            )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Animation"), "GIF (*.gif);;MP4 (*.mp4)")
        )
        self.addOutput(QgsProcessingOutputNumber("FRAMES", tr("Frames")))

    def processAlgorithm(self, parameters, context, feedback):
        layer = hourly_layer(self.parameterAsVectorLayer(parameters, self.INPUT, context))
        start = self.parameterAsDateTime(parameters, self.START, context)
        end = self.parameterAsDateTime(parameters, self.END, context)
        base = chosen_basemap(self.parameterAsString(parameters, self.BASEMAP, context), layer, feedback)
        try:
            if start.isValid() and parameters.get(self.START) not in (None, ""):
                end = end if end.isValid() and parameters.get(self.END) not in (None, "") else start.addDays(1)
                hours = animation.hours_between(QgsDateTimeRange(start, end, True, False))
            else:
                hours = animation.last_day_hours(layer)
            if not hours:
                raise InputError(tr("No hour between {0} and {1}.").format(start.toString(), end.toString()))
            size = (
                self.parameterAsInt(parameters, self.WIDTH, context),
                self.parameterAsInt(parameters, self.HEIGHT, context),
            )
            frames = animation.render_frames(
                layer,
                hours,
                size,
                base,
                feedback.isCanceled,
                lambda done, total: feedback.setProgress(90.0 * done / total),
                context.project() or QgsProject.instance(),
            )
            path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
            size_bytes = animation.write_animation(
                frames, path, self.parameterAsInt(parameters, self.FRAME_MS, context)
            )
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(
            tr("{0} frames, {1} – {2}, {3:,.1f} MB").format(
                len(frames),
                hours[0].toString("yyyy-MM-dd HH:mm"),
                hours[-1].toString("yyyy-MM-dd HH:mm"),
                size_bytes / 1e6,
            )
        )
        return {self.OUTPUT: path, "FRAMES": len(frames)}
