"""Heat fetched for the core's tests: one request's parsed answer, and a whole run whose cells are
collected in memory (the plugin itself writes each answer into layers as it comes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from crowdheat.plugin.core.fence import Fence
from crowdheat.plugin.core.heat_cache import HeatCache
from crowdheat.plugin.core.heat_job import DEFAULT_CONCURRENCY, HeatReport, fetch_plan, shapes_of_fences
from crowdheat.plugin.core.heat_plan import plan_requests
from crowdheat.plugin.core.jike import JikeClient


def heat_map(client, fence, cell_level=None, is_cancelled=None, on_progress=None):
    """The HeatData of one request for ``fence``."""
    return client.parse(client.fetch_heat_bytes(fence, cell_level, is_cancelled, on_progress), fence, cell_level)


def fetch_heat(
    client: JikeClient,
    fences: Iterable[Fence],
    cell_level: int | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    log: Callable[[str], None] | None = None,
    cache: HeatCache | None = None,
    max_vertices: int = 1000,
    today: dt.date | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> HeatReport:
    """Plan and fetch ``fences``, collecting every feature's cells in ``run.results`` (in memory)."""
    plan = plan_requests(shapes_of_fences(fences), cell_level, max_vertices)
    results: list = []

    def fraction(done, total, cells):
        if on_progress:
            on_progress(done / max(1, total))

    run = fetch_plan(
        client,
        plan,
        results.append,
        cache=cache,
        is_cancelled=is_cancelled,
        on_progress=fraction,
        log=log,
        today=today,
        concurrency=concurrency,
    )
    run.results = results
    return run
