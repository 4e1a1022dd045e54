"""Baidu positioning over loopback HTTP: the seed answer, batching, every documented fault, cache."""

import json
import threading

import pytest
import requests

from crowdheat.plugin.core import coords
from crowdheat.plugin.core.baidu import BaiduClient, prepare, raw_crs_of, request_key
from crowdheat.plugin.core.config import BaiduConfig
from crowdheat.plugin.core.scan_cache import ScanCache
from crowdheat.plugin.core.scan_job import ERROR, INVALID, NOT_FOUND, OK, ScanReport, geolocate
from crowdheat.plugin.core.scans import AccessPoint, Scan
from simulator.baidu import AK, SAMPLE_REQUEST, SAMPLE_RESPONSE


@pytest.fixture
def sim(baidu_server):
    baidu_server.reset()
    return baidu_server


@pytest.fixture
def fresh(sim):
    return sim


def client_for(sim, **overrides):
    config = dict(
        base_url=sim.url + "/locapi/v2", ak=AK, rate=500, concurrency=4, attempts=3, backoff_s=0.01, read_timeout_s=10.0
    )
    config.update(overrides)
    return BaiduClient(BaiduConfig(**config))


def make_scans(count, invalid_every=0):
    out = []
    for n in range(count):
        scan = Scan(index=n, rows=[n + 1], values=[str(n)])
        if invalid_every and n % invalid_every == invalid_every - 1:
            scan.invalid = "no usable WiFi AP and no cell"
        else:
            scan.wifi = [
                AccessPoint(f"aa:bb:cc:00:{n // 256:02x}:{n % 256:02x}", -50),
                AccessPoint(f"aa:bb:cc:01:{n // 256:02x}:{n % 256:02x}", -60),
            ]
        out.append(scan)
    return out


def run(client, scan_list, cache=None, **kwargs):
    stats = ScanReport()
    outcomes = list(geolocate(iter(scan_list), client, cache, stats=stats, window=16, **kwargs))
    assert [o.scan.index for o in outcomes] == [s.index for s in scan_list]  # each once, in order
    return outcomes, stats


def test_seed_request_answered_as_in_the_doc(fresh):
    payload = json.loads(SAMPLE_REQUEST.read_text())
    payload["key"] = AK
    reply = requests.post(fresh.url + "/locapi/v2", json=payload, timeout=5)
    assert reply.content == SAMPLE_RESPONSE.read_bytes()
    bandung = reply.json()["body"][1]
    system = raw_crs_of(bandung, coords.GCJ02)
    assert system == coords.WGS84  # outside China the numbers are WGS84 whatever coor says
    assert coords.convert(107.614218, -6.941022, system, coords.WGS84) == (107.614218, -6.941022)
    assert raw_crs_of(reply.json()["body"][0], coords.BD09) == coords.BD09


def test_batches_of_two_matched_by_ctime(fresh):
    fresh.push_faults("reorder", "reorder")
    outcomes, stats = run(client_for(fresh), make_scans(7, invalid_every=4))
    assert [o.status for o in outcomes] == [OK, OK, OK, INVALID, OK, OK, OK]
    assert stats.requests == 3 and fresh.bodies_answered == 6
    for outcome in outcomes:
        if outcome.status == OK:
            expected = fresh.locate(dict(outcome.scan.body, ctime="x", coor="GCJ02", need_rgc="Y"))
            assert outcome.answer["location"] == expected["location"]
    body = json.loads(fresh.requests[0]["body"])
    assert {b["coor"] for b in body["body"]} == {"GCJ02"} and len({b["ctime"] for b in body["body"]}) == 2


def test_a_failed_scan_inside_a_200_answer(fresh):
    fresh.push_faults("result_error")
    outcomes, _ = run(client_for(fresh, concurrency=1), make_scans(2))
    assert [o.status for o in outcomes] == [NOT_FOUND, OK]
    assert outcomes[0].err_code == "-1"


def test_missing_result_is_an_error_for_that_scan_only(fresh):
    fresh.push_faults("drop_result")
    outcomes, _ = run(client_for(fresh, concurrency=1), make_scans(2))
    assert [o.status for o in outcomes] == [OK, ERROR] and "matched by ctime" in outcomes[1].err_msg


def test_101_falls_back_to_one_scan_per_request(fresh):
    fresh.max_batch = 1
    messages = []
    outcomes, stats = run(client_for(fresh), make_scans(6), log=messages.append)
    assert all(o.status == OK for o in outcomes) and stats.batch_fallback
    assert any("101" in m for m in messages)
    assert fresh.bodies_answered == 6


def test_901_then_success(fresh):
    fresh.push_faults("errcode:901")
    outcomes, stats = run(client_for(fresh, concurrency=1), make_scans(2))
    assert all(o.status == OK for o in outcomes) and len(fresh.requests) == 2


