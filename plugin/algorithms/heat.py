"""Processing algorithms ``crowdheat:heatmap`` (polygon layer) and ``crowdheat:heatmapcircle``.

Both are thin: fences from the QGIS layer, ``core.heat_job.fetch_heat`` for the requests,
``gis.heat_layers`` for features, styles and time. The dock calls the same functions.
"""

from qgis.core import (QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingAlgorithm,
                       QgsProcessingException, QgsProcessingLayerPostProcessorInterface,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterNumber, QgsProcessingParameterPoint, QgsProject, QgsWkbTypes)

from ..core import deps
from ..core import fence as fence_rules
from ..core.errors import CrowdHeatError
from ..core.heat_job import check_fences, fetch_heat
from ..core.jike import CRS as HEAT_CRS
from ..core.jike import JikeClient
from ..gis import fences as gis_fences
from ..gis import heat_layers, settings
from .icons import provider_icon
from ..i18n import tr

# Post-processors must outlive the algorithm run that creates them (QGIS holds no Python reference).
_ALIVE = []


class _LayerStyler(QgsProcessingLayerPostProcessorInterface):
    """Styles an output layer once Processing has loaded it, and gathers both into one group."""

    def __init__(self, kind, uppers, run, fences, shared_group):
        super().__init__()
        self.kind, self.uppers, self.run, self.fences, self.shared_group = kind, uppers, run, fences, shared_group

    def postProcessLayer(self, layer, context, feedback):
        project = context.project() or QgsProject.instance()
        if self.kind == "hourly":
            layer.setName(heat_layers.HOURLY_LAYER_NAME)
            heat_layers.style_hourly(layer, self.uppers)
            from qgis.utils import iface  # None under qgis_process
            heat_layers.show_in_time(self.run, project, iface)
        else:
            layer.setName(heat_layers.CELLS_LAYER_NAME)
            heat_layers.style_cells(layer, self.uppers)
        name = heat_layers.group_name(self.run, self.fences)
        group = self.shared_group.get("group")
        if group is None:
            group = self.shared_group["group"] = heat_layers.add_to_group(project, [], name)
        heat_layers.add_to_group(project, [layer], name, group=group)


class HeatAlgorithmBase(QgsProcessingAlgorithm):
    CELL_LEVEL = "CELL_LEVEL"
    OUTPUT = "OUTPUT"
    OUTPUT_CELLS = "OUTPUT_CELLS"

    def group(self):
        return tr("Crowd heat (Jike)")

    def groupId(self):
        return "heat"

    def icon(self):
        return provider_icon()

    def add_common_parameters(self):
        level = QgsProcessingParameterNumber(
            self.CELL_LEVEL, tr("S2 cell level (10–18; 0 lets the service choose)"),
            QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0, maxValue=fence_rules.MAX_CELL_LEVEL)
        self.addParameter(level)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Hourly heat"), QgsProcessing.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_CELLS, tr("Cells"), QgsProcessing.TypeVectorPolygon))

    def checkParameterValues(self, parameters, context):
        try:
            fence_rules.check_cell_level(self.parameterAsInt(parameters, self.CELL_LEVEL, context))
        except CrowdHeatError as exc:
            return False, str(exc)
        return super().checkParameterValues(parameters, context)

    def fences(self, parameters, context, feedback, max_vertices):
        raise NotImplementedError

    def processAlgorithm(self, parameters, context, feedback):
        if deps.missing():
            raise QgsProcessingException(deps.explanation())
        config = settings.jike_config()
        level = self.parameterAsInt(parameters, self.CELL_LEVEL, context) or None
        try:
            fences = self.fences(parameters, context, feedback, config.max_vertices)
            for one in fences:
                for warning in one.warnings:
                    feedback.pushWarning(warning)
            check_fences(fences, level)
            self.report_plan(fences, level, feedback)
            client = JikeClient(config, proxies=settings.proxies_for(config.base_url))
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        with client:
            run = fetch_heat(client, fences, level, is_cancelled=feedback.isCanceled,
                             on_progress=lambda f: feedback.setProgress(80 * f), log=feedback.pushInfo)
        for one, error in run.failures:
            feedback.reportError(f"{one.label}: {error}", fatalError=False)
        if not run.results:
            if run.cancelled:
                raise QgsProcessingException(tr("Cancelled before any heat was received."))
            raise QgsProcessingException(str(run.stopped_by or run.failures[0][1]))
        if run.cancelled or run.stopped_by:
            feedback.pushWarning(tr("Stopped early: the layers hold the {0} fence(s) received so far.")
                                 .format(len(run.results)))

        crs = QgsCoordinateReferenceSystem(HEAT_CRS)
        hourly_sink, hourly_id = self.parameterAsSink(parameters, self.OUTPUT, context, heat_layers.hourly_fields(),
                                                      QgsWkbTypes.Polygon, crs)
        cells_sink, cells_id = self.parameterAsSink(parameters, self.OUTPUT_CELLS, context, heat_layers.cell_fields(),
                                                    QgsWkbTypes.Polygon, crs)
        try:
            # After a cancel during the fetch, what arrived is still written (partial results survive).
            hourly_count, cell_count = heat_layers.write_heat(
                run.results, hourly_sink, cells_sink, is_cancelled=None if run.cancelled else feedback.isCanceled,
                on_progress=lambda f: feedback.setProgress(80 + 20 * f))
        except RuntimeError as exc:
            raise QgsProcessingException(str(exc)) from None
        self.attach_stylers(context, run, fences, hourly_id, cells_id)
        dates = run.date_range()
        feedback.pushInfo(tr("{0} cells, {1} cell-days, total heat {2}, days {3} – {4}, {5:.1f} s.").format(
            cell_count, hourly_count, run.total_heat(), dates[0], dates[1], run.seconds))
        return {self.OUTPUT: hourly_id, self.OUTPUT_CELLS: cells_id,
                "CELL_COUNT": cell_count, "HOURLY_COUNT": hourly_count, "FAILED_FENCES": len(run.failures)}

    def report_plan(self, fences, level, feedback):
        area = sum(f.area_m2() for f in fences) / 1e6
        text = tr("{0} fence(s), {1:,.3f} km² in all").format(len(fences), area)
        if level:
            cells = sum(fence_rules.expected_cell_count(f, level) for f in fences)
            text += tr(", about {0:,} cells at level {1}").format(cells, level)
        feedback.pushInfo(text + ".")

    def attach_stylers(self, context, run, fences, hourly_id, cells_id):
        shared_group = {}
        for dest_id, kind, uppers in ((hourly_id, "hourly", heat_layers.hourly_breaks(run.results)),
                                      (cells_id, "cells", heat_layers.cell_breaks(run.results))):
            if context.willLoadLayerOnCompletion(dest_id):
                styler = _LayerStyler(kind, uppers, run, fences, shared_group)
                _ALIVE.append(styler)
                context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(styler)


