"""Processing algorithms ``crowdheat:heatmap`` (polygon layer) and ``crowdheat:heatmapcircle``.

Both are thin: feature shapes from the QGIS layer, ``core.heat_plan`` for the requests,
``gis.heat_run.run_plan`` (the one heat runner) to fetch them, ``gis.heat_layers`` to write
features as they come, style them and set the time. The dock calls the same functions.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterString,
    QgsProject,
    QgsProxyFeatureSink,
    QgsWkbTypes,
)
from qgis.PyQt import sip

from ..core import fence, shards
from ..core.coords import WGS84
from ..core.errors import CrowdHeatError
from ..core.heat_plan import plan_requests
from ..core.jike import CRS as HEAT_CRS
from ..gis import basemaps, heat_layers, output_systems, settings
from ..gis import fences as gis_fences
from ..gis.heat_run import plan_text, run_plan, summary_text
from ..i18n import tr
from .groups import (
    FOLLOW_BASEMAP,
    HeatGroupAlgorithm,
    OneShotPostProcessor,
    WrittenOutputs,
    basemap_of,
    basemap_parameter,
    coord_out_parameter,
    input_coords_parameter,
)


def _as_proxy(sink):
    """Processing's sinks are QgsProcessingFeatureSink (a QgsProxyFeatureSink) in every branch of
    QgsProcessingUtils.createFeatureSink, but SIP hands them to Python as plain QgsFeatureSink,
    hiding destinationSink(): the writer needs it to flush a PostGIS exporter's buffer."""
    return sip.cast(sink, QgsProxyFeatureSink) if sink is not None else None


def show_hourly(layer, uppers, time_range, project):
    """Style an hourly heat layer Processing loaded, and set the project's time (and, on the
    desktop, the Temporal Controller's) to ``time_range``."""
    heat_layers.style_hourly(layer, uppers)
    from qgis.utils import iface  # None under qgis_process

    heat_layers.show_in_time(time_range, project, iface)


class _LayerStyler(OneShotPostProcessor):
    """Styles an output layer once Processing has loaded it, and gathers both into one group.
    It keeps only what it needs (breaks, time range, names), not the run."""

    def __init__(self, kind, uppers, time_range, group_name, shared_group, names, base=None):
        super().__init__()
        self.base = base
        self.kind, self.uppers, self.time_range, self.group_name = kind, uppers, time_range, group_name
        self.shared_group, self.names = shared_group, names

    def process(self, layer, context, feedback):
        project = context.project() or QgsProject.instance()
        if self.base is not None:
            basemaps.see_through(layer)
        if self.kind == "hourly":
            layer.setName(self.names[0])
            show_hourly(layer, self.uppers, self.time_range, project)
            if self.base is not None:
                try:
                    basemaps.add_under(project, self.base)
                except CrowdHeatError as exc:
                    feedback.pushWarning(str(exc))
        else:
            layer.setName(self.names[1])
            heat_layers.style_cells(layer, self.uppers)
        group = self.shared_group.get("group")
        if group is None:
            group = self.shared_group["group"] = heat_layers.add_to_group(project, [], self.group_name)
        heat_layers.add_to_group(project, [layer], self.group_name, group=group)


