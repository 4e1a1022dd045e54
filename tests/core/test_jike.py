"""The Jike client against the loopback simulator: the sample, generated heat, and every fault."""

import json
import socket

import pytest

from crowdheat.plugin.core import heat_answer
from crowdheat.plugin.core.config import JikeConfig, resolve_jike
from crowdheat.plugin.core.errors import (
    AuthError,
    CancelledError,
    ConfigurationError,
    CrowdHeatError,
    EmptyResultError,
    NetworkError,
    ResponseFormatError,
    ServerError,
    ServiceError,
)
from crowdheat.plugin.core.fence import make_circle_fence, make_ring_fence
from crowdheat.plugin.core.jike import JikeClient
from simulator.jike import SAMPLE_REQUEST, TOKEN
from tests.core.fetching import fetch_heat, heat_map

SAMPLE_FENCE = make_ring_fence(1, json.loads(SAMPLE_REQUEST.read_text())["fence"], label="sample")
# About 300 m × 220 m in Futian, Shenzhen.
BLOCK = make_ring_fence(2, [(114.055, 22.540), (114.058, 22.540), (114.058, 22.542), (114.055, 22.542)], label="block")


@pytest.fixture
def sim(jike_sim):
    return jike_sim


@pytest.fixture
def client(sim):
    return JikeClient(JikeConfig(base_url=sim.url, token=TOKEN, read_timeout_s=10.0, attempts=3, backoff_s=0.01))


@pytest.fixture
def impatient_client(sim):
    """A read timeout well under the simulator's 3 s "timeout" fault (only for the tests of it)."""
    return JikeClient(JikeConfig(base_url=sim.url, token=TOKEN, read_timeout_s=0.5, attempts=3, backoff_s=0.01))


def expect_error(client, kind, fence=SAMPLE_FENCE, **kwargs):
    with pytest.raises(kind) as info:
        heat_map(client, fence, **kwargs)
    assert TOKEN not in str(info.value) and TOKEN not in info.value.details
    return info.value


def test_sample_fence_gets_the_seed_answer(client, sim):
    data = heat_map(client, SAMPLE_FENCE)
    assert data.cell_count == 5 and data.cell_day_count == 45 and not data.problems
    assert data.response_id == "a3b81b8c-e453-4fb3-bc76-a2a0f9c7d75e"
    request = sim.requests[-1]
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request["body"]) == json.loads(SAMPLE_REQUEST.read_text())
    # Days come back unsorted and one is missing; parsed rows are sorted, per cell, by date.
    dates = data.day_date[data.day_cell == 0]
    assert list(dates) == sorted(dates) and len(dates) == 9
    sums = {n: int(data.day_heat[data.day_cell == n].sum()) for n in range(5)}
    assert [sums[n] for n in range(5)] == data.cell_heat.tolist()


def test_generated_heat_for_another_fence_and_level(client, sim):
    data = heat_map(client, BLOCK, cell_level=17)
    assert json.loads(sim.requests[-1]["body"])["cell_level"] == 17
    assert set(data.levels.tolist()) == {17}
    assert 4 <= data.cell_count <= 30
    assert set(data.days_per_cell().tolist()) == {9}  # 10 days minus a missing one
    assert not data.problems  # numbers sent as strings are accepted


def test_circle_is_sent_as_circle(client, sim):
    data = heat_map(client, make_circle_fence(0, 114.0565, 22.541, 150.0), cell_level=18)
    body = json.loads(sim.requests[-1]["body"])
    assert body["circle"] == {"center_point": [114.0565, 22.541], "radius": 150.0}
    assert data.cell_count > 10


def test_401_is_an_auth_error_without_the_token(sim):
    sim.clear()
    bad = JikeClient(JikeConfig(base_url=sim.url, token="wrong-token-123", attempts=3, backoff_s=0.01))
    error = expect_error(bad, AuthError)
    assert error.http_status == 401 and "HTTP 401" in str(error) and "wrong-token-123" not in str(error)
    assert len(sim.requests) == 1  # not retried: every retry would fail the same way


def test_429_then_success(client, sim):
    sim.push_faults("http:429")
    assert heat_map(client, SAMPLE_FENCE).cell_count == 5
    assert len(sim.requests) == 2


def test_500_three_times_gives_up_with_codes(client, sim):
    sim.push_faults("http:500", "http:500", "http:500")
    error = expect_error(client, ServerError)
    assert error.http_status == 500 and "3 times" in str(error) and len(sim.requests) == 3


def test_500_twice_then_success(client, sim):
    sim.push_faults("http:502", "http:503")
    assert heat_map(client, SAMPLE_FENCE).cell_count == 5


