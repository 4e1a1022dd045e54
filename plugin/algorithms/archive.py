"""``crowdheat:heatarchive``: the last 10 days of heat added to an archive that grows run after run
(``gis.heat_archive``), through the one heat runner."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterVectorDestination,
    QgsProject,
)

from ..core.errors import CrowdHeatError
from ..gis import heat_archive, heat_layers, settings
from ..gis.default_styles import save_default_style
from ..i18n import tr
from .groups import OneShotPostProcessor
from .heat import HeatMapAlgorithm, show_hourly


class _ArchiveStyler(OneShotPostProcessor):
    """Styles the archive Processing loads and sets the project's time to its whole span."""

    def __init__(self, uppers, span):
        super().__init__()
        self.uppers, self.span = uppers, span

    def process(self, layer, context, feedback):
        show_hourly(layer, self.uppers, self.span, context.project() or QgsProject.instance())


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
        for name in (self.COORD_OUT, self.OUTPUT, self.OUTPUT_CELLS):  # the archive is WGS84, one table
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
        try:
            destination = heat_archive.Destination(destination_text)
            archive = heat_archive.Archive(destination)
            archive.check_sources(plan)
            writer = heat_archive.ArchiveWriter(archive)
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        try:
            run = self.fetch(plan, writer, config, feedback)
        finally:
            archive.close(writer)
        dates = archive.dates()
        gaps = heat_archive.gap_dates(dates)
        feedback.pushInfo(
            tr("Archive {0}: {1:,} cell-days added, {2:,} answered alike, {3:,} revised; it spans {4} – {5}").format(
                destination.table, writer.added, writer.unchanged, writer.revised, dates[0], dates[-1]
            )
        )
        if gaps:
            feedback.pushWarning(
                tr("{0} date(s) inside the archive's span have no data (runs more than 10 days apart): {1}").format(
                    len(gaps), ", ".join(d.isoformat() for d in gaps)
                )
            )
        source, _ = destination.layer_source()
        uppers = heat_layers.hourly_breaks(run)
        if not archive.exists:  # its first run gives it its style (classes from the first answers)
            save_default_style(source, lambda layer: heat_layers.style_hourly(layer, uppers), feedback)
        if context.willLoadLayerOnCompletion(destination_text):
            span = heat_layers.date_span(dates[0], dates[-1])
            _ArchiveStyler(uppers, span).attach(context, destination_text)
        if not run.complete:
            # A scheduled run must say so in its exit code: what was merged stays, the rest is asked
            # again by the next run (the answers cache makes what was received free).
            raise QgsProcessingException(incomplete_text(run, writer))
        return {
            self.ARCHIVE: destination_text,
            "ADDED": writer.added,
            "UNCHANGED": writer.unchanged,
            "REVISED": writer.revised,
            "GAP_DAYS": len(gaps),
            "GAP_DATES": ",".join(d.isoformat() for d in gaps),
        }


def incomplete_text(run, writer):
    """One line: why the run is incomplete, and what the archive kept."""
    if run.cancelled:
        why = tr("cancelled")
    else:
        first = run.stopped_by or run.unanswered[0][1]
        why = tr("{0} of {1} request(s) not answered ({2})").format(
            len(run.plan.requests) - run.requests_answered, len(run.plan.requests), str(first).splitlines()[0]
        )
    return tr(
        "Incomplete run: {0}. The archive keeps the {1:,} cell-days added and {2:,} revised so far; run it "
        "again to fetch the rest (answers already received come from the cache)."
    ).format(why, writer.added, writer.revised)