class HeatAlgorithmBase(WrittenOutputs, HeatGroupAlgorithm):
    CELL_LEVEL = "CELL_LEVEL"
    INPUT_COORDS = "INPUT_COORDS"
    COORD_OUT = "COORD_OUT"
    BASEMAP = "BASEMAP"
    OUTPUT = "OUTPUT"
    OUTPUT_CELLS = "OUTPUT_CELLS"
    SHARD = "SHARD"

    def add_common_parameters(self):
        level = QgsProcessingParameterNumber(
            self.CELL_LEVEL,
            tr("S2 cell level (10–18; 0 lets the service choose)"),
            QgsProcessingParameterNumber.Integer,
            defaultValue=0,
            minValue=0,
            maxValue=fence.MAX_CELL_LEVEL,
        )
        self.addParameter(level)
        self.addParameter(input_coords_parameter(self.INPUT_COORDS))
        self.addParameter(coord_out_parameter(self.COORD_OUT, follows_basemap=True))
        self.addParameter(basemap_parameter(self.BASEMAP))
        for name, title in ((self.OUTPUT, tr("Hourly heat")), (self.OUTPUT_CELLS, tr("Cells"))):
            self.addParameter(QgsProcessingParameterFeatureSink(name, title, QgsProcessing.TypeVectorPolygon))

    def checkParameterValues(self, parameters, context):
        try:
            fence.check_cell_level(self.parameterAsInt(parameters, self.CELL_LEVEL, context))
        except CrowdHeatError as exc:
            return False, str(exc)
        return super().checkParameterValues(parameters, context)

    input_warnings = ()  # about the input as a whole, found by shapes()

    def input_numbers(self, parameters, context):
        """What the input's numbers are (INPUT_COORDS): its CRS's (WGS84 after reprojection), or GCJ-02/BD-09."""
        return output_systems.of_input_choice(self.parameterAsEnum(parameters, self.INPUT_COORDS, context))

    def shapes(self, parameters, context, feedback):
        """(FeatureShapes, skipped sentences) of the input."""
        raise NotImplementedError

    def make_plan(self, parameters, context, feedback, config):
        """The requests for the input, with what was repaired, skipped or noted said in the log."""
        level = self.parameterAsInt(parameters, self.CELL_LEVEL, context) or None
        try:
            shapes, skipped = self.shapes(parameters, context, feedback)
            for shape in shapes:
                for warning in shape.warnings:
                    feedback.pushWarning(warning)
            for reason in skipped:
                feedback.reportError(tr("Skipped: {0}").format(reason), fatalError=False)
            plan = plan_requests(shapes, level, config.max_vertices)
            plan.warnings.extend(self.input_warnings)
            for warning in plan.warnings:
                feedback.pushWarning(warning)
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(plan_text(plan, skipped))
        for note in plan.notes:
            feedback.pushInfo(note)
        if self.parameterDefinition(self.SHARD) is not None:
            try:
                plan, share = shards.take(
                    plan, shards.Shard.parse(self.parameterAsString(parameters, self.SHARD, context))
                )
            except CrowdHeatError as exc:
                raise QgsProcessingException(str(exc)) from None
            if not share.shard.whole:
                feedback.pushInfo(share.text())
        return plan

    def processAlgorithm(self, parameters, context, feedback):
        config = settings.jike_config()
        plan = self.make_plan(parameters, context, feedback, config)
        crs = QgsCoordinateReferenceSystem(HEAT_CRS)
        hourly_sink, hourly_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, heat_layers.hourly_fields(), QgsWkbTypes.Polygon, crs
        )
        cells_sink, cells_id = self.parameterAsSink(
            parameters, self.OUTPUT_CELLS, context, heat_layers.cell_fields(), QgsWkbTypes.Polygon, crs
        )
        output_system, base = self.output_system(parameters, context, feedback)
        writer = heat_layers.HeatWriter(_as_proxy(hourly_sink), _as_proxy(cells_sink), output_system)

        run = self.fetch(plan, writer, config, feedback)
        if run.cancelled or run.stopped_by:
            feedback.pushWarning(
                tr("Stopped early: the layers hold the {0} feature(s) received so far.").format(
                    len(run.fences_with_data)
                )
            )
        names = heat_layers.layer_names(output_system)
        outputs = self.attach_stylers(context, run, hourly_id, cells_id, names, writer, base)
        writer.hourly_sink = writer.cells_sink = None
        del hourly_sink, cells_sink  # closed: the files are complete, or say why not
        self.check_outputs(outputs, feedback)
        feedback.pushInfo(summary_text(run))
        return {
            self.OUTPUT: hourly_id,
            self.OUTPUT_CELLS: cells_id,
            "CELL_COUNT": writer.cells,
            "HOURLY_COUNT": writer.hourly,
            "FAILED_REQUESTS": len(run.failures),
            "REQUESTS": len(plan.requests),
            "SHARED_CELLS": run.shared_cells,
        }

    @staticmethod
    def feedback_callbacks(feedback):
        """(on_progress, report) of a heat run, told to Processing's feedback."""

        def progress(done, total, cells):
            feedback.setProgress(100.0 * done / max(1, total))
            feedback.setProgressText(tr("{0:,} / {1:,} requests, {2:,} cells").format(done, total, cells))

        def report(line, failure):
            if failure:
                feedback.reportError(line, fatalError=False)
            else:
                feedback.pushWarning(line)

        return progress, report

    @classmethod
    def fetch(cls, plan, writer, config, feedback):
        """The run (``gis.heat_run.run_plan``) told to Processing's feedback."""
        progress, report = cls.feedback_callbacks(feedback)
        try:
            return run_plan(plan, writer, config, feedback.isCanceled, progress, feedback.pushInfo, report)
        except CrowdHeatError as exc:  # nothing kept, or an output refused features
            raise QgsProcessingException(str(exc)) from None

    def output_system(self, parameters, context, feedback):
        """(the system the heat is written in, the basemap or None). A GCJ-02 basemap makes GCJ-02
        the output when COORD_OUT follows the basemap (its default) or is left out, and says so;
        another system asked for is a warning."""
        base = basemap_of(self.parameterAsString(parameters, self.BASEMAP, context))
        choice = self.parameterAsEnum(parameters, self.COORD_OUT, context)
        if choice == FOLLOW_BASEMAP or parameters.get(self.COORD_OUT) in (None, ""):
            system = base.system if base is not None else WGS84
            if system != WGS84:
                feedback.pushInfo(basemaps.followed(base))
            return system, base
        system = output_systems.of_choice(choice)
        if base is not None and base.system != system:
            feedback.pushWarning(basemaps.mismatch(base, system))
        return system, base

    def attach_stylers(self, context, run, hourly_id, cells_id, names, writer, base=None):
        """Style the layers Processing loads; returns the outputs to check and give a default style."""
        shared_group = {}
        range_, name = heat_layers.time_range(run), heat_layers.group_name(run)
        hourly_breaks, cell_breaks = heat_layers.hourly_breaks(run), heat_layers.cell_breaks(run)
        # Files keep their style as the default one (saved once the sinks are closed: check_outputs).
        outputs = [
            (hourly_id, lambda layer: heat_layers.style_hourly(layer, hourly_breaks), writer.hourly, "hourly heat"),
            (cells_id, lambda layer: heat_layers.style_cells(layer, cell_breaks), writer.cells, "cells"),
        ]
        for dest_id, kind, uppers in ((hourly_id, "hourly", hourly_breaks), (cells_id, "cells", cell_breaks)):
            if context.willLoadLayerOnCompletion(dest_id):
                styler = _LayerStyler(kind, uppers, range_, name, shared_group, names, base)
                styler.attach(context, dest_id)
        return outputs