def test_timeout_is_retried_then_reported(impatient_client, sim):
    sim.push_faults("timeout", "timeout", "timeout")
    error = expect_error(impatient_client, NetworkError)
    assert "3 tries" in str(error) and "0.5 s" in str(error)


def test_timeout_once_then_success(impatient_client, sim):
    sim.push_faults("timeout")
    assert heat_map(impatient_client, SAMPLE_FENCE).cell_count == 5


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = JikeClient(JikeConfig(base_url=f"http://127.0.0.1:{port}", token=TOKEN, attempts=2, backoff_s=0.01))
    error = expect_error(client, NetworkError)
    assert "cannot connect" in str(error) and "proxy" in str(error)


def test_html_body(client, sim):
    sim.push_faults("html")
    error = expect_error(client, ResponseFormatError)
    assert "HTML" in str(error)


def test_truncated_json(client, sim):
    sim.push_faults("truncated")
    error = expect_error(client, ResponseFormatError)
    assert "cut off" in str(error)


def test_biz_code_error_shows_both_codes_and_response_id(client, sim):
    sim.push_faults("biz:40301")
    error = expect_error(client, ServiceError)
    assert error.code == 200 and error.biz_code == 40301
    text = str(error)
    assert "code 200" in text and "biz_code 40301" in text and "response_id" in text and error.response_id in text


def test_empty_items(client, sim):
    sim.push_faults("empty")
    error = expect_error(client, EmptyResultError)
    assert "no cells" in str(error)


def test_missing_token_and_bad_url_are_configuration_errors():
    with pytest.raises(ConfigurationError, match="CROWDHEAT_JIKE_TOKEN"):
        JikeClient(JikeConfig(token=""))
    with pytest.raises(ConfigurationError, match="not an http"):
        JikeClient(JikeConfig(base_url="ftp://x", token="t"))


def test_cancel_between_retries(client, sim):
    sim.push_faults("http:500", "http:500", "http:500")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(CancelledError):
        heat_map(client, SAMPLE_FENCE, is_cancelled=cancelled)
    assert len(sim.requests) < 3


def test_run_keeps_partial_results_when_a_fence_fails(client, sim):
    sim.push_faults("empty")
    run = fetch_heat(client, [BLOCK, SAMPLE_FENCE], cell_level=None)
    assert len(run.results) == 1 and len(run.failures) == 1  # requests go in Hilbert order, not input order
    failed, error = run.failures[0]
    assert isinstance(error, EmptyResultError) and run.stopped_by is None
    failed_fence = SAMPLE_FENCE if "(sample)" in failed else BLOCK
    assert run.results[0].fence_id != failed_fence.fence_id


def test_run_stops_on_auth_error(sim):
    sim.clear()
    bad = JikeClient(JikeConfig(base_url=sim.url, token="nope", attempts=1))
    run = fetch_heat(bad, [SAMPLE_FENCE, BLOCK], concurrency=1)
    assert not run.results and isinstance(run.stopped_by, AuthError) and len(sim.requests) == 1
    sim.clear()
    run = fetch_heat(bad, [SAMPLE_FENCE, BLOCK], concurrency=2)  # at most the requests already on their way
    assert isinstance(run.stopped_by, AuthError) and len(sim.requests) <= 2


def test_environment_overrides_stored_settings():
    stored = {"base_url": "https://stored.example/api/", "token": "stored-token", "attempts": "5"}
    cfg = resolve_jike(stored, {})
    assert cfg.base_url == "https://stored.example/api" and cfg.token == "stored-token" and cfg.attempts == 5
    cfg = resolve_jike(stored, {"CROWDHEAT_JIKE_URL": "http://127.0.0.1:9", "CROWDHEAT_JIKE_TOKEN": "env-token"})
    assert cfg.base_url == "http://127.0.0.1:9" and cfg.token == "env-token" and cfg.url_from_env and cfg.token_from_env
    assert "env-token" not in repr(cfg)
    assert resolve_jike({}, {}).base_url == "https://data-api.isjike.com/api"


# -- parsing robustness (no HTTP needed) --------------------------------------------------------


def item(token="3403ee114b", **overrides):
    base = {
        "cell_token": token,
        "cell_id": str(int(token.ljust(16, "0"), 16)),
        "cell_center": [113.93710418270048, 22.530021597437408],
        "cell_level": 18,
        "cell_heat": 24,
        "time_range": [{"date": "20250416", "heat": [1] * 24}],
    }
    base.update(overrides)
    return base


def test_numbers_as_strings_are_accepted():
    data = heat_answer.parse_items(
        [item(cell_level="18", cell_heat="24", time_range=[{"date": 20250416, "heat": ["1"] * 23 + [1]}])]
    )
    assert data.cell_heat.tolist() == [24] and data.day_heat.sum() == 24 and not data.problems


