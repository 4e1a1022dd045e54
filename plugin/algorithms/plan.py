"""``crowdheat:heatplan``: the requests a heat run would send, as a layer, before any quota is
spent: one polygon per request with its shard, so a team can look at the split of a province."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core import shards
from ..core.fence import expected_cell_count
from ..gis import settings
from ..gis.scan_layers import accuracy_circle
from ..i18n import tr
from .heat import HeatMapAlgorithm

WINDOW_DAYS = 10  # the days one answer covers (the service's window)


def plan_fields():
    fields = QgsFields()
    for name, kind in (
        ("request", QVariant.Int),
        ("shard", QVariant.Int),
        ("features", QVariant.String),
        ("tiles", QVariant.Int),
        ("area_km2", QVariant.Double),
        ("expected_cells", QVariant.LongLong),
    ):
        fields.append(QgsField(name, kind))
    return fields


def request_geometry(fence):
    """The area a request asks for: its ring, or its circle as a polygon."""
    if fence.is_circle:
        return accuracy_circle(fence.center[0], fence.center[1], fence.radius_m)
    return QgsGeometry.fromPolygonXY([[QgsPointXY(lng, lat) for lng, lat in fence.ring]])


class HeatPlanAlgorithm(HeatMapAlgorithm):
    SHARDS = "SHARDS"

    def name(self):
        return "heatplan"

    def displayName(self):
        return tr("Plan crowd heat requests")

    def shortHelpString(self):
        return tr(
            "Plans the requests 'Crowd heat for polygons' would send for the polygons, without sending any: "
            "one polygon per request with the shard (of SHARDS) that would send it, the features it serves, "
            "its area and expected cells. Outputs REQUESTS, EXPECTED_CELLS and HOURLY_ROWS (cell-days of one "
            "10-day window), the cost of the run to check before spending quota."
        )

    def createInstance(self):
        return HeatPlanAlgorithm()

    def initAlgorithm(self, config=None):
        super().initAlgorithm(config)
        for name in (self.COORD_OUT, self.BASEMAP, self.OUTPUT_CELLS, self.SHARD, self.OUTPUT):
            self.removeParameter(name)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SHARDS,
                tr("Shards (machines)"),
                QgsProcessingParameterNumber.Integer,
                1,
                minValue=1,
                maxValue=10_000,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Planned requests"), QgsProcessing.TypeVectorPolygon)
        )
        for name, title in (
            ("REQUESTS", tr("Requests")),
            ("EXPECTED_CELLS", tr("Expected cells")),
            ("HOURLY_ROWS", tr("Expected hourly rows (cell-days) of one window")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, title))

    def processAlgorithm(self, parameters, context, feedback):
        plan = self.make_plan(parameters, context, feedback, settings.jike_config(secrets=False))
        count = self.parameterAsInt(parameters, self.SHARDS, context)
        assigned = shards.assign(plan, count) if count > 1 else [1] * len(plan.requests)
        sink, dest = self.parameterAsSink(
            parameters,
            self.OUTPUT,
            context,
            plan_fields(),
            QgsWkbTypes.Polygon,
            QgsCoordinateReferenceSystem("EPSG:4326"),
        )
        total_cells = 0
        for request, shard in zip(plan.requests, assigned):
            cells = expected_cell_count(request.fence, plan.level) if plan.level else None
            total_cells += cells or 0
            labels = ", ".join(plan.features[i].label for i in request.fence_ids)
            feature = QgsFeature(plan_fields())
            feature.setGeometry(request_geometry(request.fence))
            feature.setAttributes(
                [
                    request.number,
                    shard,
                    labels[:250],
                    sum(1 for m in request.members if m.tile),
                    round(request.fence.area_m2() / 1e6, 3),
                    cells,
                ]
            )
            sink.addFeature(feature)
        for k in range(1, count + 1):
            mine = [r for r, s in zip(plan.requests, assigned) if s == k]
            feedback.pushInfo(
                tr("Shard {0}/{1}: {2:,} request(s), about {3:,} cells").format(
                    k,
                    count,
                    len(mine),
                    sum(expected_cell_count(r.fence, plan.level) for r in mine) if plan.level else 0,
                )
            )
        return {
            self.OUTPUT: dest,
            "REQUESTS": len(plan.requests),
            "EXPECTED_CELLS": total_cells,
            "HOURLY_ROWS": total_cells * WINDOW_DAYS,
        }
