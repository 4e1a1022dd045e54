"""The one way to fetch heat for a plan of requests; Processing and the dock both call it.

Answers stream: a few requests are in flight at a time; each answer, in plan order, is parsed,
stored in the answers cache, split among the features it serves (each keeps the cells of its
real geometry and tile), freed of cells the feature already has, and handed to ``sink`` — so
memory depends on the largest answer, not on the run. A request that fails is recorded and the
others go on; an error that would repeat for every request (token refused, no network) or a
cancel stops the run, and what arrived is kept (answers already on their way are still read).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import collector, coords
from .errors import AuthError, CancelledError, ConfigurationError, CrowdHeatError, EmptyResultError, NetworkError
from .fence import Fence
from .heat_answer import HeatData
from .heat_plan import FeatureShape, HeatPlan, HeatRequest, circle_feature, member_cells
from .shapely_lib import MultiPolygon, Polygon

if TYPE_CHECKING:  # for the annotations only
    from .heat_cache import HeatCache
    from .jike import JikeClient

SAMPLE_SIZE = 200_000
DEFAULT_CONCURRENCY = 2


class Sample:
    """A uniform random sample of at most ``size`` values, however many are added (for classes).

    Each batch gives the sample as many of its values as a draw of ``size`` from everything seen
    would (a hypergeometric count), picked at random; the same number of old ones make room.
    Nothing is made per value of the batch: a batch of 12 million hours (one answer of 50,000
    cells × 10 days) once cost 400 MB of keys and float copies."""

    def __init__(self, size=SAMPLE_SIZE, seed=0):
        self.size = size
        self._rng = np.random.default_rng(seed)
        self.values = np.empty(0, dtype=np.float64)
        self.seen = 0

    def add(self, values):
        values = np.asarray(values).reshape(-1)  # a view where it can be
        count = values.size
        if not count:
            return
        room = self.size - self.values.size
        if count <= room:
            taken, kept = count, self.values.size
        else:
            taken = int(self._rng.hypergeometric(count, self.seen, self.size)) if self.seen else self.size
            kept = self.size - taken
        new = values if taken == count else values[self._rng.choice(count, taken, replace=False)]
        old = (
            self.values
            if kept == self.values.size
            else self.values[self._rng.choice(self.values.size, kept, replace=False)]
        )
        self.values = np.concatenate([old, np.asarray(new, dtype=np.float64)])
        self.seen += count


class FeatureCells:
    """The cells each feature has been given so far, as a sorted array per feature: a cell that
    comes again (neighbouring requests both answer the cells along their edge) is not given twice,
    and the cells two features share are counted. A Python set of a city's 390,000 cells cost
    about 40 MB, and a Counter of them as much again; these cost 8 bytes a cell."""

    def __init__(self):
        self.cells = {}

    def new(self, fence_id, ids):
        """True for each of ``ids`` the feature does not have yet."""
        known = self.cells.get(fence_id)
        if known is None or not known.size:
            return np.ones(ids.size, dtype=bool)
        at = np.minimum(np.searchsorted(known, ids), known.size - 1)
        return known[at] != ids

    def add(self, fence_id, ids):
        known = self.cells.get(fence_id)
        self.cells[fence_id] = np.union1d(known, ids) if known is not None else np.unique(ids)

    def shared(self):
        """How many cells two features or more hold."""
        if len(self.cells) < 2:
            return 0
        _, counts = np.unique(np.concatenate(list(self.cells.values())), return_counts=True)
        return int((counts > 1).sum())


@dataclass
class HeatReport:
    """What a heat run did: cells and cell-days kept, requests answered or failed, problems."""

    plan: Any = None
    level: int | None = None  # the level the run used (None: the service's, per request)
    cells: int = 0  # (feature, cell) rows written
    cell_days: int = 0
    heat_total: int = 0
    days: set = field(default_factory=set)  # ordinals of the days seen
    fences_with_data: set = field(default_factory=set)
    failures: list = field(default_factory=list)  # (what, CrowdHeatError)
    problems: list = field(default_factory=list)
    cancelled: bool = False
    stopped_by: CrowdHeatError | None = None
    seconds: float = 0.0
    requests_done: int = 0  # answers received (some of them refused when read)
    requests_answered: int = 0  # answers read: cells, or "no data there"
    cache_hits: int = 0
    cache_problem: str = ""
    feature_cells: FeatureCells = field(default_factory=FeatureCells)
    hourly_sample: Sample = field(default_factory=Sample)
    cell_sample: Sample = field(default_factory=lambda: Sample(seed=1))

    @property
    def unanswered(self):
        """Failures a rerun can still mend: every one but "the service has no data there" (an
        answer, cached, that a rerun would get again)."""
        return [(what, exc) for what, exc in self.failures if not isinstance(exc, EmptyResultError)]

    @property
    def complete(self):
        return not (self.cancelled or self.stopped_by is not None or self.unanswered)

    @property
    def shared_cells(self):
        """Cells that belong to two features or more (a sum across features counts them twice)."""
        return self.feature_cells.shared()

    def date_range(self):
        if not self.days:
            return None
        return dt.date.fromordinal(min(self.days)), dt.date.fromordinal(max(self.days))

    def total_heat(self):
        return self.heat_total

    def record(self, data):
        self.fences_with_data.add(data.fence_id)
        self.cells += data.cell_count
        self.cell_days += data.cell_day_count
        self.heat_total += int(data.day_heat.sum())
        self.days.update(np.unique(data.day_date).tolist())
        self.feature_cells.add(data.fence_id, data.ids)
        self.hourly_sample.add(data.day_heat)
        self.cell_sample.add(data.cell_heat)


def beijing_today() -> dt.date:
    """Today's date in Beijing: Jike's dates are Beijing calendar days (see README, "Time")."""
    return dt.datetime.now(coords.BEIJING).date()


def fetch_plan(
    client: JikeClient,
    plan: HeatPlan,
    sink: Callable[[HeatData], None],
    cache: HeatCache | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    on_progress: Callable[[int, int, int], None] | None = None,
    log: Callable[[str], None] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    today: dt.date | None = None,
) -> HeatReport:
    """Fetch every request of ``plan``; ``sink(HeatData)`` gets each feature's new cells as they come.

    ``on_progress(requests_done, requests_total, cells)``; ``log(message)`` for per-request news.
    """
    started = time.monotonic()
    fetching = _PlanFetch(client, plan, sink, cache, is_cancelled, log, today or beijing_today())
    requests = list(plan.requests)
    total = len(requests)

    def progress():
        if on_progress:
            on_progress(fetching.run.requests_done + len(fetching.run.failures), total, fetching.run.cells)

    level = plan.level
    if level is None and plan.spans_several_requests() and requests:
        level = fetching.level_of_the_largest(requests)
        progress()
    fetching.fetch_all(requests, level, concurrency, progress)
    run = fetching.run
    run.cache_problem = cache.problem if cache is not None else ""
    run.seconds = time.monotonic() - started
    return run


class _PlanFetch:
    """One run of :func:`fetch_plan`: answers fetched in worker threads (from the cache or the
    service), read in plan order on the calling thread, each feature given its new cells."""

    def __init__(self, client, plan, sink, cache, is_cancelled, log, today):
        self.client, self.plan, self.sink, self.cache = client, plan, sink, cache
        self.is_cancelled, self.today = is_cancelled, today
        self.log = log or (lambda message: None)
        self.run = HeatReport(plan=plan, level=plan.level)

    def stopped(self):
        return self.run.cancelled or self.run.stopped_by is not None

    def fetch(self, request, level):
        """In a worker thread: (the answer's bytes, whether they came from the cache)."""
        body, url = request.fence.request_body(level), self.client.config.base_url
        if self.cache is not None:
            # A shared ledger (core/answers_ledger.py) makes this wait while another machine asks
            # for the same request, then hands over its answer; a local cache answers at once.
            content = self.cache.get(url, body, self.today) or self.cache.claim(
                url, body, self.today, self.is_cancelled
            )
            if content is not None:
                return content, True
        return self.client.fetch_heat_bytes(request.fence, level, is_cancelled=self.is_cancelled), False

    def handle(self, request, level, outcome):
        """One answer (``outcome()`` gives its bytes), in plan order: read, cached, delivered."""
        try:
            data = self.read(request, level, outcome)
        finally:  # an answer stored, or failed: the claim goes (a no-op when stored)
            if self.cache is not None:
                self.cache.release(self.client.config.base_url, request.fence.request_body(level), self.today)
        self.deliver(request, data)
        return data

    def read(self, request, level, outcome):
        """The answer's HeatData, or None (cancelled, failed, or no data there: recorded)."""
        what = describe(self.plan, request)
        try:
            content, cached = outcome()
        except CancelledError:
            self.run.cancelled = True
            return None
        except (AuthError, ConfigurationError, NetworkError) as exc:  # no other request would fare better
            self.run.failures.append((what, exc))
            self.run.stopped_by = self.run.stopped_by or exc
            return None
        except CrowdHeatError as exc:
            return self.failed(what, exc)
        self.run.requests_done += 1
        self.run.cache_hits += cached
        try:
            data = self.client.parse(content, request.fence, level)
        except EmptyResultError as exc:  # an answer all the same: kept, so that a rerun does not pay again
            self.answered(request, level, content, cached)
            return self.failed(what, exc)
        except CrowdHeatError as exc:
            return self.failed(what, exc)
        self.answered(request, level, content, cached)
        self.run.problems.extend(f"{what}: {p}" for p in data.problems)
        return one_level(data, what, self.run.problems) if level is None else data

    def failed(self, what, exc):
        self.run.failures.append((what, exc))
        self.log(f"{what}: {exc}")

    def answered(self, request, level, content, cached):
        if self.cache is not None and not cached:
            self.cache.put(self.client.config.base_url, request.fence.request_body(level), self.today, content)
        self.run.requests_answered += 1

    def deliver(self, request, data):
        """Each member of the request its cells of ``data`` that no earlier answer gave it."""
        if data is None:
            return
        run, before = self.run, self.run.cells
        for member in request.members:
            mask = member_cells(self.plan, member, data.ids, data.levels)
            if not mask.any():
                continue
            mask &= run.feature_cells.new(member.fence_id, data.ids)
            if not mask.any():
                continue
            piece = data.select(mask, member.fence_id)
            run.record(piece)
            with collector.paused():  # the sink makes a feature per cell-day (see core/collector.py)
                self.sink(piece)
        answered, kept = max(data.item_count, data.cell_count), run.cells - before
        why = f"; {answered - kept:,} left out (see the problems below)" if kept < answered else ""
        self.log(
            f"{describe(self.plan, request)}: {answered:,} cells answered, {kept:,} kept{why} "
            f"(response_id {data.response_id or '-'})"
        )

    def level_of_the_largest(self, requests):
        """One level for a feature split over several requests: the service chooses it for the
        largest request (taken out of ``requests`` and fetched now); every other asks for it."""
        first = max(requests, key=lambda r: r.fence.area_m2())
        requests.remove(first)
        data = self.handle(first, None, lambda: self.fetch(first, None))
        if data is None or not data.cell_count:
            return None
        level = self.run.level = int(data.levels[0])  # one level: see one_level
        self.log(
            f"Auto level: the service chose level {level} for {describe(self.plan, first)}; every request of this "
            "run asks for that level, so that no feature is a mix of levels."
        )
        return level

    def fetch_all(self, requests, level, concurrency, progress) -> None:
        """``concurrency`` requests in flight; answers read in plan order. After a stop or a
        cancel no request is sent, but the answers already on their way are still read."""
        width = max(1, concurrency)
        stop = self.stopped()
        with ThreadPoolExecutor(max_workers=width, thread_name_prefix="jike") as pool:
            waiting: deque = deque()
            queue = deque(requests)
            while queue or waiting:
                while queue and not stop and len(waiting) < width:
                    request = queue.popleft()
                    waiting.append((request, pool.submit(self.fetch, request, level)))
                if not waiting:
                    break
                request, future = waiting.popleft()
                self.handle(request, level, future.result)
                progress()
                cancelled = bool(self.is_cancelled and self.is_cancelled())
                self.run.cancelled = self.run.cancelled or cancelled
                stop = stop or self.stopped()


def describe(plan: HeatPlan, request: HeatRequest) -> str:
    labels = sorted({plan.features[m.fence_id].label for m in request.members})
    text = labels[0] if len(labels) == 1 else f"{labels[0]} and {len(labels) - 1} more"
    tiles = sum(1 for m in request.members if m.tile)
    return f"request {request.number + 1}/{len(plan.requests)} ({text}{', a tile' if tiles else ''})"


# -- fences as they were: for in-memory use (tests, bench) ------------------------------------------


def shapes_of_fences(fences: Iterable[Fence]) -> list[FeatureShape]:
    """FeatureShapes from core fences (rings or circles); parts with the same fence_id are one feature."""
    rings: dict[int, tuple[str, list]] = {}
    shapes: list[FeatureShape] = []
    for one in fences:
        if one.center is not None:  # a circle
            shapes.append(circle_feature(one.fence_id, one.center[0], one.center[1], one.radius_m, one.label))
        else:
            rings.setdefault(one.fence_id, (one.label, []))[1].append(Polygon(one.ring))
    for fence_id, (label, polygons) in rings.items():
        geometry = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
        shapes.append(FeatureShape(fence_id, label or f"fence {fence_id}", geometry))
    return shapes


def one_level(data, what, problems):
    """An answer asked at the service's level, with the cells of its most common level only: cells
    of two levels overlap (a level-16 cell holds four of level 17), and their heat would count
    twice in every sum over the area."""
    levels = np.unique(data.levels)
    if levels.size <= 1:
        return data
    level = int(np.bincount(data.levels).argmax())
    odd = data.levels != level
    problems.append(
        f"{what}: the answer mixes cell levels {', '.join(map(str, levels.tolist()))}; the {int(odd.sum()):,} cells "
        f"not of level {level} (the most common) are left out, as they overlap the others"
    )
    return data.select(~odd)
