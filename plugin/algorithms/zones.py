"""Processing algorithm ``crowdheat:heatbyzone``: hourly heat of S2 cells shared out to any
polygon layer (area-weighted on the ellipsoid, or by cell centroid), per zone and per zone-hour."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsWkbTypes,
)

from ..core import zones
from ..core.errors import CrowdHeatError
from ..gis import heat_zones
from ..i18n import tr
from .groups import HeatGroupAlgorithm, StyleOnLoad, WrittenOutputs


class HeatByZoneAlgorithm(WrittenOutputs, HeatGroupAlgorithm):
    INPUT, ZONES, METHOD, OUTPUT, OUTPUT_HOURS = "INPUT", "ZONES", "METHOD", "OUTPUT", "OUTPUT_HOURS"

    def name(self):
        return "heatbyzone"

    def displayName(self):
        return tr("Heat by zone")

    def shortHelpString(self):
        return tr(
            "Shares the hourly heat of S2 cells (a layer written by 'Crowd heat for polygons') out to your "
            "own zones, in any CRS. Area-weighted: a cell's heat is split by the share of its area in each "
            "zone, measured on the ellipsoid, so heat is conserved when the zones partition the cells. "
            "Cell centroid: each cell's heat goes whole to the zone holding its centre. A cell brought by "
            "several fences counts once. Writes the zones with heat_total, cells, covered_share (share of "
            "the zone covered by returned cells: missing cells are unknown, not zero), mean_day, "
            "avg_h00…avg_h23, peak_hour, weekday_mean and weekend_mean (Beijing calendar), and a table of "
            "heat per zone, date and hour for pivot tables and charts."
        )

    def createInstance(self):
        return HeatByZoneAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Hourly heat layer"), [QgsProcessing.TypeVectorAnyGeometry]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.ZONES, tr("Zones"), [QgsProcessing.TypeVectorPolygon])
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD,
                tr("Method"),
                [tr("Area-weighted (on the ellipsoid)"), tr("Cell centroid")],
                defaultValue=zones.AREA,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Heat by zone"), QgsProcessing.TypeVectorPolygon)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_HOURS, tr("Heat by zone and hour"), QgsProcessing.TypeVector, optional=True
            )
        )

    def processAlgorithm(self, parameters, context, feedback):
        heat = self.parameterAsSource(parameters, self.INPUT, context)
        zone_source = self.parameterAsSource(parameters, self.ZONES, context)
        if heat is None or zone_source is None:
            raise QgsProcessingException(tr("Choose an hourly heat layer and a zone layer."))
        fields, renames = heat_zones.zone_fields(zone_source.fields())
        for note in heat_zones.renamed_notes(renames):
            feedback.pushWarning(note)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, zone_source.wkbType(), zone_source.sourceCrs()
        )
        hours_sink, hours_dest = self.parameterAsSink(
            parameters, self.OUTPUT_HOURS, context, heat_zones.hours_fields(), QgsWkbTypes.NoGeometry
        )
        try:
            run = heat_zones.heat_by_zone(
                heat,
                zone_source,
                zone_source.sourceCrs(),
                self.parameterAsEnum(parameters, self.METHOD, context),
                sink,
                hours_sink,
                context.transformContext(),
                is_cancelled=feedback.isCanceled,
            )
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(run.summary())
        uppers = heat_zones.zone_breaks(run.answer)
        del sink, hours_sink  # closed: the files are complete, or say why not
        outputs = [(dest, lambda layer: heat_zones.style_zones(layer, uppers), run.zones, "heat by zone")]
        if hours_dest:
            outputs.append((hours_dest, None, run.hour_rows, "heat by zone and hour"))
        self.check_outputs(outputs, feedback)
        if context.willLoadLayerOnCompletion(dest):
            StyleOnLoad(lambda layer, project: heat_zones.style_zones(layer, uppers)).attach(context, dest)
        results = {self.OUTPUT: dest, "ZONES": run.zones, "CELLS": run.cells, "BREAKS": uppers}
        if hours_dest:
            results[self.OUTPUT_HOURS] = hours_dest
        return results
