"""Processing algorithm ``crowdheat:geolocatescans``: a CSV of scans → one point per scan."""

import dataclasses
import math

from qgis.core import (QgsCoordinateReferenceSystem, QgsLayerMetadata, QgsProcessing, QgsProcessingAlgorithm,
                       QgsProcessingException, QgsProcessingLayerPostProcessorInterface,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSink, QgsProcessingParameterFile,
                       QgsProcessingParameterNumber, QgsProcessingParameterString, QgsWkbTypes)
from qgis.PyQt.QtCore import QCoreApplication

from ..core import scans as scan_files
from ..core.baidu import BaiduClient
from ..core.errors import CrowdHeatError
from ..core.scan_cache import ScanCache
from ..core.scan_job import ScanRunStats, geolocate
from ..gis import settings
from ..gis.scan_layers import (OUTPUT_SYSTEMS, SYSTEM_LABELS, ScanWriter, circle_fields, layer_title,
                               output_columns)
from .icons import provider_icon

_ALIVE = []
SHAPES = ["auto", scan_files.SHAPE_BAIDU, scan_files.SHAPE_SPLIT, scan_files.SHAPE_OBSERVATIONS]


def tr(text):
    return QCoreApplication.translate("CrowdHeat", text)


def parse_mapping(text):
    """'role=column; role=column' → dict (the explicit mapping overrides the guess)."""
    mapping = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise scan_files.ScanFileError(f"Mapping entry {part.strip()!r} is not role=column "
                                           f"(roles: {', '.join(scan_files.ROLES)}).")
        role, column = part.split("=", 1)
        mapping[role.strip()] = column.strip()
    return mapping


def plan(path, fmt, cache, coor, batch_size):
    """Counts before anything is sent: scans, valid, invalid, cached, requests (quota) to spend."""
    total = invalid = cached = 0
    for scan in scan_files.read_scans(path, fmt):
        total += 1
        if scan.invalid:
            invalid += 1
        elif cache is not None and cache.get(scan_files.scan_key(scan.body), coor) is not None:
            cached += 1
    to_send = total - invalid - cached
    return {"scans": total, "valid": total - invalid, "invalid": invalid, "cached": cached,
            "requests": math.ceil(to_send / batch_size) if to_send else 0}


class _ScanLayerStyler(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, name, abstract):
        super().__init__()
        self.name, self.abstract = name, abstract

    def postProcessLayer(self, layer, context, feedback):
        layer.setName(self.name)
        metadata = layer.metadata() if isinstance(layer.metadata(), QgsLayerMetadata) else QgsLayerMetadata()
        metadata.setAbstract(self.abstract)
        layer.setMetadata(metadata)


