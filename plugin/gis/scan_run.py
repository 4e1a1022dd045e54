"""The one way to geolocate a scan file into sinks; the Processing algorithm and the dock's task
both call :func:`geolocate_file` and differ only in where the features go."""

from dataclasses import dataclass, replace

from ..core import scans
from ..core.baidu import BaiduClient, file_device_id
from ..core.coords import SYSTEM_LABELS
from ..core.scan_cache import ScanCache
from ..core.scan_job import STATUSES, ScanReport, geolocate, plan
from ..i18n import tr
from . import settings
from .scan_layers import ScanWriter, circle_fields, line_fields, output_columns


def open_cache(config, path=None):
    return ScanCache(path or config.cache_path or settings.default_cache_path())


def plan_text(numbers):
    """What a run will do, before anything is sent (dock and Processing log say the same)."""
    return tr(
        "{0:,} scans — {1:,} valid, {2:,} invalid, {3:,} already answered (cache). "
        "The run will spend about {4:,} requests of quota."
    ).format(numbers["scans"], numbers["valid"], numbers["invalid"], numbers["cached"], numbers["requests"])


def progress_text(done, total, rate, eta_s):
    return tr("{0:,} / {1:,} scans, {2:.0f} scans/s, ETA {3:.0f} s").format(done, total, rate, eta_s)


def summary_text(stats):
    """What a run did. Status names stay English: they are the values of the layer's status field."""
    counts = ", ".join(f"{stats.counts.get(status, 0):,} {status}" for status in STATUSES)
    text = tr(
        "{0:,} scans: {1}; {2:,} requests sent (quota), {3:,} cache hits, {4:,} repeats not sent again, {5:.1f} s"
    ).format(stats.scans, counts, stats.requests, stats.cache_hits, stats.repeats, stats.seconds)
    if stats.shared:
        text += tr("; {0:,} of the cache hits were asked by another run on the same cache meanwhile").format(
            stats.shared
        )
    if stats.cache_problem:
        text += tr("; answers NOT cached: {0}").format(stats.cache_problem)
    if stats.stopped_by is not None:
        text += tr("; stopped: {0}").format(stats.stopped_by)
    elif stats.cancelled:
        text += tr("; cancelled (unsent scans are marked error)")
    return text


def layer_abstract(path, output_system):
    return (
        f"Scans of {path} located by Baidu's hardware positioning API. Coordinates: "
        f"{SYSTEM_LABELS[output_system]} (labelled EPSG:4326; GCJ-02 and BD-09 have no EPSG code)."
    )


# Beyond this median distance to the file's GPS, the GPS columns are suspect: cell positioning in
# the countryside is off by a few km at worst.
IMPLAUSIBLE_MEDIAN_ERROR_M = 5000.0


@dataclass
class ScanFileReport:
    """A scan file's run as the doors show it: the core's ScanReport, the positioning error
    against the file's ground truth (from the writer), the plan's numbers and the columns used."""

    stats: ScanReport
    writer: ScanWriter
    numbers: dict
    mapping: dict

    def quality_text(self):
        quality = self.writer.quality()
        if not quality:
            return ""
        return tr(
            "Positioning error against the file's ground truth: median {0:,.0f} m, "
            "90th percentile {1:,.0f} m ({2:,} scans)."
        ).format(quality[0], quality[1], len(self.writer.distances))

    def quality_warning(self):
        """A warning when the file's GPS cannot be what it seems, or ''."""
        quality = self.writer.quality()
        if not quality or quality[0] <= IMPLAUSIBLE_MEDIAN_ERROR_M:
            return ""
        lng, lat = self.mapping.get("lng", "?"), self.mapping.get("lat", "?")
        return tr(
            "The median distance to the file's own GPS is {0:,.0f} km: positioning is never that far off, so "
            "the GPS columns are probably not what they seem. Check that '{1}' holds longitudes and '{2}' "
            "latitudes (not swapped), in degrees of WGS84 (not GCJ-02/BD-09 numbers or projected metres); "
            "change the mapping of lng/lat if not."
        ).format(quality[0] / 1000, lng, lat)


def geolocate_file(
    path,
    fmt,
    config,
    output_system,
    make_sinks,
    cache,
    is_cancelled=None,
    on_progress=None,
    log=None,
    warn=None,
    spreadsheet=False,
):
    """Plan, then geolocate every scan of ``path`` into the sinks ``make_sinks(fields, circle_fields,
    line_fields)`` returns as (points, circles or None, error lines or None; lines are made only
    when the file has its own positions). ``on_progress(done, total, rate, eta_s)``. ``spreadsheet``:
    the output is a CSV/XLSX/ODS file, where formula-like texts must be defused."""
    log = log or (lambda message: None)
    warn = warn or log
    config = replace(config, device_id=config.device_id or file_device_id(path))
    client = BaiduClient(config, **settings.network_for(config.base_url))  # a missing AK stops here
    numbers = plan(
        scans.read_scans(path, fmt), cache, config.coor, config.batch_size, unknown_signal=config.unknown_signal
    )
    log(plan_text(numbers))
    with_truth = "lng" in fmt.mapping and "lat" in fmt.mapping
    points, circles, lines = make_sinks(output_columns(fmt.header, with_truth)[0], circle_fields(), line_fields())
    writer = ScanWriter(
        fmt.header, points, output_system, with_truth, circles, spreadsheet=spreadsheet, lines_sink=lines
    )
    for original, renamed in writer.renames.items():
        log(
            f"Input column '{original}' is kept as '{renamed}': the output has a field of that name "
            "(field names are case-insensitive)."
        )
    stats = ScanReport()
    total = max(1, numbers["scans"])

    def progress(done):
        if on_progress:
            rate = done / stats.seconds if stats.seconds > 0 else 0.0
            on_progress(done, total, rate, (total - done) / rate if rate else 0.0)

    with client:  # no request is sent before the loop: only it holds connections
        read = scans.read_scans(path, fmt, on_skipped=warn)
        for outcome in geolocate(
            read, client, cache, is_cancelled=is_cancelled, on_progress=progress, log=warn, stats=stats
        ):
            writer.add(outcome, config.coor)
    writer.close()
    del points, circles, lines
    return ScanFileReport(stats, writer, numbers, dict(fmt.mapping))