def test_901_until_the_retries_run_out(fresh):
    fresh.push_faults(*["errcode:901"] * 3)
    outcomes, _ = run(client_for(fresh, concurrency=1), make_scans(2))
    assert [o.status for o in outcomes] == [ERROR, ERROR]
    assert outcomes[0].err_code == "901" and "lower 'requests per second'" in outcomes[0].err_msg


def test_802_in_the_middle_then_the_rerun_finishes_from_the_cache(fresh, tmp_path):
    fresh.daily_quota = 3
    cache = ScanCache(tmp_path / "cache.sqlite")
    scan_list = make_scans(10)
    outcomes, stats = run(client_for(fresh, concurrency=1), scan_list, cache)
    assert [o.status for o in outcomes[:6]] == [OK] * 6
    assert all(o.status == ERROR and o.err_code == "802" for o in outcomes[6:])
    assert stats.stopped_by.errcode == 802 and "daily quota" in str(stats.stopped_by)
    answered_before = fresh.bodies_answered
    fresh.daily_quota = None  # the next day
    again, stats = run(client_for(fresh, concurrency=1), scan_list, cache)
    assert all(o.status == OK for o in again)
    assert stats.cache_hits == 6 and fresh.bodies_answered - answered_before == 4  # only the rest was asked
    assert [o.answer["location"] for o in again[:6]] == [o.answer["location"] for o in outcomes[:6]]
    cache.close()


def test_700_stops_at_once_and_never_shows_the_key(fresh):
    client = client_for(fresh, ak="a-wrong-ak-123456", concurrency=1)
    outcomes, stats = run(client, make_scans(6))
    assert len(fresh.requests) == 1
    assert all(o.status == ERROR and o.err_code == "700" for o in outcomes)
    text = str(stats.stopped_by) + " ".join(o.err_msg for o in outcomes)
    assert "AK is invalid" in text and "a-wrong-ak-123456" not in text and "***" in text


def test_a_timed_out_request_marks_its_scans_and_the_run_goes_on(fresh):
    fresh.push_faults("timeout", "timeout", "timeout")  # every try of the first request
    outcomes, stats = run(client_for(fresh, concurrency=1, read_timeout_s=0.5), make_scans(4))
    assert [o.status for o in outcomes] == [ERROR, ERROR, OK, OK]
    assert outcomes[0].err_code == "network" and "No answer from Baidu positioning" in outcomes[0].err_msg
    assert stats.stopped_by is None


def test_no_answer_in_a_row_stops_the_run(fresh):
    fresh.push_faults(*["timeout"] * 9)  # 3 requests × 3 tries
    outcomes, stats = run(client_for(fresh, concurrency=1, read_timeout_s=0.5), make_scans(10))
    assert all(o.status == ERROR for o in outcomes)
    assert "3 requests in a row got no answer" in str(stats.stopped_by)
    assert len(fresh.requests) == 9  # nothing sent after the stop


def test_cancel_keeps_what_is_done(fresh):
    answered = []

    def cancelled():
        return len(answered) >= 1

    outcomes, stats = run(
        client_for(fresh, concurrency=1), make_scans(40), is_cancelled=cancelled, on_progress=answered.append
    )
    statuses = [o.status for o in outcomes]
    assert statuses[:16] == [OK] * 16  # the first window went through
    assert set(statuses[16:]) == {ERROR} and outcomes[-1].err_code == "cancelled"
    assert stats.cancelled


def test_sn_signing(fresh):
    fresh.sk = "sim-secret-sk"
    outcomes, _ = run(client_for(fresh, sk="sim-secret-sk", concurrency=1), make_scans(2))
    assert all(o.status == OK for o in outcomes)
    assert "sn=" in fresh.requests[-1]["path"]
    outcomes, stats = run(client_for(fresh, sk="wrong-sk", concurrency=1), make_scans(2))
    assert stats.stopped_by.code == 711 and all(o.status == ERROR for o in outcomes)


def test_check_connection(fresh):
    from crowdheat.plugin.core.baidu import BaiduError, check_connection

    assert "AK is accepted" in check_connection(client_for(fresh))
    with pytest.raises(BaiduError) as info:
        check_connection(client_for(fresh, ak="nope-nope"))
    assert info.value.errcode == 700 and "nope-nope" not in str(info.value)
    assert fresh.bodies_answered == 0