class GeolocateScansAlgorithm(QgsProcessingAlgorithm):
    INPUT, ENCODING, DELIMITER, SHAPE, MAPPING = "INPUT", "ENCODING", "DELIMITER", "SHAPE", "MAPPING"
    COORD_OUT, BATCH_SIZE, RATE, CACHE = "COORD_OUT", "BATCH_SIZE", "RATE", "CACHE"
    OUTPUT, OUTPUT_CIRCLES = "OUTPUT", "OUTPUT_CIRCLES"

    def name(self):
        return "geolocatescans"

    def displayName(self):
        return tr("Geolocate WiFi / cell-tower scans")

    def group(self):
        return tr("Scan positioning (Baidu)")

    def groupId(self):
        return "scans"

    def icon(self):
        return provider_icon()

    def shortHelpString(self):
        return tr("Reads a CSV of WiFi / cell-tower scans (Baidu-style columns, split cell columns, or one row "
                  "per observation such as WiGLE), geolocates every scan with Baidu's hardware positioning API "
                  "and writes one point per scan, in input order, with status ok / not_found / invalid / error. "
                  "Answers are cached, so a rerun spends no quota on scans already answered.")

    def createInstance(self):
        return GeolocateScansAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile(self.INPUT, tr("Scan file (CSV)"),
                                                     fileFilter="CSV (*.csv *.txt *.tsv);;All files (*)"))
        self.addParameter(QgsProcessingParameterString(self.ENCODING, tr("Encoding (empty: detect)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString(self.DELIMITER, tr("Delimiter (empty: detect)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterEnum(self.SHAPE, tr("File shape"), SHAPES, defaultValue=0))
        self.addParameter(QgsProcessingParameterString(
            self.MAPPING, tr("Column mapping, overrides the guess (role=column; …)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.COORD_OUT, tr("Output coordinates"),
            [tr("WGS84"), tr("GCJ-02 (for Amap/Tencent basemaps)"), tr("BD-09 (for Baidu basemaps)")],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(self.BATCH_SIZE, tr("Scans per request (0: setting)"),
                                                       QgsProcessingParameterNumber.Integer, 0, minValue=0,
                                                       maxValue=10))
        self.addParameter(QgsProcessingParameterNumber(self.RATE, tr("Requests per second (0: setting)"),
                                                       QgsProcessingParameterNumber.Double, 0.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterString(self.CACHE, tr("Cache file (empty: the QGIS profile's)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Located scans"),
                                                            QgsProcessing.TypeVectorPoint))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_CIRCLES, tr("Accuracy circles"),
                                                            QgsProcessing.TypeVectorPolygon, optional=True,
                                                            createByDefault=False))

    def processAlgorithm(self, parameters, context, feedback):
        path = self.parameterAsFile(parameters, self.INPUT, context)
        output_system = OUTPUT_SYSTEMS[self.parameterAsEnum(parameters, self.COORD_OUT, context)]
        config = settings.baidu_config()
        overrides = {}
        if self.parameterAsInt(parameters, self.BATCH_SIZE, context):
            overrides["batch_size"] = self.parameterAsInt(parameters, self.BATCH_SIZE, context)
        if self.parameterAsDouble(parameters, self.RATE, context):
            overrides["rate"] = self.parameterAsDouble(parameters, self.RATE, context)
        config = dataclasses.replace(config, **overrides)
        shape = SHAPES[self.parameterAsEnum(parameters, self.SHAPE, context)]
        try:
            fmt = scan_files.sniff(path, parse_mapping(self.parameterAsString(parameters, self.MAPPING, context)),
                                   None if shape == "auto" else shape,
                                   self.parameterAsString(parameters, self.ENCODING, context) or None,
                                   self.parameterAsString(parameters, self.DELIMITER, context) or None)
            client = BaiduClient(config, proxies=settings.proxies_for(config.base_url))
        except (CrowdHeatError, scan_files.ScanFileError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(tr("Read as {0}. Columns: {1}.").format(
            fmt.describe(), ", ".join(f"{r}={c}" for r, c in fmt.mapping.items())))

        cache_path = self.parameterAsString(parameters, self.CACHE, context) or config.cache_path \
            or settings.default_cache_path()
        cache = ScanCache(cache_path)
        try:
            numbers = plan(path, fmt, cache, config.coor, config.batch_size)
            feedback.pushInfo(tr("{scans} scans: {valid} valid, {invalid} invalid, {cached} already answered "
                                 "(cache); about {requests} requests will be spent.").format(**numbers))
            with_truth = "lng" in fmt.mapping and "lat" in fmt.mapping
            writer_fields = output_columns(fmt.header, with_truth)[0]
            crs = QgsCoordinateReferenceSystem("EPSG:4326")
            sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, writer_fields,
                                                 QgsWkbTypes.Point, crs)
            circles, circles_id = self.parameterAsSink(parameters, self.OUTPUT_CIRCLES, context, circle_fields(),
                                                       QgsWkbTypes.Polygon, crs)
            writer = ScanWriter(fmt.header, sink, output_system, with_truth, circles)
            for original, renamed in writer.renames.items():
                feedback.pushWarning(tr("Input column '{0}' is kept as '{1}': '{0}' is an output field.")
                                     .format(original, renamed))
            stats = ScanRunStats()
            total = max(1, numbers["scans"])

            def progress(done):
                feedback.setProgress(100.0 * done / total)
                rate = done / stats.seconds if stats.seconds > 0 else 0
                eta = (total - done) / rate if rate else 0
                feedback.setProgressText(tr("{0} / {1} scans, {2:.0f} scans/s, ETA {3:.0f} s")
                                         .format(done, total, rate, eta))

            try:
                for outcome in geolocate(scan_files.read_scans(path, fmt), client, cache,
                                         is_cancelled=feedback.isCanceled, on_progress=progress,
                                         log=feedback.pushWarning, stats=stats):
                    writer.add(outcome, config.coor)
                writer.flush()
            except RuntimeError as exc:
                raise QgsProcessingException(str(exc)) from None
        finally:
            cache.close()
        feedback.pushInfo(stats.summary())
        quality = writer.quality()
        if quality:
            feedback.pushInfo(tr("Positioning error against the file's ground truth: median {0:.0f} m, "
                                 "90th percentile {1:.0f} m ({2} scans).").format(quality[0], quality[1],
                                                                                 len(writer.distances)))
        if stats.stopped_by is not None:
            feedback.reportError(str(stats.stopped_by), fatalError=False)
        if context.willLoadLayerOnCompletion(dest_id):
            abstract = (f"Scans of {path} located by Baidu's hardware positioning API. Coordinates: "
                        f"{SYSTEM_LABELS[output_system]} (labelled EPSG:4326; GCJ-02 and BD-09 have no EPSG code).")
            styler = _ScanLayerStyler(layer_title(output_system), abstract)
            _ALIVE.append(styler)
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(styler)
        results = {self.OUTPUT: dest_id, "SCANS": stats.scans, "REQUESTS": stats.requests,
                   "CACHE_HITS": stats.cache_hits, "STOPPED": str(stats.stopped_by or "")}
        for status, count in stats.counts.items():
            results[status.upper()] = count
        if circles_id:
            results[self.OUTPUT_CIRCLES] = circles_id
        return results
