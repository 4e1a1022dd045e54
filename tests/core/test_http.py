"""The Jike client against a service that misbehaves on purpose (loopback only). Each test's
name is the rule it checks. Deadlines are short where the deadline is what is tested, and
generous elsewhere; no test asserts on elapsed time tighter than the drip it outlasts (a drip
lasts 5 s, see tests/hostile.py), so that the matrix holds on a busy machine."""

import datetime
import json
import time

import pytest

from crowdheat.plugin.core import heat_answer
from crowdheat.plugin.core.config import JikeConfig
from crowdheat.plugin.core.errors import CancelledError, NetworkError, ResponseFormatError, ServiceError
from crowdheat.plugin.core.fence import make_circle_fence, make_ring_fence
from crowdheat.plugin.core.jike import JikeClient
from simulator.jike import generate_items
from tests.core.fetching import fetch_heat, heat_map

TOKEN = "made-up-jike-token-0123456789"
BLOCK_RING = [(114.055, 22.540), (114.058, 22.540), (114.058, 22.542), (114.055, 22.542)]
BLOCK = make_ring_fence(1, BLOCK_RING, label="block")
# Level-17 cells of the block (the simulator's own covering: all intersect the block).
from shapely.geometry import Polygon  # noqa: E402

from simulator.jike import cells_in  # noqa: E402

BLOCK_CELLS = cells_in(Polygon(BLOCK_RING), 17)


DRIP_S = 5.0  # how long a hostile server drips before it gives up (tests/hostile.py)


def envelope(items, **codes):
    doc = {
        "response_id": "r-1",
        "code": 200,
        "message": "success",
        "biz_code": 200,
        "biz_message": "ok",
        "data": {"items": items},
    }
    doc.update(codes)
    return doc


def good_answer(ids=BLOCK_CELLS, seed=1):
    return envelope(generate_items(ids, seed=seed, stringly=False))


def client_for(server, **overrides):
    config = dict(base_url=server.url, token=TOKEN, read_timeout_s=10.0, attempts=3, backoff_s=0.01, deadline_s=30.0)
    config.update(overrides)
    return JikeClient(JikeConfig(**config))


def no_token_in(exc):
    text = " ".join(
        str(v) for v in (exc, exc.details, getattr(exc, "biz_message", ""), getattr(exc, "service_message", ""))
    )
    assert TOKEN not in text and TOKEN[:12] not in text
    return text


# -- redirects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_to_another_host_is_refused_and_the_token_never_leaves(hostile_servers, status):
    main, elsewhere = hostile_servers
    elsewhere.behave(lambda reply, request: reply.send(200, good_answer()))
    main.behave(lambda reply, request: reply.redirect(status, elsewhere.url + "/v1/heat_map"))
    with client_for(main) as client, pytest.raises(NetworkError) as info:
        heat_map(client, BLOCK, 17)
    assert elsewhere.requests == []
    assert elsewhere.url in str(info.value) and "Not followed" in str(info.value)
    assert len(main.requests) == 1  # a refused redirect is not retried


def test_redirect_on_the_same_host_is_followed_with_the_same_body(server):
    def behave(reply, request):
        if request.path == "/v1/heat_map":
            reply.redirect(308, "/v2/heat_map")
        else:
            reply.send(200, good_answer())

    server.behave(behave)
    with client_for(server) as client:
        data = heat_map(client, BLOCK, 17)
    assert data.cell_count == len(BLOCK_CELLS)
    assert [r.path for r in server.requests] == ["/v1/heat_map", "/v2/heat_map"]
    assert server.requests[1].json() == server.requests[0].json()


def test_a_redirect_loop_is_reported_not_followed_for_ever(server):
    server.behave(lambda reply, request: reply.redirect(307, "/v1/heat_map"))
    with client_for(server) as client, pytest.raises(NetworkError) as info:
        heat_map(client, BLOCK, 17)
    assert "loop" in str(info.value)
    assert len(server.requests) <= 6


