"""Shards of a plan: every request in exactly one shard, the same split on every machine, shards
balanced by expected cells and compact along the Hilbert curve. Pure core."""

import random

import pytest

from crowdheat.plugin.core.errors import InputError
from crowdheat.plugin.core.heat_plan import FeatureShape, plan_requests
from crowdheat.plugin.core.shards import Shard, assign, request_weight, take
from tests.boundaries import city_districts


def city_plan(level=13):
    districts = city_districts()
    return plan_requests([FeatureShape(n + 1, f"d{n + 1}", d) for n, d in enumerate(districts)], level, 1000)


def body(request):
    return repr(request.fence.request_body(13))


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_the_shards_together_are_exactly_the_plan(count):
    plan = city_plan()
    parts = [take(plan, Shard(k, count))[0] for k in range(1, count + 1)]
    everything = sorted(body(r) for part in parts for r in part.requests)
    assert everything == sorted(body(r) for r in plan.requests)  # each request once, none invented
    assert all(part.features == plan.features for part in parts)  # an archive checks them all


def test_every_machine_splits_the_same_way():
    """The split depends on the requests alone, not on the order a machine holds them in."""
    import dataclasses

    plan = city_plan()
    shuffled = list(plan.requests)
    random.Random(3).shuffle(shuffled)
    other = dataclasses.replace(plan, requests=shuffled)
    for k in (1, 2, 3):
        mine = sorted(body(r) for r in take(plan, Shard(k, 3))[0].requests)
        assert mine == sorted(body(r) for r in take(other, Shard(k, 3))[0].requests)
        assert mine == sorted(body(r) for r in take(city_plan(), Shard(k, 3))[0].requests)


def test_shards_are_balanced_by_expected_cells():
    plan = city_plan(level=15)
    weights = [request_weight(r, plan.level) for r in plan.requests]
    shards = assign(plan, 3)
    loads = [sum(w for w, s in zip(weights, shards) if s == k) for k in (1, 2, 3)]
    assert max(loads) - min(loads) <= max(weights) + 1e-6  # no better split of whole requests is promised
    share = take(plan, Shard(2, 3))[1]
    assert share.requests == shards.count(2) and "Shard 2/3" in share.text() and "cells" in share.text()


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"])
def test_a_shard_that_is_not_k_of_n_is_refused_with_an_example(text):
    with pytest.raises(InputError, match="k/N"):
        Shard.parse(text)


def test_no_shard_is_the_whole_plan():
    assert Shard.parse("") == Shard(1, 1) and Shard.parse(" 2 / 5 ") == Shard(2, 5)


def test_a_shard_with_no_request_says_how_many_shards_fit():
    plan = city_plan(level=10)
    count, refused = len(plan.requests) + 1, 0
    for k in range(1, count + 1):
        try:
            take(plan, Shard(k, count))
        except InputError as exc:
            assert f"at most {len(plan.requests)} shards" in str(exc)
            refused += 1
    assert refused >= 1
