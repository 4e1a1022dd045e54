"""The one way to geolocate scans; Processing and the dock both call it.

Scans stream through in windows. In each window, invalid scans, cached answers and repeats of a
scan already in the window cost nothing; the rest go out in batches, several requests in flight
under the rate limit. Outcomes come back in input order, one per scan, whatever happens: after a
fatal error, the daily quota (802) or a cancel, the scans not sent still come out (status
``error``, with why), so the output holds every scan exactly once and a rerun finishes from the
cache. An answer already on its way when the run stops has been paid for: it is waited for
(after Cancel, for ``CANCEL_GRACE_S``), kept and cached.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .baidu import (
    BATCH_TOO_LARGE,
    UNKNOWN_SIGNAL,
    BaiduError,
    prepare,
    request_key,
    result_located,
    result_problem,
)
from .errors import CancelledError, CrowdHeatError, NetworkError, RedirectError
from .scan_cache import claim_owner

if TYPE_CHECKING:  # for the annotations only
    from .baidu import BaiduClient
    from .scan_cache import ScanCache
    from .scans import Scan


class Status(str, Enum):
    """What became of a scan; the values are those of the output's ``status`` field."""

    OK = "ok"  # located
    NOT_FOUND = "not_found"  # the service answered, without a position
    INVALID = "invalid"  # no request can be made of it (the file's or the API's reason)
    ERROR = "error"  # not answered (network, cancel, quota, a malformed result)

    def __str__(self):
        return self.value


OK, NOT_FOUND, INVALID, ERROR = Status
STATUSES = tuple(Status)
# Requests in a row with no answer (after their own retries) before the run stops: one failure
# marks its scans and the run goes on; a dead network must not cost retries × timeout per batch.
MAX_UNANSWERED_IN_A_ROW = 3
WINDOW = 512
# After Cancel, requests already sent get this long to bring their (paid) answers home.
CANCEL_GRACE_S = 2.0
# Caching: a location is kept for good; "not found" for a week (the service learns new access
# points and cells, so asking again later may locate the scan); a malformed result never.
NOT_FOUND_TTL_S = 7 * 86400
# Another run on the same cache file is asked every this often whether a scan it claimed has its
# answer yet. A claim is renewed every CLAIM_RENEW_S while its requests are out, and lapses
# CLAIM_TTL_S after its run stopped renewing it (killed on another machine).
CLAIM_POLL_S = 0.2
CLAIM_RENEW_S = 10.0
CLAIM_TTL_S = 30.0


@dataclass
class ScanOutcome:
    scan: object
    status: Status
    err_code: str = ""
    err_msg: str = ""
    answer: dict | None = None
    cached: bool = False


@dataclass
class ScanReport:
    """What a scan run did: scans by status, requests spent, cache hits, repeats not sent."""

    counts: Counter = field(default_factory=Counter)
    cache_hits: int = 0
    repeats: int = 0  # scans identical to one sent in the same window: not sent again
    requests: int = 0  # requests that reached the service (what the quota counts)
    started: float = field(default_factory=time.monotonic)
    stopped_by: CrowdHeatError | None = None
    cancelled: bool = False
    batch_fallback: bool = False
    cache_problem: str = ""
    shared: int = 0  # scans another run on the same cache was asking: its answers were used

    @property
    def scans(self):
        return sum(self.counts.values())

    @property
    def seconds(self):
        return time.monotonic() - self.started


def judge(scan: Scan | None, answer: dict, cached: bool = False) -> tuple[ScanOutcome, bool]:
    """(outcome, may be cached) for one result of the service."""
    problem = result_problem(answer)
    if problem:
        message = f"the service's result is malformed ({problem}); not kept, a rerun asks again"
        return ScanOutcome(scan, ERROR, err_code="malformed", cached=cached, err_msg=message), False
    if result_located(answer):
        return ScanOutcome(scan, OK, answer=answer, cached=cached), True
    # Not located: whatever coordinates came with it are not a position.
    answer = {k: v for k, v in answer.items() if k not in ("location", "radius")}
    return ScanOutcome(
        scan,
        NOT_FOUND,
        err_code=str(int(answer.get("error", 0))),
        answer=answer,
        cached=cached,
        err_msg="the service has no position for this scan",
    ), True


def outcome_of(scan: Scan | None, answer: dict, cached: bool = False) -> ScanOutcome:
    return judge(scan, answer, cached)[0]