class HeatMapAlgorithm(HeatAlgorithmBase):
    INPUT = "INPUT"

    def name(self):
        return "heatmap"

    def displayName(self):
        return tr("Crowd heat for polygons")

    def shortHelpString(self):
        return tr(
            "Fetches the last 10 days of hourly crowd heat from the Jike open platform for each "
            "polygon. Invalid polygons are repaired and unusable ones skipped with the reason. A polygon "
            "over the service's limits (about 800 km², the vertex limit) is cut into S2-aligned tiles; small "
            "polygons and parts near each other share a request; each polygon keeps exactly the cells that "
            "intersect it (holes excluded), once. Answers are cached: a rerun on the same day asks for "
            "nothing. Outputs one feature per polygon, S2 cell and day with hourly fields h00–h23, animated "
            "by the Temporal Controller, and one feature per polygon and cell with hourly means."
        )

    def createInstance(self):
        return HeatMapAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Polygon layer (selected features only is honoured)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.add_common_parameters()
        shard = QgsProcessingParameterString(
            self.SHARD,
            tr("Shard k/N: this machine's part of the plan (1/1: all of it)"),
            defaultValue="1/1",
            optional=True,
        )
        shard.setFlags(shard.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(shard)

    def shapes(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        if source.featureCount() == 0:
            raise fence.FenceError(
                tr(
                    "The input has no features (is 'selected features only' on with "
                    "nothing selected?). Select at least one polygon."
                )
            )
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        name = layer.name() if layer is not None else str(parameters.get(self.INPUT))
        crs, self.input_warnings = gis_fences.layer_crs(source.sourceCrs(), source.sourceExtent(), name)
        # Invalid geometries are ours to repair (as Fix Geometries does): Processing's own check
        # would stop the run at the first one, before any request.
        features = source.getFeatures(QgsFeatureRequest(), QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks)
        return gis_fences.feature_shapes(
            features,
            crs,
            context.transformContext(),
            feedback.isCanceled,
            label_of=gis_fences.display_labeller(layer) if layer is not None else None,
            numbers=self.input_numbers(parameters, context),
        )


class HeatMapCircleAlgorithm(HeatAlgorithmBase):
    CENTER = "CENTER"
    RADIUS = "RADIUS"

    def name(self):
        return "heatmapcircle"

    def displayName(self):
        return tr("Crowd heat for a circle")

    def shortHelpString(self):
        return tr(
            "Fetches the last 10 days of hourly crowd heat from the Jike open platform for a circle "
            "(centre point and radius in metres, at most 50 km). Same outputs as 'Crowd heat for polygons'."
        )

    def createInstance(self):
        return HeatMapCircleAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterPoint(self.CENTER, tr("Centre")))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.RADIUS,
                tr("Radius (metres)"),
                QgsProcessingParameterNumber.Double,
                defaultValue=500.0,
                minValue=1.0,
            )
        )
        self.add_common_parameters()

    def shapes(self, parameters, context, feedback):
        center = self.parameterAsPoint(parameters, self.CENTER, context)
        crs = self.parameterAsPointCrs(parameters, self.CENTER, context)
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        numbers = self.input_numbers(parameters, context)
        return [gis_fences.circle_shape(center, crs, radius, context.transformContext(), numbers=numbers)], []