# -- drips, deadline, cancel, size ---------------------------------------------------------------


def test_a_dripping_answer_ends_at_the_deadline_and_is_not_retried(server):
    body = json.dumps(good_answer()).encode()
    server.behave(lambda reply, request: reply.drip(body, every_s=0.05))
    started = time.monotonic()
    with client_for(server, deadline_s=0.8) as client, pytest.raises(NetworkError) as info:
        heat_map(client, BLOCK, 17)
    assert time.monotonic() - started < DRIP_S  # the watch ended it, not the drip
    assert "0.8 s" in str(info.value)
    assert len(server.requests) == 1


def test_cancel_interrupts_a_dripping_answer_at_once(server):
    body = json.dumps(good_answer()).encode()
    server.behave(lambda reply, request: reply.drip(body, every_s=0.05))
    started = time.monotonic()
    with client_for(server, deadline_s=30.0) as client, pytest.raises(CancelledError):
        heat_map(client, BLOCK, 17, is_cancelled=lambda: time.monotonic() - started > 0.3)
    assert time.monotonic() - started < DRIP_S  # the watch ended it, not the drip


def test_an_answer_announced_over_the_cap_is_refused_before_reading(server):
    server.behave(lambda reply, request: reply.send(200, b"{}", {"Content-Length": str(50 * 1024 * 1024)}))
    with client_for(server, max_answer_mb=1.0) as client, pytest.raises(ResponseFormatError) as info:
        heat_map(client, BLOCK, 17)
    assert "over the cap of 1 MB" in str(info.value)


def test_a_gzip_bomb_is_refused_once_it_decompresses_past_the_cap(server):
    server.behave(lambda reply, request: reply.gzip_bomb(decompressed_mb=40))
    with client_for(server, max_answer_mb=2.0, deadline_s=120.0) as client, pytest.raises(ResponseFormatError) as info:
        heat_map(client, BLOCK, 17)
    assert "decompressed" in str(info.value)


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("encoding", ["br", "gzip, gzip"])
def test_encodings_that_expand_in_one_read_are_refused_before_they_expand(server, encoding):
    """python3-brotli (a QGIS dependency) lets requests decode br, and stacked gzip, in one read:
    1.6 KB became 1 GB before the cap was looked at. Only one gzip (or deflate) is accepted, and
    decoded here piece by piece under the cap."""
    import gzip

    huge = b'{"x": "' + b" " * (400 * 1024 * 1024) + b'"}'
    if encoding == "br":
        brotli = pytest.importorskip("brotli")
        body = brotli.compress(huge, quality=5)
    else:
        body = gzip.compress(gzip.compress(huge, 9), 9)
    del huge
    before = peak_rss_mb()
    server.behave(lambda reply, request: reply.send(200, body, {"Content-Encoding": encoding}))
    with client_for(server, max_answer_mb=2.0) as client, pytest.raises(ResponseFormatError) as info:
        heat_map(client, BLOCK, 17)
    assert f"'{encoding}'" in str(info.value) and "gzip" in str(info.value)
    assert peak_rss_mb() - before < 100  # nothing was expanded


def test_a_single_gzip_answer_is_decoded_and_a_gzip_bomb_stops_at_the_cap(server):
    import gzip

    server.behave(
        lambda reply, request: reply.send(
            200, gzip.compress(json.dumps(good_answer()).encode()), {"Content-Encoding": "gzip"}
        )
    )
    with client_for(server) as client:
        assert heat_map(client, BLOCK, 17).cell_count == len(BLOCK_CELLS)
    assert "gzip" in server.requests[0].headers.get("Accept-Encoding", "") and "br" not in server.requests[
        0
    ].headers.get("Accept-Encoding", "")
    before = peak_rss_mb()
    server.behave(lambda reply, request: reply.gzip_bomb(decompressed_mb=300))
    with client_for(server, max_answer_mb=2.0, deadline_s=120.0) as client, pytest.raises(ResponseFormatError):
        heat_map(client, BLOCK, 17)
    assert peak_rss_mb() - before < 100