def cached_answer(cache: ScanCache | None, key: str, coor: str, now: float | None = None) -> dict | None:
    """A cached answer still worth reusing (see the caching rule above), or None."""
    hit = cache.get(key, coor) if cache is not None else None
    if hit is None:
        return None
    answer, saved = hit
    outcome, cacheable = judge(None, answer)
    if not cacheable:
        return None
    if outcome.status == NOT_FOUND and (now or time.time()) - saved > NOT_FOUND_TTL_S:
        return None
    return answer


class _Kind(Enum):
    """What became of one request, as its worker reports it."""

    ANSWERS = "answers"  # the service answered: results by ctime
    SPLIT = "split"  # the batch was refused as a batch (101/102/103): send one by one
    REFUSED = "refused"  # a single scan refused by the service: invalid, with the code
    STOP = "stop"  # fatal or daily quota: nothing more is sent
    SKIPPED = "skipped"  # not sent: the run stopped or was cancelled first
    ABANDONED = "abandoned"  # sent, but Cancel gave up waiting for its answer
    UNANSWERED = "unanswered"  # no answer after the retries (network)
    FAILED = "failed"  # an error for these scans only; the run goes on


class _Run:
    """The state one geolocation run shares between its window loop and its workers."""

    def __init__(self, client, cache, is_cancelled, log, stats):
        self.client, self.cache, self.log, self.stats = client, cache, log, stats
        self.coor = client.config.coor
        self.batch = client.config.batch_size
        self.ctime_base = int(time.time())
        self.halt = threading.Event()  # set by the worker that meets a fatal answer
        self.lock = threading.Lock()
        self.unanswered = 0
        self._is_cancelled = is_cancelled or (lambda: False)
        self._cancel_seen = None
        self.owner = claim_owner(uuid.uuid4().hex)  # this run, in the cache's claims
        self.started = time.time()  # answers saved since were not there when this run looked
        self.renewed = time.monotonic()

    def cancelled(self):
        if self._is_cancelled():
            if self._cancel_seen is None:
                self._cancel_seen = time.monotonic()
            self.stats.cancelled = True
            return True
        return False

    def stopped(self):
        """Nothing more is to be sent."""
        return self.halt.is_set() or self.stats.stopped_by is not None or self.cancelled()

    def abandoned(self):
        """An answer on its way is given up only some time after Cancel: it has been paid for."""
        return self.cancelled() and time.monotonic() - self._cancel_seen > CANCEL_GRACE_S

    def ctime(self, scan):
        return str(self.ctime_base + scan.index)

    def claim(self, scans):
        """(the scans this run may send, those another run is asking already)."""
        if self.cache is None:
            return scans, []
        keys = [request_key(s.body) for s in scans]
        taken = self.cache.claim(keys, self.coor, self.owner, CLAIM_TTL_S, self.started)
        self.renewed = time.monotonic()
        return [s for s, k in zip(scans, keys) if k in taken], [s for s, k in zip(scans, keys) if k not in taken]

    def renew_claims(self):
        if self.cache is not None and time.monotonic() - self.renewed >= CLAIM_RENEW_S:
            self.cache.renew(self.owner, CLAIM_TTL_S)
            self.renewed = time.monotonic()

    def release(self, scans):
        """Let go of the claims on sent scans (those with an answer saved are let go already)."""
        if self.cache is not None:
            self.cache.release([request_key(s.body) for s in scans], self.coor, self.owner)

    def note_cache_problem(self):
        problem = self.cache.problem if self.cache is not None else ""
        if problem and not self.stats.cache_problem:
            self.stats.cache_problem = problem
            self.log(problem)