def test_malformed_items_and_days_are_reported_not_fatal():
    items = [
        item(),
        item(cell_id="123", cell_token="3403ee114b"),  # id and token disagree
        item(token="3403ee114f", cell_level=17),  # level disagrees with the id
        {"cell_center": [1, 2]},  # no identity
        "not an object",
        item(token="3403ee16b3", cell_heat="many"),
        item(
            token="3403ee1149",
            time_range=[
                {"date": "2025-04-16", "heat": [1] * 24},
                {"date": "20250417", "heat": [1] * 23},
                {"date": "20250418", "heat": [-1] * 24},
                {"date": "20250419", "heat": [2] * 24},
            ],
        ),
    ]
    data = heat_answer.parse_items(items)
    assert data.tokens == ["3403ee114b", "3403ee1149"]
    assert data.cell_day_count == 2
    text = "\n".join(data.problems)
    for fragment in (
        "name different cells",
        "level 18",
        "neither cell_id nor cell_token",
        "not an object",
        "cell_heat",
        "YYYYMMDD",
        "23 values",
        "whole numbers",
    ):
        assert fragment in text
    # cell 3403ee1149's centre is not the one given in item(): reported, cell kept
    assert "not inside the cell" in text


def test_code_as_string_and_non_200_codes():
    ok = {"code": "200", "biz_code": "200", "data": {"items": [item()]}}
    assert heat_answer.parse_heat_response(json.dumps(ok).encode()).cell_count == 1
    with pytest.raises(ServiceError) as info:
        heat_answer.parse_heat_response(json.dumps({"code": 500, "message": "oops", "biz_code": 200}).encode())
    assert (info.value.code, info.value.service_message, info.value.biz_code) == (500, "oops", 200)
    with pytest.raises(ResponseFormatError, match="data.items"):
        heat_answer.parse_heat_response(json.dumps({"code": 200, "biz_code": 200, "data": None}).encode())
    with pytest.raises(ResponseFormatError, match="empty body"):
        heat_answer.parse_heat_response(b" ")
    assert issubclass(ResponseFormatError, CrowdHeatError)


@pytest.mark.parametrize("window, margin", [(1 << 20, 1 << 16), (1000, 7), (97, 1)])
def test_answers_decode_item_by_item_to_the_same_result(monkeypatch, window, margin):
    """The answer is read a window at a time (an answer of 50,000 cells is 65 MB of JSON): with
    windows so small that numbers, strings and escapes are cut at their edges, the document is
    the one json.loads gives, items handed over one by one."""
    import numpy as np

    from simulator.jike import envelope, generate_items

    monkeypatch.setattr(heat_answer._Stream, "WINDOW", window)
    monkeypatch.setattr(heat_answer._Stream, "MARGIN", margin)
    ids = [int(i) for i in np.array([3748101072942530560 + (k << 13) for k in range(600)], dtype=np.uint64)]
    doc = envelope(generate_items([i | (1 << 12) for i in ids], seed=5))
    doc["biz_message"] = 'ok, "items": [] {tricky} \u4e2d\u6587 "quoted" 热力'
    doc["big_number"] = 12345678901234567890
    raw = json.dumps(doc, indent=1, ensure_ascii=False).encode()
    seen = []
    decoded = heat_answer._decode(raw, read_items=lambda items: seen.extend(items) or seen)
    assert decoded == json.loads(raw) and len(seen) == 600
    with pytest.raises(ResponseFormatError, match="cut off"):
        heat_answer._decode(raw[: len(raw) // 2], read_items=list)


def test_check_connection(client, sim):
    from crowdheat.plugin.core.jike import check_connection

    assert check_connection(client).startswith("Connected: the token is accepted")
    bad = JikeClient(JikeConfig(base_url=sim.url, token="bad", attempts=1))
    with pytest.raises(AuthError) as info:
        check_connection(bad)
    assert info.value.http_status == 401


def test_stored_settings_are_read_within_their_specified_ranges():
    from crowdheat.plugin.core.config import SETTINGS, Service, resolve

    for service in Service:
        numbers = [spec for spec in SETTINGS[service] if spec.kind in (int, float) and spec.high is not None]
        too_high = resolve(service, {spec.key: str(spec.high * 10 + 1) for spec in numbers}, {})
        too_low = resolve(service, {spec.key: str(spec.low - 10) for spec in numbers}, {})
        unreadable = resolve(service, {spec.key: "many" for spec in numbers}, {})
        defaults = resolve(service, {}, {})
        for spec in numbers:
            assert getattr(too_high, spec.key) == spec.high and getattr(too_low, spec.key) == spec.low
            assert getattr(unreadable, spec.key) == getattr(defaults, spec.key)
