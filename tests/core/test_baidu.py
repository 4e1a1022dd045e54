"""The Baidu scan run against a service (and a cache) that misbehave on purpose, loopback only.
Each test's name is the rule it checks; deadlines are short so that the matrix takes seconds."""

import json
import sqlite3
import threading
import time

import pytest

from crowdheat.plugin.core.baidu import BaiduClient, prepare, request_key
from crowdheat.plugin.core.config import BaiduConfig
from crowdheat.plugin.core.scan_cache import ScanCache, claim_owner
from crowdheat.plugin.core.scan_job import (
    ERROR,
    INVALID,
    NOT_FOUND,
    NOT_FOUND_TTL_S,
    OK,
    ScanReport,
    cached_answer,
    geolocate,
)
from crowdheat.plugin.core.scans import AccessPoint, Scan

AK = "made-up-baidu-ak-0123456789abcdef"


def located(body, **changes):
    result = {"type": 2, "location": "114.05,22.54", "radius": 30, "ctime": body["ctime"], "error": 0}
    result.update(changes)
    return result


def answer_all(reply, request, **changes):
    reply.send(
        200, {"errcode": 0, "msg": "Query success.", "body": [located(b, **changes) for b in request.json()["body"]]}
    )


def refuse(reply, code, msg="simulated"):
    reply.send(200, {"errcode": code, "msg": msg})


def scan_index(body):
    """The scan number, from its first access point's MAC (see make_scans)."""
    octets = body["macs"].split(",")[0].split(":")
    return int(octets[4], 16) * 256 + int(octets[5], 16)


def scan_indexes(request):
    return [scan_index(b) for b in request.json()["body"]]


def client_for(server, **overrides):
    config = dict(
        base_url=server.url + "/locapi/v2",
        ak=AK,
        rate=500,
        concurrency=4,
        attempts=2,
        backoff_s=0.01,
        read_timeout_s=2.0,
        deadline_s=5.0,
        batch_size=1,
    )
    config.update(overrides)
    return BaiduClient(BaiduConfig(**config))


def make_scans(count, same=False):
    scans = []
    for n in range(count):
        k = 0 if same else n
        wifi = [
            AccessPoint(f"aa:bb:cc:00:{k // 256:02x}:{k % 256:02x}", -50),
            AccessPoint(f"aa:bb:cc:01:{k // 256:02x}:{k % 256:02x}", -60),
        ]
        scans.append(Scan(index=n, rows=[n + 1], values=[str(n)], wifi=wifi))
    return scans


def run(client, scans, cache=None, window=16, **kwargs):
    stats = ScanReport()
    with client:
        outcomes = list(geolocate(iter(scans), client, cache, stats=stats, window=window, **kwargs))
    assert [o.scan.index for o in outcomes] == [s.index for s in scans]  # each once, in order
    return outcomes, stats


@pytest.fixture
def cache(tmp_path):
    store = ScanCache(tmp_path / "answers.sqlite", busy_timeout_s=0.1)
    yield store
    store.close()


# -- where the key goes, how long an answer may take -------------------------------------------


def test_a_redirect_to_another_host_never_sends_the_ak_there(hostile_servers):
    main, elsewhere = hostile_servers
    elsewhere.behave(answer_all)
    main.behave(lambda reply, request: reply.redirect(307, elsewhere.url + "/locapi/v2"))
    outcomes, stats = run(client_for(main), make_scans(6))
    assert elsewhere.requests == []
    assert {o.status for o in outcomes} == {ERROR}
    assert elsewhere.url in outcomes[0].err_msg and "Not followed" in outcomes[0].err_msg
    assert "Not followed" in str(stats.stopped_by)  # it would happen to every request: the run stops
    assert stats.requests == len(main.requests) <= 4  # only those already on their way