@pytest.mark.parametrize(
    "location", ["http://127.0.0.1:99999/v1/heat_map", "http://[::1/v1/heat_map", "http://[zz::1]/x"]
)
def test_a_redirect_to_an_invalid_address_is_a_clear_error_not_a_traceback(server, location):
    server.behave(lambda reply, request: reply.redirect(302, location))
    with client_for(server) as client, pytest.raises(NetworkError) as info:
        heat_map(client, BLOCK, 17)
    assert "not a valid address" in str(info.value) and "Not followed" in str(info.value)


def test_retry_after_as_an_http_date_is_honoured(server):
    """RFC 9110 allows Retry-After as a date; it was ignored (the backoff of 0.01 s was used)."""
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    def behave(reply, request):
        if len(server.requests) == 1:
            when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=3), usegmt=True)
            reply.send(429, b"{}", {"Retry-After": when})
        else:
            reply.send(200, good_answer())

    server.behave(behave)
    started = time.monotonic()
    with client_for(server) as client:
        heat_map(client, BLOCK, 17)
    assert time.monotonic() - started >= 1.5  # the date is to the second: at least 2 s were left
    assert len(server.requests) == 2


def test_deeply_nested_json_is_a_malformed_answer_not_a_recursion_error(server):
    server.behave(lambda reply, request: reply.send(200, b"[" * 100_000 + b"]" * 100_000))
    with client_for(server) as client, pytest.raises(ResponseFormatError) as info:
        heat_map(client, BLOCK, 17)
    assert "nested too deeply" in str(info.value)


# -- echoed secrets -----------------------------------------------------------------------------


def test_a_token_echoed_inside_a_successful_answer_is_neither_kept_nor_cached(server, tmp_path):
    from crowdheat.plugin.core.heat_cache import HeatCache

    answer = good_answer()
    answer["response_id"] = f"r-{TOKEN}-1"
    answer["message"] = f"ok for {TOKEN[:20]}"
    server.behave(lambda reply, request: reply.send(200, answer))
    cache = HeatCache(tmp_path / "answers.sqlite")
    with client_for(server) as client:
        data = heat_map(client, BLOCK, 17)
        content = client.fetch_heat_bytes(BLOCK, 17)
    assert data.cell_count == len(BLOCK_CELLS) and data.response_id == "r-***-1"
    cache.put("u", {"fence": 1}, datetime.date(2026, 12, 2), content)
    cache.close()
    stored = (tmp_path / "answers.sqlite").read_bytes()
    assert TOKEN[:12].encode() not in stored and TOKEN[-12:].encode() not in stored


def test_pieces_of_a_token_are_masked_where_a_whole_one_would_be():
    """A refusal echoing 20 of the token's characters passed the exact-match mask."""
    from crowdheat.plugin.core.errors import redact

    assert redact(f"bad token {TOKEN[:20]}…", [TOKEN]) == "bad token ***…"
    assert redact(f"bad token …{TOKEN[-13:]}", [TOKEN]) == "bad token …***"
    assert redact(f"token {TOKEN[3:15]} refused", [TOKEN]) == "token *** refused"
    assert redact("cell 1a2b3c made", [TOKEN]) == "cell 1a2b3c made"  # no piece of it: untouched
    assert redact(f"x {TOKEN[:11]} y", [TOKEN]) == f"x {TOKEN[:11]} y"  # under 12 characters: left


def test_a_token_echoed_in_a_business_message_is_redacted_everywhere(server):
    server.behave(
        lambda reply, request: reply.send(
            200,
            envelope(
                [], biz_code=401, biz_message=f"invalid credential: Bearer {TOKEN}", message=f"token {TOKEN} refused"
            ),
        )
    )
    with client_for(server) as client, pytest.raises(ServiceError) as info:
        heat_map(client, BLOCK, 17)
    text = no_token_in(info.value)
    assert "biz_code 401" in text and "Bearer ***" in text