def plan(
    scans: Iterable[Scan],
    cache: ScanCache | None,
    coor: str,
    batch_size: int,
    window: int = WINDOW,
    is_cancelled: Callable[[], bool] | None = None,
    unknown_signal: int = UNKNOWN_SIGNAL,
) -> dict[str, int]:
    """Counts before anything is sent: scans, valid, invalid, cached, requests (quota) to spend.
    Raises CancelledError when ``is_cancelled()`` becomes true (checked every thousand scans)."""
    total = invalid = cached = 0
    distinct = set()  # a repeat of a scan in the same window is not sent again: counted once
    for scan in scans:
        total += 1
        if is_cancelled is not None and total % 1000 == 0 and is_cancelled():
            raise CancelledError()
        if prepare(scan, unknown_signal).invalid:
            invalid += 1
            continue
        assert scan.body is not None  # prepare() gives every valid scan its body
        key = request_key(scan.body)
        if cached_answer(cache, key, coor) is not None:
            cached += 1
        else:
            distinct.add((scan.index // window, key))
    to_send = len(distinct)
    return {
        "scans": total,
        "valid": total - invalid,
        "invalid": invalid,
        "cached": cached,
        "requests": math.ceil(to_send / batch_size) if to_send else 0,
    }


def geolocate(
    scans: Iterable[Scan],
    client: BaiduClient,
    cache: ScanCache | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    on_progress: Callable[[int], None] | None = None,
    log: Callable[[str], None] | None = None,
    stats: ScanReport | None = None,
    window: int = WINDOW,
) -> Iterator[ScanOutcome]:
    """Yield a :class:`ScanOutcome` per scan, in input order. ``on_progress(scans_done)``."""
    stats = stats if stats is not None else ScanReport()
    run = _Run(client, cache, is_cancelled, log or (lambda message: None), stats)
    run.note_cache_problem()
    done = 0
    with ThreadPoolExecutor(max_workers=client.config.concurrency, thread_name_prefix="baidu") as pool:
        chunk = []
        for scan in scans:
            chunk.append(scan)
            if len(chunk) >= window:
                yield from _window(run, chunk, pool)
                done += len(chunk)
                chunk = []
                if on_progress:
                    on_progress(done)
        if chunk:
            yield from _window(run, chunk, pool)
            if on_progress:
                on_progress(done + len(chunk))
    stats.requests = client.requests_sent


def _window(run, scans, pool):
    stats = run.stats
    outcomes = {}
    to_send, repeats, first_of = [], [], {}
    for scan in scans:
        if prepare(scan, run.client.config.unknown_signal).invalid:
            outcomes[scan.index] = ScanOutcome(scan, INVALID, err_msg=scan.invalid)
            continue
        key = request_key(scan.body)
        cached = cached_answer(run.cache, key, run.coor)
        if cached is not None:
            stats.cache_hits += 1
            outcomes[scan.index] = outcome_of(scan, cached, cached=True)
        elif key in first_of:
            repeats.append((scan, first_of[key]))
        else:
            first_of[key] = scan
            to_send.append(scan)
    if to_send and not run.stopped():
        _send_claimed(run, to_send, pool, outcomes)
    run.note_cache_problem()
    for scan in to_send:  # whatever was not answered: not sent, and why
        if scan.index not in outcomes:
            if stats.stopped_by is not None:
                code = getattr(stats.stopped_by, "code", None)
                outcomes[scan.index] = ScanOutcome(
                    scan, ERROR, err_code=str(code or ""), err_msg=f"not sent: {stats.stopped_by}"
                )
            else:
                outcomes[scan.index] = ScanOutcome(
                    scan, ERROR, err_code="cancelled", err_msg="not sent: the run was cancelled"
                )
    for scan, original in repeats:  # the same scan as one sent: the same outcome
        stats.repeats += 1
        outcomes[scan.index] = dataclasses.replace(outcomes[original.index], scan=scan)
    for scan in scans:
        outcome = outcomes[scan.index]
        stats.counts[outcome.status] += 1
        yield outcome


def _send_claimed(run, scans, pool, outcomes):
    """Send the scans no other run on the cache is asking; wait for the answers of those another
    run asks (or send them once its claim is let go or expires)."""
    waiting = scans
    while waiting and not run.stopped():
        mine, waiting = run.claim(waiting)
        if mine:
            _send(run, mine, pool, outcomes)
            run.release(mine)
        if waiting:
            time.sleep(CLAIM_POLL_S)
            waiting = [scan for scan in waiting if not _answered_by_another(run, scan, outcomes)]


def _answered_by_another(run, scan, outcomes):
    answer = cached_answer(run.cache, request_key(scan.body), run.coor)
    if answer is None:
        return False
    run.stats.cache_hits += 1
    run.stats.shared += 1
    outcomes[scan.index] = outcome_of(scan, answer, cached=True)
    return True


def _send(run, scans, pool, outcomes) -> None:
    def submit(group):
        return pool.submit(_request, run, group)

    pending = {submit(scans[k : k + run.batch]): scans[k : k + run.batch] for k in range(0, len(scans), run.batch)}
    while pending:
        finished, _ = wait(pending, timeout=CLAIM_RENEW_S, return_when=FIRST_COMPLETED)
        run.renew_claims()
        to_cache: list = []
        for future in finished:
            group = pending.pop(future)
            kind, value = future.result()
            for scan in _settle(run, kind, value, group, outcomes, to_cache):
                pending[submit([scan])] = [scan]
        if to_cache and run.cache is not None:
            run.cache.put_many(to_cache, run.coor)


def _settle(run, kind, value, group, outcomes, to_cache):
    """What the end of one request means for its scans, written into ``outcomes`` (answers worth
    keeping into ``to_cache``). Returns the scans to send again, one per request (error 101)."""
    stats = run.stats
    if kind is _Kind.ANSWERS:
        for scan in group:
            answer = value.get(run.ctime(scan))
            if answer is None:
                message = "the service's reply has no result for this scan (matched by ctime)"
                outcomes[scan.index] = ScanOutcome(scan, ERROR, err_msg=message)
                continue
            outcomes[scan.index], cacheable = judge(scan, answer)
            if cacheable:
                to_cache.append((request_key(scan.body), answer))
        return []
    if kind is _Kind.SPLIT:
        if value.errcode == BATCH_TOO_LARGE and run.batch > 1:
            run.batch = 1
            stats.batch_fallback = True
            run.log(f"Baidu error 101 ({value.service_message}): sending 1 scan per request from now on.")
        return group
    if kind is _Kind.STOP:
        if stats.stopped_by is None:
            stats.stopped_by = value
            run.log(f"Stopped: {value}")
        return []
    if kind is _Kind.SKIPPED:  # their outcome is written when the run ends (not sent)
        return []
    for scan in group:
        outcomes[scan.index] = _unanswered(kind, value, scan)
    if kind is _Kind.UNANSWERED and run.halt.is_set() and stats.stopped_by is None:
        stats.stopped_by = NetworkError(f"{MAX_UNANSWERED_IN_A_ROW} requests in a row got no answer; the last: {value}")
        run.log(f"Stopped: {stats.stopped_by}")
    return []


def _unanswered(kind, value, scan):
    """The outcome of a scan whose request was refused, abandoned, unanswered or failed."""
    if kind is _Kind.REFUSED:
        return ScanOutcome(
            scan, INVALID, err_code=str(value.errcode), err_msg=f"refused by the service on its own: {value}"
        )
    if kind is _Kind.ABANDONED:
        return ScanOutcome(
            scan,
            ERROR,
            err_code="cancelled",
            err_msg=f"cancelled: no answer arrived within {CANCEL_GRACE_S:g} s after Cancel",
        )
    if kind is _Kind.UNANSWERED:
        return ScanOutcome(scan, ERROR, err_code="network", err_msg=str(value))
    code = getattr(value, "code", None) or getattr(value, "http_status", None) or ""  # _Kind.FAILED
    return ScanOutcome(scan, ERROR, err_code=str(code), err_msg=str(value))


def _request(run, group):
    """Runs in a worker thread: one request (retried, under the rate limit, by the HTTP loop).
    Returns (_Kind, value).

    A fatal answer (or too many unanswered requests in a row) sets ``run.halt`` here, before the
    next queued request can start. A request already sent is never cut short by that: its answer
    has been paid for.
    """
    client = run.client
    bodies = [client.full_body(scan.body, run.ctime(scan)) for scan in group]
    if run.stopped():
        return _Kind.SKIPPED, None
    try:
        answers = client.locate(bodies, abandon=run.abandoned, stopped=run.stopped)
    except BaiduError as exc:
        if exc.fatal or exc.quota:
            run.halt.set()
            return _Kind.STOP, exc
        if exc.errcode == BATCH_TOO_LARGE or exc.errcode in (102, 103):
            # A batch refused as a batch is sent one by one; a scan refused alone is invalid, once.
            return (_Kind.SPLIT if len(group) > 1 else _Kind.REFUSED), exc
        return _Kind.FAILED, exc
    except RedirectError as exc:  # every request would be sent elsewhere too
        run.halt.set()
        return _Kind.STOP, exc
    except NetworkError as exc:
        with run.lock:
            run.unanswered += 1
            if run.unanswered >= MAX_UNANSWERED_IN_A_ROW:
                run.halt.set()
        return _Kind.UNANSWERED, exc
    except CancelledError as exc:
        return (_Kind.ABANDONED if exc.sent else _Kind.SKIPPED), None
    except CrowdHeatError as exc:
        return _Kind.FAILED, exc
    with run.lock:
        run.unanswered = 0
    return _Kind.ANSWERS, answers