def test_a_dripping_answer_ends_at_the_deadline_and_the_run_goes_on(server):
    def behave(reply, request):
        if scan_indexes(request) == [0]:
            reply.drip(b'{"errcode": 0, "body": []}' * 100, every_s=0.05)
        else:
            answer_all(reply, request)

    server.behave(behave)
    started = time.monotonic()
    outcomes, _ = run(client_for(server, deadline_s=0.5), make_scans(4))
    assert time.monotonic() - started < 5.0  # the watch ended the drip (which lasts 5 s)
    assert [o.status for o in outcomes] == [ERROR, OK, OK, OK]
    assert "0.5 s" in outcomes[0].err_msg


# -- loops and refusals ---------------------------------------------------------------------------


def test_errcode_101_for_every_request_marks_each_scan_invalid_once(server):
    server.behave(lambda reply, request: refuse(reply, 101, "Missing field : body (size should > 0 && < 3)"))
    outcomes, stats = run(client_for(server, batch_size=2), make_scans(5))
    assert [o.status for o in outcomes] == [INVALID] * 5
    assert {o.err_code for o in outcomes} == {"101"}
    alone = [scan_indexes(r)[0] for r in server.requests if len(scan_indexes(r)) == 1]
    assert sorted(alone) == [0, 1, 2, 3, 4]  # each scan refused on its own exactly once
    assert len(server.requests) == stats.requests == 2 + 5  # the two batches of two, then each alone


# -- answers already paid for ---------------------------------------------------------------------


def slow_except(first_fast_code, slow_s=0.6):
    """Scan 3 gets ``first_fast_code`` at once; every other request is answered after ``slow_s``."""

    def behave(reply, request):
        if scan_indexes(request) == [3]:
            return refuse(reply, first_fast_code, "Failed to authenticate for exceeding daily quota(10)")
        time.sleep(slow_s)
        answer_all(reply, request)

    return behave


def test_answers_on_their_way_when_802_arrives_are_kept_and_cached(server, cache):
    server.behave(slow_except(802))
    outcomes, stats = run(client_for(server), make_scans(10), cache)
    statuses = [o.status for o in outcomes]
    assert statuses[:3] == [OK, OK, OK]  # in flight with scan 3: answered, not "not sent"
    assert statuses[3] == ERROR and "802" in outcomes[3].err_code
    assert stats.requests == len(server.requests)
    answered = [o for o in outcomes if o.status == OK]
    assert cache.count() == len(answered) >= 3
    # The rerun asks only for what has no answer yet.
    server.behave(answer_all)
    rerun, rerun_stats = run(client_for(server), make_scans(10), cache)
    assert [o.status for o in rerun] == [OK] * 10
    assert rerun_stats.requests == 10 - len(answered) and rerun_stats.cache_hits == len(answered)


def test_answers_on_their_way_at_cancel_are_kept_and_cached(server, cache):
    server.behave(slow_except(200, slow_s=0.5))  # scan 3: an unknown code, the others slow
    sent = threading.Event()
    original = server._behaviour

    def behave(reply, request):
        if len(server.requests) >= 4:  # Cancel once four requests are on their way
            sent.set()
        original(reply, request)

    server.behave(behave)
    outcomes, stats = run(client_for(server), make_scans(12), cache, is_cancelled=sent.is_set)
    statuses = [o.status for o in outcomes]
    assert stats.cancelled
    assert statuses.count(OK) >= 3 and cache.count() == statuses.count(OK)
    assert all(
        o.err_msg == "not sent: the run was cancelled" for o in outcomes if o.status == ERROR and o.scan.index != 3
    )
    assert stats.requests == len(server.requests)


# -- the cache ------------------------------------------------------------------------------------


def lock(path):
    holder = sqlite3.connect(path, timeout=0.1, check_same_thread=False)
    holder.execute(
        "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, coor TEXT NOT NULL, "
        "answer TEXT NOT NULL, saved REAL NOT NULL)"
    )
    holder.commit()
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_cache_locked_before_the_run_is_bypassed_with_a_warning(server, tmp_path):
    server.behave(answer_all)
    path = tmp_path / "locked.sqlite"
    holder = lock(path)
    try:
        store = ScanCache(path, busy_timeout_s=0.1)
        lines = []
        outcomes, stats = run(client_for(server), make_scans(6), store, log=lines.append)
    finally:
        holder.rollback()
        holder.close()
    assert [o.status for o in outcomes] == [OK] * 6
    assert "locked" in stats.cache_problem and any("without it" in line for line in lines)
    store.close()