@pytest.mark.parametrize(
    "page",
    [
        f"<html><body>Forbidden. Authorization: Bearer {TOKEN[:14]}</body></html>",
        json.dumps({"code": 403, "message": f"Forbidden: Authorization Bearer {TOKEN}", "response_id": "r-9"}),
        json.dumps({"code": 403, "message": f"key {TOKEN} is disabled"}),
    ],
)
def test_a_token_echoed_in_a_403_page_is_redacted(server, page):
    server.behave(lambda reply, request: reply.send(403, page.encode(), content_type="text/html"))
    with client_for(server) as client, pytest.raises(ServiceError) as info:
        heat_map(client, BLOCK, 17)
    assert "HTTP 403" in no_token_in(info.value)


def test_the_echoed_token_never_reaches_the_run_log(server):
    server.behave(
        lambda reply, request: reply.send(
            200, envelope([], biz_code=500, biz_message=f"bad request for Bearer {TOKEN}")
        )
    )
    lines = []
    with client_for(server) as client:
        run = fetch_heat(client, [BLOCK], 17, log=lines.append)
    assert run.failures and not any(TOKEN in line for line in lines)
    no_token_in(run.failures[0][1])


# -- values in the answer ------------------------------------------------------------------------


def items_with(**changes):
    items = generate_items(BLOCK_CELLS, seed=3, stringly=False)
    for key, value in changes.items():
        items[0][key] = value
    return items


def test_a_huge_cell_heat_is_a_problem_of_that_cell_and_every_fence_is_still_fetched(server):
    answers = [envelope(items_with(cell_heat=1e20)), good_answer(seed=2), good_answer(seed=4)]
    server.behave(lambda reply, request: reply.send(200, answers[len(server.requests) - 1]))
    fences = [make_ring_fence(n, BLOCK_RING, label=f"f{n}") for n in (1, 2, 3)]
    with client_for(server) as client:
        run = fetch_heat(client, fences, 17)
    assert [r.fence_id for r in run.results] == [1, 2, 3] and not run.failures
    assert run.results[0].cell_count == len(BLOCK_CELLS) - 1
    assert any("cell_heat" in p and "out of range" in p for p in run.results[0].problems)


def test_hours_up_to_2_53_are_kept_and_larger_ones_are_reported_not_wrapped():
    items = generate_items(BLOCK_CELLS[:3], seed=5, stringly=False)
    items[0]["time_range"][0]["heat"][5] = 3_000_000_000
    items[1]["time_range"][0]["heat"][5] = 1e20
    items[2]["time_range"][0]["heat"][5] = 10**400
    data = heat_answer.parse_items(items, BLOCK, 17)
    first_day = data.day_heat[(data.day_cell == 0)]
    assert 3_000_000_000 in first_day[:, 5].tolist()
    assert data.day_heat.min() >= 0
    assert sum("not whole numbers from 0 to 2^53" in p for p in data.problems) == 2
    assert data.cell_day_count == sum(len(i["time_range"]) for i in items) - 2


@pytest.mark.parametrize(
    "bad_day",
    [
        lambda hours: [[v] for v in hours],  # nested one-element lists: were written as heat
        lambda hours: [[v, v] for v in hours],  # nested longer lists: were an IndexError
        lambda hours: [True] + hours[1:],  # JSON true: was written as 1
        lambda hours: hours[:-1] + [False],
        lambda hours: hours[:3] + [None] + hours[4:],
    ],
)
def test_a_day_of_the_wrong_shape_is_left_out_and_reported(server, bad_day):
    answer = good_answer()
    items = answer["data"]["items"]
    items[0]["time_range"][0]["heat"] = bad_day(items[0]["time_range"][0]["heat"])
    server.behave(lambda reply, request: reply.send(200, answer))
    with client_for(server) as client:
        data = heat_map(client, BLOCK, 17)
    assert data.cell_day_count == sum(len(i["time_range"]) for i in items) - 1
    assert sum("a day skipped" in p for p in data.problems) == 1
    good = [d["heat"] for i in items for d in i["time_range"]][1:]
    assert int(data.day_heat.sum()) == sum(sum(h) for h in good)


