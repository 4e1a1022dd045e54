"""Processing algorithm ``crowdheat:geolocatescans``: a CSV of scans → one point per scan."""

import dataclasses

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsLayerMetadata,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ..core import scan_formats
from ..core.errors import CrowdHeatError
from ..gis import output_systems, scan_layers, settings
from ..gis.scan_layers import layer_title
from ..gis.scan_run import geolocate_file, layer_abstract, open_cache, progress_text, summary_text
from ..i18n import tr
from .groups import OneShotPostProcessor, ScanGroupAlgorithm, StyleOnLoad, WrittenOutputs, coord_out_parameter

# Outputs a spreadsheet opens: there, a text such as "=cmd|..." would be run as a formula.
SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods")
SHAPES = ["auto", scan_formats.SHAPE_BAIDU, scan_formats.SHAPE_SPLIT, scan_formats.SHAPE_OBSERVATIONS]


def parse_mapping(text):
    """'role=column; role=column' → dict (the explicit mapping overrides the guess)."""
    mapping = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise scan_formats.ScanFileError(
                f"Mapping entry {part.strip()!r} is not role=column (roles: {', '.join(scan_formats.ROLES)})."
            )
        role, column = part.split("=", 1)
        mapping[role.strip()] = column.strip()
    return mapping


class _ScanLayerStyler(OneShotPostProcessor):
    def __init__(self, name, abstract):
        super().__init__()
        self.name, self.abstract = name, abstract

    def process(self, layer, context, feedback):
        layer.setName(self.name)
        scan_layers.style_scans(layer)
        metadata = layer.metadata() if isinstance(layer.metadata(), QgsLayerMetadata) else QgsLayerMetadata()
        metadata.setAbstract(self.abstract)
        layer.setMetadata(metadata)


