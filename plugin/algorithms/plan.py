"""``crowdheat:heatplan``: the requests a heat run would send, as a layer, before any quota is
spent: one polygon per request with its shard, so a team can look at the split of a province."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ..core import shards
from ..gis import settings
from ..gis.compat import fields_of
from ..gis.scan_layers import accuracy_circle
from ..i18n import tr
from .heat import HeatMapAlgorithm

WINDOW_DAYS = 10  # the days one answer covers (the service's window)


def plan_fields():
    return fields_of(
        [
            ("request", "int"),
            ("shard", "int"),
            ("features", "string"),
            ("tiles", "int"),
            ("area_km2", "double"),
            ("expected_cells", "long"),
        ]
    )


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
        # Expected cells at a fixed level (the service's choice has none to expect).
        cells = [int(w) for w in shards.request_weights(plan)] if plan.level else [None] * len(plan.requests)
        assigned = shards.assign(plan, count, cells if plan.level else None) if count > 1 else [1] * len(plan.requests)
        fields = plan_fields()
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, QgsWkbTypes.Polygon, QgsCoordinateReferenceSystem("EPSG:4326")
        )
        for request, shard, expected in zip(plan.requests, assigned, cells):
            labels = ", ".join(plan.features[i].label for i in request.fence_ids)
            feature = QgsFeature(fields)
            feature.setGeometry(request_geometry(request.fence))
            feature.setAttributes(
                [
                    request.number,
                    shard,
                    labels[:250],
                    sum(1 for m in request.members if m.tile),
                    round(request.fence.area_m2() / 1e6, 3),
                    expected,
                ]
            )
            sink.addFeature(feature)
        total_cells = sum(c or 0 for c in cells)
        for k in range(1, count + 1):
            mine = [c or 0 for c, s in zip(cells, assigned) if s == k]
            feedback.pushInfo(
                tr("Shard {0}/{1}: {2:,} request(s), about {3:,} cells").format(k, count, len(mine), sum(mine))
            )
        return {
            self.OUTPUT: dest,
            "REQUESTS": len(plan.requests),
            "EXPECTED_CELLS": total_cells,
            "HOURLY_ROWS": total_cells * WINDOW_DAYS,
        }