def test_an_answer_at_the_services_level_that_mixes_levels_keeps_one_level(server):
    """Auto level: an answer with level-17 cells and their level-16 parents kept both, overlapping,
    so every sum over the area counted the heat twice."""
    import numpy as np

    from crowdheat.plugin.core import s2cells

    parents = sorted(set(s2cells.parents(np.array(BLOCK_CELLS, dtype=np.uint64), 16).tolist()))
    items = generate_items(BLOCK_CELLS, seed=3, stringly=False) + generate_items(parents[:2], seed=4, stringly=False)
    server.behave(lambda reply, request: reply.send(200, envelope(items)))
    with client_for(server) as client:
        run = fetch_heat(client, [BLOCK], None)
    kept = np.concatenate([piece.levels for piece in run.results])
    assert set(kept.tolist()) == {17} and run.cells == len(BLOCK_CELLS)
    assert any("mixes cell levels 16, 17" in p and "2 cells not of level 17" in p for p in run.problems)


def test_a_cell_repeated_in_the_answer_is_kept_once_and_reported():
    items = generate_items(BLOCK_CELLS, seed=6, stringly=False)
    items.append(dict(items[2]))
    data = heat_answer.parse_items(items, BLOCK, 17)
    assert data.cell_count == len(BLOCK_CELLS) and len(set(data.tokens)) == data.cell_count
    assert int(data.day_heat.sum()) == sum(sum(d["heat"]) for i in items[:-1] for d in i["time_range"])
    assert any("repeats a cell" in p for p in data.problems)


def test_cells_of_another_level_or_far_from_the_fence_are_dropped_and_reported():
    from crowdheat.plugin.core import s2cells

    paris = s2cells.covering_ids(2.35, 48.85, 2.352, 48.852, 17)
    coarse = s2cells.covering_ids(114.055, 22.540, 114.058, 22.542, 10)
    face = [1 << 60]  # the whole face 0: level 0
    first = int(BLOCK_CELLS[0])
    leaf = [first - (first & -first) + 1]  # a level-30 cell inside the block
    odd = [int(v) for v in list(paris) + list(coarse) + face + leaf]
    items = generate_items(BLOCK_CELLS, seed=7, stringly=False)
    strays = generate_items(odd, seed=8, stringly=False)
    for item in strays:
        item.pop("cell_level")  # as the hostile answers did: nothing to compare the id with
    data = heat_answer.parse_items(items + strays, BLOCK, 17)
    assert sorted(data.tokens) == sorted(i["cell_token"] for i in items)
    assert len(data.problems) == len(strays)


def test_cells_far_from_a_circle_are_dropped_at_auto_level():
    circle = make_circle_fence(0, 114.0565, 22.541, 150.0)
    from crowdheat.plugin.core import s2cells

    near = s2cells.covering_ids(114.0555, 22.540, 114.0575, 22.542, 17)
    paris = s2cells.covering_ids(2.35, 48.85, 2.352, 48.852, 17)
    data = heat_answer.parse_items(generate_items(list(near) + list(paris), seed=9, stringly=False), circle, None)
    assert data.cell_count == len(near)


def test_dates_out_of_range_and_negative_cell_heat_are_reported():
    items = generate_items(BLOCK_CELLS[:2], seed=10, stringly=False)
    items[0]["time_range"][0]["date"] = "00010101"
    items[0]["time_range"][1]["date"] = "99991231"
    items[1]["cell_heat"] = -5
    data = heat_answer.parse_items(items, BLOCK, 17)
    assert data.cell_count == 1
    assert data.cell_day_count == len(items[0]["time_range"]) - 2
    assert sum("not a day the service" in p for p in data.problems) == 2
    assert any("cell_heat -5 is out of range" in p for p in data.problems)


# -- through Processing: real sinks, real feedback -------------------------------------------------
