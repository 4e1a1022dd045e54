"""What the dock and Processing both say about a heat run, and where its answers are kept: one
place, so that the two doors never tell a different story."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsPointXY,
    QgsProject,
    QgsVectorLayerFeatureSource,
)

from ..core import coords
from ..core.config import Service
from ..core.errors import CancelledError, CrowdHeatError
from ..core.heat_cache import HeatCache
from ..core.heat_job import fetch_plan
from ..core.heat_plan import plan_requests
from ..core.jike import JikeClient
from ..i18n import tr
from . import fences, settings


def open_heat_cache(config, path=None):
    return HeatCache(path or config.cache_path or settings.default_cache_path(Service.JIKE))


def run_plan(
    plan, writer, config=None, is_cancelled=None, on_progress=None, log=None, report=None, network=None, cache=None
):
    """The one heat run, whichever door it came through (the dock, heatmap, heatmapcircle,
    heatarchive): the answers cache and a client made from ``config`` (the settings' by default),
    ``plan`` fetched into ``writer`` (``core.heat_job.fetch_plan``'s sink). Each failed request
    and what the answers held that was left out are told to ``report(line, failure)``. ``network``:
    the proxies and CAs (``settings.network_for``), read on the main thread by a task's caller.
    ``cache``: where answers are kept, when not the local answers cache (a PostgreSQL archive's
    shared ledger, closed by the caller).

    Returns the run (``HeatReport``). Raises CancelledError when it was cancelled before any cell
    came, and the error of a run that kept no cell (:func:`nothing_kept_error`)."""
    config = config or settings.jike_config()
    report = report or (lambda line, failure: None)
    local = cache is None
    cache = open_heat_cache(config) if local else cache
    try:
        with JikeClient(config, **(network or settings.network_for(config.base_url))) as client:
            run = fetch_plan(
                client,
                plan,
                writer,
                cache=cache,
                is_cancelled=is_cancelled,
                on_progress=on_progress,
                log=log,
                concurrency=config.concurrency,
            )
    finally:
        if local:
            cache.close()
    for what, error in run.failures:
        report(f"{what}: {error}", True)
    for line in problem_lines(run):
        report(line, False)
    if not run.cells:
        if run.cancelled:
            raise CancelledError(tr("Cancelled before any heat was received."))
        raise nothing_kept_error(run)
    return run


class PlanJob:
    """The dock's heat plan, taken apart: made on the UI thread from what is cheap to read (the
    selected ids, a thread-safe copy of the layer's source, the circle's numbers); :meth:`run`
    in a task reprojects, repairs and simplifies every fence and plans the requests (a district
    of 100,000 vertices takes seconds)."""

    def __init__(self, level, max_vertices, layer=None, circle=None, numbers=coords.WGS84):
        self.level, self.max_vertices = level, max_vertices
        self.circle = circle  # (lng, lat, radius_m), in ``numbers``
        self.numbers = numbers  # what the layer's (or the circle's) numbers are: see gis/fences.py
        if layer is not None:
            self.source = QgsVectorLayerFeatureSource(layer)
            self.fids = layer.selectedFeatureIds()
            self.crs, self.extent, self.name = layer.crs(), layer.extent(), layer.name()
            self.label_of = fences.display_labeller(layer)
        self.context = QgsProject.instance().transformContext()

    def run(self, is_cancelled=None):
        """(plan, skipped sentences); raises the fence and plan errors (CrowdHeatError)."""
        skipped, warnings = [], []
        if self.circle is not None:
            lng, lat, radius_m = self.circle
            wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
            shapes = [fences.circle_shape(QgsPointXY(lng, lat), wgs84, radius_m, self.context, numbers=self.numbers)]
        else:
            crs, warnings = fences.layer_crs(self.crs, self.extent, self.name)
            features = self.source.getFeatures(QgsFeatureRequest().setFilterFids(self.fids))
            shapes, skipped = fences.feature_shapes(
                features, crs, self.context, is_cancelled, self.label_of, numbers=self.numbers
            )
        plan = plan_requests(shapes, self.level, self.max_vertices)
        plan.warnings.extend(warnings)
        return plan, skipped


def plan_text(plan, skipped=()):
    """What a run will do, before anything is sent."""
    features = plan.features.values()
    area = sum(f.area_m2 for f in features) / 1e6
    tiled = len(plan.tiled_features())
    text = tr("{0:,} feature(s), {1:,.1f} km²: {2:,} request(s)").format(len(plan.features), area, len(plan.requests))
    if tiled:
        text += tr(", {0:,} feature(s) cut into S2 tiles").format(tiled)
    cells = plan.expected_cells()
    if cells:
        text += tr(", about {0:,} cells at level {1}").format(cells, plan.level)
    repaired = sum(1 for f in features if f.warnings)
    if repaired:
        text += tr(", {0:,} repaired").format(repaired)
    if skipped:
        text += tr("; {0} feature(s) skipped: {1}").format(len(skipped), " ".join(skipped))
    return " ".join([text + "."] + plan.warnings)


def summary_text(run):
    """What a run did."""
    dates = run.date_range()
    text = tr(
        "{0:,} cells, {1:,} cell-days, total heat {2:,}, {3} – {4}; {5:,} of {6:,} requests answered "
        "({7:,} from the cache), {8:.1f} s"
    ).format(
        run.cells,
        run.cell_days,
        run.total_heat(),
        dates[0] if dates else "-",
        dates[1] if dates else "-",
        run.requests_done,
        len(run.plan.requests),
        run.cache_hits,
        run.seconds,
    )
    if run.shared_cells:
        text += tr("; {0:,} cells belong to two features or more: do not sum heat across features").format(
            run.shared_cells
        )
    if run.cache_problem:
        text += tr("; answers NOT cached: {0}").format(run.cache_problem)
    return text


PROBLEMS_SHOWN = 20  # in a log or a message; the rest are counted


def problem_lines(run, limit=PROBLEMS_SHOWN):
    """What a run left out of its answers and why, a line each (the first ``limit``, then a count)."""
    lines = [tr("Left out: {0}").format(problem) for problem in run.problems[:limit]]
    if len(run.problems) > limit:
        lines.append(tr("… and {0:,} more left out").format(len(run.problems) - limit))
    return lines


def nothing_kept_error(run):
    """The error of a run that kept no cell: what stopped it, else its first failure, else what its
    answers held and why none of it was kept."""
    if run.stopped_by is not None:
        return run.stopped_by
    if run.failures:
        return run.failures[0][1]
    if run.problems:
        return CrowdHeatError(
            tr("No cell was kept: the service answered, but every cell was left out ({0:,} problem(s)): {1}").format(
                len(run.problems), "; ".join(run.problems[:3])
            )
        )
    return CrowdHeatError(tr("No cell was returned."))
