"""``crowdheat:heatcompare``: what changed between two periods of an archive or any hourly heat
layer, per cell or per zone, and which days of the second period stand out (``gis.heat_compare``)."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
)

from ..core import compare, zones
from ..core.errors import CrowdHeatError
from ..gis import heat_compare, heat_layers, heat_zones
from ..i18n import tr
from .groups import HeatGroupAlgorithm, StyleOnLoad, WrittenOutputs


class HeatCompareAlgorithm(WrittenOutputs, HeatGroupAlgorithm):
    INPUT, PRESET, PERIOD_A, PERIOD_B = "INPUT", "PRESET", "PERIOD_A", "PERIOD_B"
    ZONES, METHOD, OUTPUT, ANOMALIES = "ZONES", "METHOD", "OUTPUT", "ANOMALIES"

    def name(self):
        return "heatcompare"

    def displayName(self):
        return tr("Compare two periods of heat")

    def shortHelpString(self):
        return tr(
            "What changed between two periods of an archive or of any hourly heat layer: one feature per "
            "cell (or per zone, the heat shared into zones as 'Heat by zone' shares it) with mean_a and "
            "mean_b (the mean day heat over the dates of each period that have any data in the input; a "
            "cell without a row on such a date counts 0), diff (B − A), ratio (B / A) and diff_h00…diff_h23 "
            "per hour of day, styled red where B is higher and blue where lower. Periods are typed as "
            "YYYY-MM-DD..YYYY-MM-DD (both dates included), or chosen by a preset. Anomalies: each cell-day "
            "(or zone-day) of period B against the same weekday of period A, as z-scores of the day "
            "(z_day) and of each hour (z_h00…z_h23); NULL where A has fewer than two dates of that weekday "
            "or the baseline does not vary. |z| > 3 is an event day."
        )

    def createInstance(self):
        return HeatCompareAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Archive or hourly heat layer"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PRESET,
                tr("Periods"),
                [
                    tr("Period A against period B, as typed below"),
                    tr("Weekdays (A) against weekend (B)"),
                    tr("The 7 days before (A) against the last 7 days (B)"),
                ],
                defaultValue=compare.PERIODS,
            )
        )
        for name, title in (
            (self.PERIOD_A, tr("Period A (YYYY-MM-DD..YYYY-MM-DD)")),
            (self.PERIOD_B, tr("Period B (YYYY-MM-DD..YYYY-MM-DD)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, title, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ZONES, tr("Zones (optional: compare per zone)"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        method = QgsProcessingParameterEnum(
            self.METHOD,
            tr("Heat into zones by"),
            [tr("Area-weighted (on the ellipsoid)"), tr("Cell centroid")],
            defaultValue=zones.AREA,
        )
        method.setFlags(method.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(method)
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Compared heat"), QgsProcessing.TypeVectorPolygon)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.ANOMALIES, tr("Anomalies (days of B)"), QgsProcessing.TypeVectorPolygon, optional=True
            )
        )
        for name, title in (
            ("DAYS_A", tr("Dates of period A with data")),
            ("DAYS_B", tr("Dates of period B with data")),
            ("UNITS", tr("Cells or zones compared")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, title))

    def processAlgorithm(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        zone_source = self.parameterAsSource(parameters, self.ZONES, context)
        if source is None:
            raise QgsProcessingException(tr("Choose an archive or an hourly heat layer."))
        try:
            units = self._units(parameters, context, feedback, source, zone_source)
            a, b = compare.periods(
                self.parameterAsEnum(parameters, self.PRESET, context),
                self.parameterAsString(parameters, self.PERIOD_A, context),
                self.parameterAsString(parameters, self.PERIOD_B, context),
                units.days.data_dates(),
            )
            result = compare.compare(units.days, a, b)
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(heat_compare.describe(result))
        if set(a.dates) & set(b.dates):
            feedback.pushWarning(tr("Periods A and B share dates: the difference understates the change."))
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, heat_compare.compare_fields(units), units.wkb_type, units.crs
        )
        anomaly_sink, anomaly_dest = self.parameterAsSink(
            parameters, self.ANOMALIES, context, heat_compare.anomaly_fields(units), units.wkb_type, units.crs
        )
        try:
            written = heat_compare.write_comparison(units, result, sink)
            anomalies = 0
            if anomaly_sink is not None:
                anomalies, strongest = heat_compare.write_anomalies(
                    units, compare.anomalies(units.days, a, b), anomaly_sink
                )
                self._report_anomalies(feedback, a, b, strongest)
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        del sink, anomaly_sink  # closed: the files are complete, or say why not
        self._finish_outputs(context, feedback, (dest, written), (anomaly_dest, anomalies), result, b)
        results = {self.OUTPUT: dest, "DAYS_A": len(a.dates), "DAYS_B": len(b.dates), "UNITS": written}
        if anomaly_dest:
            results[self.ANOMALIES] = anomaly_dest
        return results

    def _finish_outputs(self, context, feedback, compared, anomalies, result, b):
        """Both outputs checked against what was written, and styled when Processing loads them
        (the anomalies with the Temporal Controller on period B's days)."""
        (dest, written), (anomaly_dest, anomaly_count) = compared, anomalies
        limits = heat_compare.diff_limits(result)
        outputs = [(dest, lambda layer: heat_compare.style_comparison(layer, limits), written, "compared heat")]
        if anomaly_dest:
            outputs.append((anomaly_dest, heat_compare.style_anomalies, anomaly_count, "anomalies"))
        self.check_outputs(outputs, feedback)
        if context.willLoadLayerOnCompletion(dest):
            StyleOnLoad(lambda layer, project: heat_compare.style_comparison(layer, limits)).attach(context, dest)
        if anomaly_dest and context.willLoadLayerOnCompletion(anomaly_dest):
            span = heat_compare.period_span(b)

            def show_anomalies(layer, project):
                heat_compare.style_anomalies(layer)
                heat_layers.show_in_time(span, project)

            StyleOnLoad(show_anomalies).attach(context, anomaly_dest)

    def _units(self, parameters, context, feedback, source, zone_source):
        if zone_source is None:
            units = heat_compare.cell_units(source, feedback.isCanceled)
        else:
            units = heat_compare.zone_units(
                source,
                zone_source,
                self.parameterAsEnum(parameters, self.METHOD, context),
                context.transformContext(),
                feedback.isCanceled,
            )
            for note in heat_zones.renamed_notes(units.renames or {}):
                feedback.pushWarning(note)
        heat_compare.check_units(units)
        if units.duplicates:
            feedback.pushInfo(
                tr("{0:,} repeated cell-days of overlapping fences counted once.").format(units.duplicates)
            )
        return units

    @staticmethod
    def _report_anomalies(feedback, a, b, strongest):
        per_weekday = [sum(1 for d in a.dates if d.weekday() == w) for w in range(7)]
        if any(per_weekday[d.weekday()] < 2 for d in b.dates):
            feedback.pushWarning(
                tr(
                    "Some days of period B have fewer than two days of the same weekday in period A: their "
                    "z-scores are NULL. Anomalies need a period A of two weeks or more."
                )
            )
        if strongest is not None:
            z, _, date = strongest
            feedback.pushInfo(tr("The strongest day anomaly: z = {0:.1f} on {1}.").format(z, date.isoformat()))