def test_a_cache_locked_mid_run_keeps_every_answer_in_the_output(server, tmp_path):
    path = tmp_path / "answers.sqlite"
    store = ScanCache(path, busy_timeout_s=0.1)
    holder = []

    def behave(reply, request):
        if scan_indexes(request)[0] >= 20 and not holder:
            holder.append(lock(path))  # another program takes the file from the 21st scan on
        answer_all(reply, request)

    server.behave(behave)
    try:
        outcomes, stats = run(client_for(server, concurrency=1), make_scans(40), store, window=10)
    finally:
        holder[0].rollback()
        holder[0].close()
    assert [o.status for o in outcomes] == [OK] * 40
    assert "locked" in stats.cache_problem
    assert 20 <= ScanCache(path).count() < 40


def test_identical_scans_are_sent_once_and_share_the_answer(server, cache):
    server.behave(answer_all)
    outcomes, stats = run(client_for(server, batch_size=2), make_scans(1000, same=True), cache, window=512)
    assert [o.status for o in outcomes] == [OK] * 1000
    assert stats.requests == len(server.requests) == 1
    assert stats.repeats == 511 and stats.cache_hits == 488


# -- what the service's results may be ------------------------------------------------------------

GARBAGE = [
    {"radius": float("nan")},
    {"radius": -50},
    {"radius": 1e300},
    {"location": "east,north"},
    {"error": "x"},
    {"type": 9},
]


def test_malformed_results_are_errors_and_are_never_cached(server, cache):
    def behave(reply, request):
        body = request.json()["body"][0]
        n = scan_index(body)
        if n < len(GARBAGE):
            result = located(body, **GARBAGE[n])
        elif n == len(GARBAGE):
            result = located(body, type=0, error=-1)  # not found, yet with coordinates
        else:
            result = located(body)
        reply.send(200, json.dumps({"errcode": 0, "body": [result]}, allow_nan=True).encode())

    server.behave(behave)
    outcomes, _ = run(client_for(server), make_scans(len(GARBAGE) + 2), cache)
    statuses = [o.status for o in outcomes]
    assert statuses == [ERROR] * len(GARBAGE) + [NOT_FOUND, OK]
    assert all(o.err_code == "malformed" and "not kept" in o.err_msg for o in outcomes[: len(GARBAGE)])
    assert "location" not in outcomes[len(GARBAGE)].answer  # no coordinates on a not_found row
    assert cache.count() == 2


def test_not_found_is_reused_for_a_week_then_asked_again(cache):
    key = request_key(prepare(make_scans(1)[0]).body)
    cache.put_many([(key, {"type": 0, "error": -1, "ctime": "1"})], "GCJ02")
    week = NOT_FOUND_TTL_S
    assert cached_answer(cache, key, "GCJ02", now=time.time() + week - 60) is not None
    assert cached_answer(cache, key, "GCJ02", now=time.time() + week + 60) is None
    cache.put_many([(key, {"type": 2, "error": 0, "location": "114,22", "ctime": "1"})], "GCJ02")
    assert cached_answer(cache, key, "GCJ02", now=time.time() + 100 * week) is not None


def test_an_ak_echoed_in_result_fields_reaches_neither_outcomes_nor_cache(server, cache, tmp_path):
    server.behave(lambda reply, request: answer_all(reply, request, road=f"{AK} road", bldgname=f"b {AK[:16]}"))
    outcomes, _ = run(client_for(server), make_scans(3), cache=cache)
    assert all(o.status == OK for o in outcomes)
    text = repr([o.answer for o in outcomes])
    assert "road" in text and AK[:12] not in text and AK[-12:] not in text
    cache.close()
    stored = (tmp_path / "answers.sqlite").read_bytes()
    assert AK[:12].encode() not in stored and AK[-12:].encode() not in stored