class HeatMapAlgorithm(HeatAlgorithmBase):
    INPUT = "INPUT"

    def name(self):
        return "heatmap"

    def displayName(self):
        return tr("Crowd heat for polygons")

    def shortHelpString(self):
        return tr("Fetches the last 10 days of hourly crowd heat from the Jike open platform for each "
                  "polygon (each part of a multipolygon is one request; holes are dropped). Outputs one "
                  "feature per S2 cell per day with hourly fields h00–h23, animated by the Temporal "
                  "Controller, and one feature per cell with hourly means. Limits: 800 km² per fence.")

    def createInstance(self):
        return HeatMapAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, tr("Polygon layer (selected features only is honoured)"), [QgsProcessing.TypeVectorPolygon]))
        self.add_common_parameters()

    def fences(self, parameters, context, feedback, max_vertices):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        if source.featureCount() == 0:
            raise fence_rules.FenceError(tr("The input has no features (is 'selected features only' on with "
                                            "nothing selected?). Select at least one polygon."))
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        fences, skipped = gis_fences.fences_from_features(
            source.getFeatures(), source.sourceCrs(), context.transformContext(), max_vertices, feedback.isCanceled,
            label_of=gis_fences.display_labeller(layer) if layer is not None else None)
        for reason in skipped:
            feedback.reportError(tr("Skipped: {0}").format(reason), fatalError=False)
        return fences


class HeatMapCircleAlgorithm(HeatAlgorithmBase):
    CENTER = "CENTER"
    RADIUS = "RADIUS"

    def name(self):
        return "heatmapcircle"

    def displayName(self):
        return tr("Crowd heat for a circle")

    def shortHelpString(self):
        return tr("Fetches the last 10 days of hourly crowd heat from the Jike open platform for a circle "
                  "(centre point and radius in metres, at most 50 km). Same outputs as 'Crowd heat for polygons'.")

    def createInstance(self):
        return HeatMapCircleAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterPoint(self.CENTER, tr("Centre")))
        self.addParameter(QgsProcessingParameterNumber(self.RADIUS, tr("Radius (metres)"),
                                                       QgsProcessingParameterNumber.Double,
                                                       defaultValue=500.0, minValue=1.0))
        self.add_common_parameters()

    def fences(self, parameters, context, feedback, max_vertices):
        center = self.parameterAsPoint(parameters, self.CENTER, context)
        crs = self.parameterAsPointCrs(parameters, self.CENTER, context)
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        return [gis_fences.circle_fence(center, crs, radius, context.transformContext())]
