"""What the dock and Processing both say about a heat run, and where its answers are kept: one
place, so that the two doors never tell a different story."""

from ..core.heat_cache import HeatCache
from ..i18n import tr
from . import settings


def open_heat_cache(config, path=None):
    return HeatCache(path or config.cache_path or settings.default_cache_path("jike"))


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
    return text + "."


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
