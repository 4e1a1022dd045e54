"""``crowdheat:heatarchive``: the last 10 days of heat added to an archive that grows run after run
(``gis.heat_archive``), through the one heat runner."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterVectorDestination,
)

from ..core.errors import CrowdHeatError
from ..gis import heat_archive, heat_layers, settings
from ..i18n import tr
from .groups import StyleOnLoad
from .heat import HeatMapAlgorithm, show_hourly


class HeatArchiveAlgorithm(HeatMapAlgorithm):
    ARCHIVE = "ARCHIVE"

    def name(self):
        return "heatarchive"

    def displayName(self):
        return tr("Add crowd heat to an archive")

    def shortHelpString(self):
        return tr(
            "Fetches the last 10 days of hourly crowd heat for the polygons (as 'Crowd heat for polygons') "
            "and adds them to an archive: one table (GeoPackage or PostgreSQL) with one row per S2 cell and "
            "date, which grows run after run. A cell-day the archive lacks is added, one answered alike is "
            "left alone, one the service now answers differently replaces the old numbers (its revisions "
            "are counted). An archive keeps one set of features at one level: another run is refused. "
            "Outputs the counts ADDED, UNCHANGED, REVISED (cell-days) and GAP_DAYS, the dates inside the "
            "archive's span with no data (runs more than 10 days apart leave gaps)."
        )

    def createInstance(self):
        return HeatArchiveAlgorithm()

    def initAlgorithm(self, config=None):
        super().initAlgorithm(config)
        for name in (self.COORD_OUT, self.BASEMAP, self.OUTPUT, self.OUTPUT_CELLS):  # the archive is WGS84, one table
            self.removeParameter(name)
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.ARCHIVE, tr("Archive (a GeoPackage or a PostgreSQL table; created if missing)")
            )
        )
        for name, title in (
            ("ADDED", tr("Cell-days added")),
            ("UNCHANGED", tr("Cell-days answered alike")),
            ("REVISED", tr("Cell-days revised")),
            ("GAP_DAYS", tr("Dates without data inside the archive's span")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, title))
        self.addOutput(QgsProcessingOutputString("GAP_DATES", tr("Those dates")))

    def processAlgorithm(self, parameters, context, feedback):
        config = settings.jike_config()
        plan = self.make_plan(parameters, context, feedback, config)
        destination_text = self.parameterAsOutputLayer(parameters, self.ARCHIVE, context)
        progress, report = self.feedback_callbacks(feedback)
        try:
            done = heat_archive.add_to_archive(
                plan, destination_text, config, feedback.isCanceled, progress, feedback.pushInfo, report
            )
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(done.summary())
        if done.gaps:
            feedback.pushWarning(done.gaps_text())
        done.save_style(feedback)
        if context.willLoadLayerOnCompletion(destination_text):
            span = heat_layers.date_span(done.dates[0], done.dates[-1])
            # Styled, and the project's time set to the archive's whole span.
            StyleOnLoad(lambda layer, project: show_hourly(layer, done.uppers, span, project)).attach(
                context, destination_text
            )
        if done.incomplete_text():
            # A scheduled run must say so in its exit code: what was merged stays, the rest is asked
            # again by the next run (the answers cache makes what was received free).
            raise QgsProcessingException(done.incomplete_text())
        return {
            self.ARCHIVE: destination_text,
            "ADDED": done.added,
            "UNCHANGED": done.unchanged,
            "REVISED": done.revised,
            "GAP_DAYS": len(done.gaps),
            "GAP_DATES": ",".join(d.isoformat() for d in done.gaps),
        }