def test_results_that_repeat_a_ctime_are_trusted_for_no_scan(server, cache):
    """Results are matched to scans by ctime: a reply carrying one ctime twice gave a scan
    another's position, marked ok and cached for good."""

    def behave(reply, request):
        bodies = request.json()["body"]
        results = [located(b) for b in bodies]
        results[1]["ctime"] = results[0]["ctime"]  # two results for the first scan, none for the second
        results[1]["location"] = "116.40,39.90"
        reply.send(200, {"errcode": 0, "msg": "Query success.", "body": results})

    server.behave(behave)
    outcomes, _ = run(client_for(server, batch_size=3), make_scans(3), cache=cache)
    assert [o.status for o in outcomes] == [ERROR, ERROR, OK]
    assert "none can be told to be its own" in outcomes[0].err_msg
    assert cache.count() == 1  # only the third scan's answer is kept


def test_a_location_of_0_0_is_no_position(server):
    server.behave(lambda reply, request: answer_all(reply, request, location="0.000000,0.000000"))
    outcomes, _ = run(client_for(server), make_scans(2))
    assert all(o.status == ERROR and "0.000000,0.000000" in o.err_msg for o in outcomes)


def test_requests_sent_are_counted_including_retries_and_excluding_skipped(server):
    server.behave(lambda reply, request: refuse(reply, 700, f"Failed to authenticate for invaid AK : {AK}"))
    outcomes, stats = run(client_for(server, concurrency=1), make_scans(8))
    assert stats.requests == len(server.requests) == 1
    assert AK not in str(stats.stopped_by) and all(AK not in o.err_msg for o in outcomes)

    server.behave(lambda reply, request: reply.drip(b"{" * 200, every_s=0.1))
    outcomes, stats = run(client_for(server, read_timeout_s=0.05, attempts=3, deadline_s=5.0), make_scans(2))
    assert stats.requests == len(server.requests) == 6  # 2 scans × 3 tries, each reached the service
    assert {o.status for o in outcomes} == {ERROR}


def test_a_deeply_nested_or_oversized_answer_is_an_error_of_those_scans(server):
    def behave(reply, request):
        first = scan_indexes(request)[0]
        if first == 0:
            reply.send(200, b"[" * 100_000 + b"]" * 100_000)
        elif first == 1:
            reply.gzip_bomb(decompressed_mb=8)
        else:
            answer_all(reply, request)

    server.behave(behave)
    outcomes, _ = run(client_for(server, max_answer_mb=1.0), make_scans(3))
    assert [o.status for o in outcomes] == [ERROR, ERROR, OK]
    assert "not JSON" in outcomes[0].err_msg and "over the cap of 1 MB" in outcomes[1].err_msg


KILLED_RUN = """
import sys
sys.path.insert(0, sys.argv[1])
from crowdheat.plugin.core.baidu import BaiduClient
from crowdheat.plugin.core.config import BaiduConfig
from crowdheat.plugin.core.scan_cache import ScanCache
from crowdheat.plugin.core.scan_job import geolocate
from crowdheat.plugin.core.scans import AccessPoint, Scan

scans = [Scan(index=n, rows=[n + 1], values=[str(n)],
              wifi=[AccessPoint(f"aa:bb:cc:00:{n // 256:02x}:{n % 256:02x}", -50),
                    AccessPoint(f"aa:bb:cc:01:{n // 256:02x}:{n % 256:02x}", -60)])
         for n in range(int(sys.argv[4]))]
config = BaiduConfig(base_url=sys.argv[2], ak="made-up-ak", rate=40, concurrency=2, batch_size=1)
with BaiduClient(config) as client:
    for outcome in geolocate(iter(scans), client, ScanCache(sys.argv[3]), window=8):
        pass
"""