@pytest.mark.parametrize("configured", [30, 60])
def test_the_rate_holds_a_strict_sliding_second_limit(fresh, configured):
    """The service counts requests in ANY sliding second (30) and the network jitters by up to
    20 ms. Set right (30) or twice too high (60), the run ends with every scan located and few
    901s: the limiter keeps a margin against jitter and backs off on 901."""
    fresh.rate_limit, fresh.latency_jitter_s = 30, 0.02
    client = client_for(fresh, rate=configured, batch_size=1, concurrency=8, attempts=6, backoff_s=0.05)
    outcomes, stats = run(client, make_scans(150))
    assert [o.status for o in outcomes] == [OK] * 150
    # Set right, a handful; twice too high, the first second's excess, then the service's rate.
    assert fresh.throttled <= (10 if configured == 30 else 25), fresh.throttled
    assert stats.requests == len(fresh.requests) == 150 + fresh.throttled


def test_one_usable_access_point_is_refused_by_the_simulator(fresh):
    """As the service: WiFi-only needs 2 distinct APs with a MAC and a whole-number RSSI."""
    client = client_for(fresh)
    bodies = [
        {"accesstype": 1, "macs": "aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:01,-60,"},
        {"accesstype": 1, "macs": "aa:bb:cc:dd:ee:01,-50,|zz:bb:cc:dd:ee:02,-60,"},
        {"accesstype": 1, "macs": "aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"},
        {"accesstype": 0, "bts": "460,0,-1,-1,-60", "network": "GSM", "cdma": 0},
    ]
    answers = [client.locate([client.full_body(b, str(k))])[str(k)] for k, b in enumerate(bodies)]
    assert [a["error"] for a in answers] == [-1, -1, 0, -1]


def test_a_not_found_code_is_the_error_as_a_whole_number():
    from crowdheat.plugin.core.scan_job import judge

    for answer, code in (({"error": -1, "type": 0}, "-1"), ({"error": -1.0, "type": 0}, "-1"), ({"type": 0}, "0")):
        outcome, cacheable = judge(None, dict(answer, ctime="1"))
        assert outcome.status == NOT_FOUND and outcome.err_code == code and cacheable


def test_scan_times_are_checked_by_the_simulator_and_sent_ones_accepted(fresh):
    """As strict as a service with a documented parameter: epoch seconds, start not after end;
    anything else is the whole request's 103 "param error"."""
    client = client_for(fresh)
    macs = "aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"
    good = {"accesstype": 1, "macs": macs, "wifi_s_time": "1714528800", "wifi_e_time": "1714528809"}
    assert client.locate([client.full_body(good, "1")])["1"]["error"] == 0
    for bad in (
        dict(good, wifi_s_time="1714528800000"),  # milliseconds
        dict(good, wifi_e_time="2024-05-01 10:00:09"),
        dict(good, wifi_s_time="1714528810"),  # starts after it ends
    ):
        with pytest.raises(Exception) as caught:
            client.locate([client.full_body(bad, "2")])
        assert "103" in str(caught.value)


def test_two_runs_on_one_cache_pay_for_each_scan_once(fresh, tmp_path):
    """Two runs (two QGIS, or the dock and a batch) over the same scans and the same answers
    cache, at the same time: a scan one run has claimed is waited for by the other, not paid
    twice. Each run has its own connection to the file, as two processes would."""
    fresh.latency_s = 0.02  # answers take a little while, so that the runs overlap
    scans_a, scans_b = make_scans(120), make_scans(120)
    path = tmp_path / "shared-answers.sqlite"
    results, reports = {}, {}

    def one_run(name, scans):
        cache = ScanCache(path)
        reports[name] = ScanReport()
        client = client_for(fresh, batch_size=2)
        results[name] = list(geolocate(iter(scans), client, cache, stats=reports[name], window=16))
        cache.close()

    runs = [threading.Thread(target=one_run, args=(n, s)) for n, s in (("a", scans_a), ("b", scans_b))]
    for run_ in runs:
        run_.start()
    for run_ in runs:
        run_.join(timeout=120)
    assert all(not r.is_alive() for r in runs)
    assert fresh.bodies_answered == 120  # each distinct scan paid for once, by one of the runs
    for name in "ab":
        assert [o.status for o in results[name]] == [OK] * 120
    assert reports["a"].shared + reports["b"].shared > 0  # they did meet
    assert [o.answer["location"] for o in results["a"]] == [o.answer["location"] for o in results["b"]]


def test_a_claim_left_by_a_dead_run_expires_and_the_scan_is_sent(fresh, tmp_path):
    path = tmp_path / "answers.sqlite"
    scans = make_scans(3)
    client = client_for(fresh, batch_size=1)
    dead = ScanCache(path)
    keys = [request_key(prepare(s).body) for s in scans]
    assert dead.claim(keys, client.config.coor, owner="dead run", ttl_s=0.5, answered_since=0) == set(keys)
    dead.close()  # killed: its claims stay in the file
    cache = ScanCache(path)
    outcomes, stats = run(client, scans, cache)
    assert [o.status for o in outcomes] == [OK] * 3 and fresh.bodies_answered == 3
    cache.close()
