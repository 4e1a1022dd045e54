"""The one way to geolocate scans; Processing and the dock both call it.

Scans stream through in windows. In each window, invalid scans and cached answers cost
nothing; the rest go out in batches, several requests in flight under the rate limit. Outcomes
come back in input order, one per scan, whatever happens: after a fatal error, the daily quota
(802) or a cancel, the scans not sent still come out (status ``error``, with why), so the
output holds every scan exactly once and a rerun finishes from the cache.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED
from dataclasses import dataclass, field

from .baidu import BATCH_TOO_LARGE, BaiduError, parse_location
from .errors import CancelledError, CrowdHeatError, NetworkError
from .scans import scan_key

OK, NOT_FOUND, INVALID, ERROR = "ok", "not_found", "invalid", "error"
# Requests in a row with no answer (after their own retries) before the run stops: one failure
# marks its scans and the run goes on; a dead network must not cost retries × timeout per batch.
MAX_UNANSWERED_IN_A_ROW = 3
STATUSES = (OK, NOT_FOUND, INVALID, ERROR)
WINDOW = 512


@dataclass
class ScanOutcome:
    scan: object
    status: str
    err_code: str = ""
    err_msg: str = ""
    answer: dict = None
    cached: bool = False


@dataclass
class ScanRunStats:
    counts: Counter = field(default_factory=Counter)
    cache_hits: int = 0
    requests: int = 0
    started: float = field(default_factory=time.monotonic)
    stopped_by: CrowdHeatError = None
    cancelled: bool = False
    batch_fallback: bool = False

    @property
    def scans(self):
        return sum(self.counts.values())

    @property
    def seconds(self):
        return time.monotonic() - self.started


def outcome_of(scan, answer, cached=False):
    """ok when the service located the scan; not_found when it answered but could not."""
    error = answer.get("error", 0)
    lng, lat = parse_location(answer.get("location"))
    try:
        located = int(error) == 0 and int(answer.get("type", 0) or 0) != 0 and lng is not None
    except (TypeError, ValueError):
        located = False
    if located:
        return ScanOutcome(scan, OK, answer=answer, cached=cached)
    return ScanOutcome(scan, NOT_FOUND, err_code=str(error), answer=answer, cached=cached,
                       err_msg="the service has no position for this scan")


class _Stop(Exception):
    pass


def geolocate(scans, client, cache=None, is_cancelled=None, on_progress=None, log=None, stats=None,
              window=WINDOW):
    """Yield a :class:`ScanOutcome` per scan, in input order. ``on_progress(scans_done)``."""
    stats = stats if stats is not None else ScanRunStats()
    log = log or (lambda message: None)
    coor = client.config.coor
    state = {"batch": client.config.batch_size}
    ctime_base = int(time.time())
    done = 0
    with ThreadPoolExecutor(max_workers=client.config.concurrency, thread_name_prefix="baidu") as pool:
        chunk = []
        for scan in scans:
            chunk.append(scan)
            if len(chunk) >= window:
                yield from _window(chunk, client, cache, coor, pool, state, stats, ctime_base, is_cancelled, log)
                done += len(chunk)
                chunk = []
                if on_progress:
                    on_progress(done)
        if chunk:
            yield from _window(chunk, client, cache, coor, pool, state, stats, ctime_base, is_cancelled, log)
            if on_progress:
                on_progress(done + len(chunk))
    stats.requests = client.requests_sent


def _window(scans, client, cache, coor, pool, state, stats, ctime_base, is_cancelled, log):
    outcomes = {}
    to_send = []
    for scan in scans:
        if scan.invalid:
            outcomes[scan.index] = ScanOutcome(scan, INVALID, err_msg=scan.invalid)
            continue
        cached = cache.get(scan_key(scan.body), coor) if cache is not None else None
        if cached is not None:
            stats.cache_hits += 1
            outcomes[scan.index] = outcome_of(scan, cached, cached=True)
        else:
            to_send.append(scan)
    if is_cancelled and is_cancelled():
        stats.cancelled = True
    if to_send and stats.stopped_by is None and not stats.cancelled:
        _send(to_send, client, cache, coor, pool, state, stats, ctime_base, is_cancelled, log, outcomes)
        if is_cancelled and is_cancelled():
            stats.cancelled = True
    for scan in to_send:  # whatever was not answered: not sent, and why
        if scan.index not in outcomes:
            if stats.stopped_by is not None:
                code = getattr(stats.stopped_by, "code", None)
                outcomes[scan.index] = ScanOutcome(scan, ERROR, err_code=str(code or ""),
                                                   err_msg=f"not sent: {stats.stopped_by}")
            else:
                outcomes[scan.index] = ScanOutcome(scan, ERROR, err_code="cancelled",
                                                   err_msg="not sent: the run was cancelled")
    for scan in scans:
        outcome = outcomes[scan.index]
        stats.counts[outcome.status] += 1
        yield outcome


def _send(scans, client, cache, coor, pool, state, stats, ctime_base, is_cancelled, log, outcomes):
    halt = state.setdefault("halt", threading.Event())  # set by the worker that meets a fatal error
    state.setdefault("lock", threading.Lock())
    state.setdefault("unanswered", 0)

    def stopped():
        return halt.is_set() or stats.stopped_by is not None or stats.cancelled or (is_cancelled and is_cancelled())

    def submit(group):
        return pool.submit(_request, client, group, ctime_base, stopped, state)

    size = state["batch"]
    pending = {submit(scans[k:k + size]): scans[k:k + size] for k in range(0, len(scans), size)}
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        answered = []
        for future in finished:
            group = pending.pop(future)
            kind, value = future.result()
            if kind == "answers":
                for scan in group:
                    answer = value.get(str(ctime_base + scan.index))
                    if answer is None:
                        outcomes[scan.index] = ScanOutcome(scan, ERROR, err_msg="the service's reply has no "
                                                           "result for this scan (matched by ctime)")
                    else:
                        outcomes[scan.index] = outcome_of(scan, answer)
                        answered.append((scan_key(scan.body), answer))
            elif kind == "split":  # 101 (too many) or 103 on a batch: one by one
                if value.errcode == BATCH_TOO_LARGE and state["batch"] > 1:
                    state["batch"] = 1
                    stats.batch_fallback = True
                    log(f"Baidu error 101 ({value.service_message}): sending 1 scan per request from now on.")
                for scan in group:
                    pending[submit([scan])] = [scan]
            elif kind == "stop":
                if stats.stopped_by is None:
                    stats.stopped_by = value
                    log(f"Stopped: {value}")
            elif kind == "skipped":
                pass
            elif kind == "unanswered":
                for scan in group:
                    outcomes[scan.index] = ScanOutcome(scan, ERROR, err_code="network", err_msg=str(value))
                if halt.is_set() and stats.stopped_by is None:
                    stats.stopped_by = NetworkError(f"{MAX_UNANSWERED_IN_A_ROW} requests in a row got no answer; "
                                                    f"the last: {value}")
                    log(f"Stopped: {stats.stopped_by}")
            else:  # "error": these scans failed, the run goes on
                for scan in group:
                    outcomes[scan.index] = ScanOutcome(scan, ERROR, err_code=str(getattr(value, "code", "") or
                                                                                 getattr(value, "http_status", "") or ""),
                                                       err_msg=str(value))
        if answered and cache is not None:
            cache.put_many(answered, coor)


def _request(client, group, ctime_base, stopped, state):
    """Runs in a worker thread: one request with bounded retries of throttling. Returns (kind, value).

    A fatal answer (or too many unanswered requests in a row) sets ``state["halt"]`` here, before
    the next queued request can start.
    """
    halt = state["halt"]
    if stopped():  # the run stopped or was cancelled while this waited: not sent
        return "skipped", None
    bodies = [client.full_body(scan.body, ctime_base + scan.index) for scan in group]
    policy = client.policy
    for attempt in range(1, policy.attempts + 1):
        try:
            answers = client.locate(bodies, is_cancelled=stopped)
            with state["lock"]:
                state["unanswered"] = 0
            return "answers", answers
        except BaiduError as exc:
            if exc.fatal or exc.quota:
                halt.set()
                return "stop", exc
            if exc.errcode == BATCH_TOO_LARGE or (exc.errcode in (102, 103) and len(group) > 1):
                return "split", exc
            if not exc.retryable or attempt == policy.attempts:
                return "error", exc
            if _sleep(policy.delay(attempt), stopped):
                return "skipped", None
        except NetworkError as exc:
            with state["lock"]:
                state["unanswered"] += 1
                if state["unanswered"] >= MAX_UNANSWERED_IN_A_ROW:
                    halt.set()
            return "unanswered", exc
        except CancelledError:
            return "skipped", None
        except CrowdHeatError as exc:
            return "error", exc
    return "error", None  # pragma: no cover - the loop always returns


def _sleep(seconds, stopped):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stopped():
            return True
        time.sleep(0.05)
    return False