def test_a_killed_run_keeps_what_it_cached_and_the_rerun_asks_only_for_the_rest(server, plugins_dir, tmp_path):
    import sys

    from tests.hostile import kill_after

    def behave(reply, request):
        time.sleep(0.02)
        answer_all(reply, request)

    server.behave(behave)
    path, total = tmp_path / "answers.sqlite", 200
    kill_after(
        [sys.executable, "-c", KILLED_RUN, str(plugins_dir), server.url + "/locapi/v2", str(path), str(total)],
        lambda: len(server.requests),
        60,
    )
    answered_before = len(server.requests)
    assert 60 <= answered_before < total
    store = ScanCache(path)
    kept = store.count()
    assert answered_before - 8 <= kept <= answered_before  # at most the window in hand is lost
    # The killed process's claims (on this machine, its process gone) are void at once: the rerun
    # does not wait for them to lapse.
    held = store.db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    assert held > 0
    keys = [request_key(prepare(s).body) for s in make_scans(total)]
    fresh = store.claim(keys, "GCJ02", claim_owner("probe"), ttl_s=30, answered_since=0)
    assert len(fresh) == total - kept
    store.release(keys, "GCJ02", claim_owner("probe"))
    server.behave(answer_all)
    outcomes, stats = run(client_for(server), make_scans(total), store, window=64)
    assert [o.status for o in outcomes] == [OK] * total
    assert stats.cache_hits == kept and stats.requests == total - kept
    store.close()


# -- Baidu's current document beside the seed one -------------------------------------------------


def test_a_file_without_imei_gets_one_device_id_and_its_own_imei_wins(server, cache):
    """The current page makes imei mandatory: scans of a file that has none carry one stable
    device id (15 digits, Luhn-valid, made from the file's path); a scan's own imei is kept; the
    answers cache is keyed without it, so that two files share their answers."""
    from crowdheat.plugin.core.baidu import file_device_id

    device = file_device_id("/data/scans/shenzhen.csv")
    assert device == file_device_id("/data/scans/shenzhen.csv") != file_device_id("/data/scans/other.csv")
    digits = [int(d) for d in device]
    assert (
        len(digits) == 15
        and sum(d if i % 2 == 0 else (2 * d - 9 if 2 * d > 9 else 2 * d) for i, d in enumerate(reversed(digits))) % 10
        == 0
    )
    server.behave(answer_all)
    scans = make_scans(3)
    scans[2].extra = {"imei": "861234567890123"}
    outcomes, _ = run(client_for(server, device_id=device), scans, cache=cache)
    sent = [b["imei"] for r in server.requests for b in r.json()["body"]]
    assert sorted(sent) == sorted([device, device, "861234567890123"])
    again = client_for(server, device_id=file_device_id("/data/scans/other.csv"))
    outcomes, stats = run(again, make_scans(2), cache=cache)
    assert stats.cache_hits == 2  # the other file's device id does not change what is asked


def test_the_unknown_signal_value_is_a_setting(server):
    from crowdheat.plugin.core.scans import Cell

    server.behave(answer_all)
    scan = Scan(index=0, rows=[1], values=["0"], cells=[Cell(460, 0, 4189, 8869, None)])
    run(client_for(server, unknown_signal=99), [scan])
    assert server.requests[0].json()["body"][0]["bts"] == "460,0,4189,8869,99"


def test_the_key_in_the_query_string_as_the_current_page_shows_it(server):
    """key/src/prod/ver/trace go in the URL's query; the JSON holds the bodies alone; the AK shows
    in no error or outcome."""
    from urllib.parse import parse_qs, urlsplit

    server.behave(answer_all)
    outcomes, _ = run(client_for(server, auth_in_query=True), make_scans(1))
    request = server.requests[0]
    query = parse_qs(urlsplit(request.path).query)
    assert query["key"] == [AK] and query["ver"] == ["1.0"] and query["trace"] == ["false"]
    assert set(request.json()) == {"body"} and outcomes[0].status == OK
    server.behave(lambda reply, request: refuse(reply, 700, f"Failed to authenticate for invaid AK : {AK}"))
    outcomes, stats = run(client_for(server, auth_in_query=True), make_scans(1))
    text = str(stats.stopped_by) + " ".join(o.err_msg for o in outcomes)
    assert "700" in text and AK not in text and AK[:12] not in text