class GeolocateScansAlgorithm(WrittenOutputs, ScanGroupAlgorithm):
    INPUT, ENCODING, DELIMITER, SHAPE, MAPPING = "INPUT", "ENCODING", "DELIMITER", "SHAPE", "MAPPING"
    HEADER, WINDOW, DISTANCE = "HEADER", "WINDOW", "DISTANCE"
    COORD_OUT, BATCH_SIZE, RATE, CACHE = "COORD_OUT", "BATCH_SIZE", "RATE", "CACHE"
    OUTPUT, OUTPUT_CIRCLES, OUTPUT_LINES = "OUTPUT", "OUTPUT_CIRCLES", "OUTPUT_LINES"

    def name(self):
        return "geolocatescans"

    def displayName(self):
        return tr("Geolocate WiFi / cell-tower scans")

    def shortHelpString(self):
        return tr(
            "Reads a CSV of WiFi / cell-tower scans (Baidu-style columns, split cell columns, or one row "
            "per observation such as WiGLE), geolocates every scan with Baidu's hardware positioning API "
            "and writes one point per scan, in input order, with status ok / not_found / invalid / error. "
            "Answers are cached, so a rerun spends no quota on scans already answered."
        )

    def createInstance(self):
        return GeolocateScansAlgorithm()

    def initAlgorithm(self, config=None):
        for parameter in self.reading_parameters() + self.run_parameters() + self.output_parameters():
            self.addParameter(parameter)

    def reading_parameters(self):
        """How the file is read (each empty or -1: guessed, or the settings')."""
        return [
            QgsProcessingParameterFile(
                self.INPUT, tr("Scan file (CSV)"), fileFilter="CSV (*.csv *.txt *.tsv);;All files (*)"
            ),
            QgsProcessingParameterString(self.ENCODING, tr("Encoding (empty: detect)"), optional=True),
            QgsProcessingParameterString(self.DELIMITER, tr("Delimiter (empty: detect)"), optional=True),
            QgsProcessingParameterEnum(
                self.HEADER,
                tr("Header row"),
                [tr("Detect"), tr("Yes: the first row names the columns"), tr("No: the columns are col1, col2, …")],
                defaultValue=0,
            ),
            QgsProcessingParameterEnum(self.SHAPE, tr("File shape"), SHAPES, defaultValue=0),
            QgsProcessingParameterString(
                self.MAPPING, tr("Column mapping, overrides the guess (role=column; …)"), optional=True
            ),
            QgsProcessingParameterNumber(
                self.WINDOW,
                tr("Rows of one AP each: one scan within seconds of its first row (-1: setting)"),
                QgsProcessingParameterNumber.Double,
                -1.0,
                minValue=-1.0,
            ),
            QgsProcessingParameterNumber(
                self.DISTANCE,
                tr("… and within metres of its first position (-1: setting)"),
                QgsProcessingParameterNumber.Double,
                -1.0,
                minValue=-1.0,
            ),
        ]

    def run_parameters(self):
        """The output's coordinates, and this run's batch size, rate and cache (0 or empty: the settings')."""
        return [
            coord_out_parameter(self.COORD_OUT),
            QgsProcessingParameterNumber(
                self.BATCH_SIZE,
                tr("Scans per request (0: setting)"),
                QgsProcessingParameterNumber.Integer,
                0,
                minValue=0,
                maxValue=10,
            ),
            QgsProcessingParameterNumber(
                self.RATE,
                tr("Requests per second (0: setting)"),
                QgsProcessingParameterNumber.Double,
                0.0,
                minValue=0.0,
            ),
            QgsProcessingParameterString(self.CACHE, tr("Cache file (empty: the QGIS profile's)"), optional=True),
        ]

    def output_parameters(self):
        return [
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Located scans"), QgsProcessing.TypeVectorPoint),
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_CIRCLES,
                tr("Accuracy circles"),
                QgsProcessing.TypeVectorPolygon,
                optional=True,
                createByDefault=False,
            ),
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_LINES,
                tr("Error lines (the file's position to the service's, where the file has one)"),
                QgsProcessing.TypeVectorLine,
                optional=True,
                createByDefault=False,
            ),
        ]

    def processAlgorithm(self, parameters, context, feedback):
        path = self.parameterAsFile(parameters, self.INPUT, context)
        output_system = output_systems.of_choice(self.parameterAsEnum(parameters, self.COORD_OUT, context))
        config = self.run_config(parameters, context)
        fmt = self.file_format(path, parameters, context, config, feedback)
        crs = QgsCoordinateReferenceSystem("EPSG:4326")
        ids = {}

        def make_sinks(fields, circle_fields, line_fields):
            sink, ids["points"] = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.Point, crs)
            circles, ids["circles"] = self.parameterAsSink(
                parameters, self.OUTPUT_CIRCLES, context, circle_fields, QgsWkbTypes.Polygon, crs
            )
            lines, ids["lines"] = self.parameterAsSink(
                parameters, self.OUTPUT_LINES, context, line_fields, QgsWkbTypes.LineString, crs
            )
            return sink, circles, lines

        def progress(done, total, rate, eta):
            feedback.setProgress(100.0 * done / total)
            feedback.setProgressText(progress_text(done, total, rate, eta))

        destination = self.parameterAsOutputLayer(parameters, self.OUTPUT, context) or ""
        spreadsheet = destination.split("|")[0].lower().endswith(SPREADSHEET_SUFFIXES)
        cache = open_cache(config, self.parameterAsString(parameters, self.CACHE, context))
        try:
            done = geolocate_file(
                path,
                fmt,
                config,
                output_system,
                make_sinks,
                cache,
                is_cancelled=feedback.isCanceled,
                on_progress=progress,
                log=feedback.pushInfo,
                warn=feedback.pushWarning,
                spreadsheet=spreadsheet,
            )
        except CrowdHeatError as exc:  # the file went away mid-run, an output refused features
            raise QgsProcessingException(str(exc)) from None
        finally:
            cache.close()
        self.say_summary(done, feedback)
        self.finish_outputs(
            done, ids, context, feedback, layer_title(output_system), layer_abstract(path, output_system)
        )
        return self.scan_results(done.stats, ids)

    def run_config(self, parameters, context):
        """The Baidu settings, with this run's batch size and rate when given (0: the settings')."""
        overrides = {}
        if self.parameterAsInt(parameters, self.BATCH_SIZE, context):
            overrides["batch_size"] = self.parameterAsInt(parameters, self.BATCH_SIZE, context)
        if self.parameterAsDouble(parameters, self.RATE, context):
            overrides["rate"] = self.parameterAsDouble(parameters, self.RATE, context)
        return dataclasses.replace(settings.baidu_config(), **overrides)

    def file_format(self, path, parameters, context, config, feedback):
        """How the file is read: guessed, with what the parameters say over the guess; said in the log."""
        shape = SHAPES[self.parameterAsEnum(parameters, self.SHAPE, context)]
        window = self.parameterAsDouble(parameters, self.WINDOW, context)
        distance = self.parameterAsDouble(parameters, self.DISTANCE, context)
        try:
            fmt = scan_formats.sniff(
                path,
                mapping=parse_mapping(self.parameterAsString(parameters, self.MAPPING, context)),
                shape=None if shape == "auto" else shape,
                encoding=self.parameterAsString(parameters, self.ENCODING, context) or None,
                delimiter=self.parameterAsString(parameters, self.DELIMITER, context) or None,
                header=scan_formats.HEADER_CHOICES[self.parameterAsEnum(parameters, self.HEADER, context)],
                window_s=config.scan_window_s if window < 0 else window,
                distance_m=config.scan_distance_m if distance < 0 else distance,
            )
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None
        columns = ", ".join(f"{r}={c}" for r, c in fmt.mapping.items())
        feedback.pushInfo(tr("Read as {0}. Columns: {1}.").format(fmt.describe(), columns))
        if fmt.why:
            feedback.pushInfo(tr("How: {0}.").format(fmt.why))
        for warning in fmt.warnings:
            feedback.pushWarning(warning)
        return fmt

    @staticmethod
    def say_summary(done, feedback):
        feedback.pushInfo(summary_text(done.stats))
        if done.quality_text():
            feedback.pushInfo(done.quality_text())
        if done.quality_warning():
            feedback.pushWarning(done.quality_warning())
        if done.stats.stopped_by is not None:
            feedback.reportError(str(done.stats.stopped_by), fatalError=False)

    def finish_outputs(self, done, ids, context, feedback, title, abstract):
        """Each output checked against what was written, and styled when Processing loads it."""
        points, circles, lines = ids["points"], ids.get("circles"), ids.get("lines")
        if context.willLoadLayerOnCompletion(points):
            _ScanLayerStyler(title, abstract).attach(context, points)
        outputs = [(points, scan_layers.style_scans, done.stats.scans, "located scans")]
        for dest, style, written, what in (
            (circles, scan_layers.style_circles, done.writer.circles_written, "accuracy circles"),
            (lines, scan_layers.style_error_lines, done.writer.lines_written, "error lines"),
        ):
            if not dest:
                continue
            outputs.append((dest, style, written, what))
            if context.willLoadLayerOnCompletion(dest):
                StyleOnLoad(lambda layer, project, style=style: style(layer)).attach(context, dest)
        self.check_outputs(outputs, feedback)

    def scan_results(self, stats, ids):
        results = {
            self.OUTPUT: ids["points"],
            "SCANS": stats.scans,
            "REQUESTS": stats.requests,
            "CACHE_HITS": stats.cache_hits,
            "STOPPED": str(stats.stopped_by or ""),
        }
        for status, count in stats.counts.items():
            results[status.upper()] = count
        for key, dest in ((self.OUTPUT_CIRCLES, ids.get("circles")), (self.OUTPUT_LINES, ids.get("lines"))):
            if dest:
                results[key] = dest
        return results
