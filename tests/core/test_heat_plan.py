"""The request planner on boundaries shaped like real ones: tiles for what is too big, groups for
what is small, and every cell of every feature reached exactly once. Pure core (shapely, numpy)."""

import collections

import numpy as np
import pytest
from shapely.geometry import Polygon

from crowdheat.plugin.core import s2cells
from crowdheat.plugin.core.fence import MAX_AREA_KM2, ring_area_m2
from crowdheat.plugin.core.heat_plan import (
    MAX_CELLS_PER_REQUEST,
    PLAN_AREA_M2,
    FeatureShape,
    Limits,
    circle_feature,
    member_cells,
    plan_requests,
)
from simulator.jike import cells_in
from tests.boundaries import city_districts, island_districts, mall_units


def tiles_of(plan, fence_id):
    """How many S2-aligned tiles a feature was cut into."""
    return sum(1 for r in plan.requests for m in r.members if m.fence_id == fence_id and m.tile)


def shapes(geometries, prefix):
    return [FeatureShape(n + 1, f"{prefix} {n + 1}", g) for n, g in enumerate(geometries)]


def reached(plan, level):
    """fence_id -> Counter of cell ids, as the service's answers (cells intersecting each fence)
    would give them to the members."""
    got = collections.defaultdict(collections.Counter)
    for request in plan.requests:
        fence = request.fence
        shape = Polygon(fence.ring) if not fence.is_circle else plan.features[request.members[0].fence_id].geometry
        ids = cells_in(shape, level)
        for member in request.members:
            kept = ids[member_cells(plan, member, ids, level)]
            got[member.fence_id].update(kept.tolist())
    return got


def check_every_cell_once(plan, level):
    got = reached(plan, level)
    for fence_id, feature in plan.features.items():
        truth = set(cells_in(feature.geometry, level).tolist())
        assert set(got[fence_id]) == truth, f"feature {fence_id}: {len(truth ^ set(got[fence_id]))} cells differ"
        repeats = {cell: n for cell, n in got[fence_id].items() if n > 1}
        tiled = any(m.tile for r in plan.requests for m in r.members if m.fence_id == fence_id)
        if tiled:
            assert not repeats, f"feature {fence_id}: {len(repeats)} cells paid for by two tiles"
    return got


def check_limits(plan, max_vertices=1000):
    limits = Limits.at(plan.level, max_vertices)
    assert limits.area_m2 <= PLAN_AREA_M2 < MAX_AREA_KM2 * 1e6
    for request in plan.requests:
        if not request.fence.is_circle:
            assert ring_area_m2(request.fence.ring) <= limits.area_m2
            assert len(request.fence.ring) - 1 <= max_vertices
        else:
            assert request.fence.area_m2() <= limits.area_m2


def test_a_city_whose_districts_are_over_the_limit_is_tiled_and_fully_covered():
    features = shapes(city_districts(), "district")
    plan = plan_requests(features, 13, 1000)
    check_limits(plan)
    over = [f for f in features if f.area_m2 > PLAN_AREA_M2]
    assert len([f for f in features if f.area_m2 > MAX_AREA_KM2 * 1e6]) == 11
    assert len(plan.notes) == len(over)  # each cut feature is named, with its tiles
    assert all(tiles_of(plan, f.fence_id) >= 2 for f in over)
    check_every_cell_once(plan, 13)


def test_island_districts_share_requests_and_keep_only_their_own_cells():
    features = shapes(island_districts(), "islands")
    assert max(len(f.geometry.geoms) for f in features) > 100
    plan = plan_requests(features, 15, 1000)
    check_limits(plan)
    assert len(plan.requests) / len(features) <= 3  # was 21 a feature: one request per island
    got = check_every_cell_once(plan, 15)
    # cells inside a hole (a reservoir) are not the district's, whichever request brings them
    hole = Polygon(features[0].geometry.geoms[0].interiors[0])
    inside = np.array(
        [
            c
            for c in cells_in(hole, 17).tolist()
            if Polygon(s2cells.cell_rings(np.array([c], dtype=np.uint64), 17)[0]).within(hole)
        ],
        dtype=np.uint64,
    )
    members = [m for r in plan.requests for m in r.members if m.fence_id == 1]
    assert inside.size and members
    assert not any(member_cells(plan, m, inside, 17).any() for m in members)
    assert all(got[f.fence_id] for f in features)


def test_small_neighbours_share_one_request():
    plan = plan_requests(shapes(mall_units(), "unit"), 18, 1000)
    assert len(plan.requests) == 1 and len(plan.requests[0].members) == 27
    check_every_cell_once(plan, 18)


def test_a_circle_over_50_km_is_tiled_and_one_under_is_sent_as_a_circle():
    big = circle_feature(1, 116.4, 40.0, 60_000)
    small = circle_feature(2, 114.05, 22.54, 500)
    plan = plan_requests([big, small], 12, 1000)
    circles = [r for r in plan.requests if r.fence.is_circle]
    assert len(circles) == 1 and circles[0].fence.radius_m == 500
    assert tiles_of(plan, 1) >= 2
    check_limits(plan)
    check_every_cell_once(plan, 12)


def test_a_ring_over_the_vertex_limit_is_covered_without_moving_inwards():
    rng = np.random.default_rng(3)
    angles = np.linspace(0, 2 * np.pi, 2622)[:-1]
    radii = 0.01 * (1 + 0.05 * rng.uniform(-1, 1, angles.size))
    wiggly = Polygon(np.c_[114.05 + radii * np.cos(angles), 22.54 + radii * np.sin(angles)])
    plan = plan_requests([FeatureShape(1, "wiggly", wiggly)], 18, 818)
    check_limits(plan, 818)
    fence = Polygon(plan.requests[0].fence.ring)
    assert fence.covers(wiggly)  # simplified outwards only: no boundary cell is lost
    check_every_cell_once(plan, 18)


@pytest.mark.parametrize("level", [None, 16])
def test_no_feature_means_an_error_and_the_plan_says_its_level(level):
    from crowdheat.plugin.core.errors import FenceError

    with pytest.raises(FenceError):
        plan_requests([], level, 1000)
    assert plan_requests(shapes(mall_units()[:1], "u"), level, 1000).level == level


def test_no_request_asks_for_more_cells_than_an_answer_should_hold():
    from shapely.geometry import box

    blocks = [box(113.90 + 0.1 * k - 0.02, 22.52, 113.90 + 0.1 * k + 0.02, 22.56) for k in range(10)]
    fine = plan_requests(shapes(blocks, "block"), 18, 1000)
    check_limits(fine)
    assert all(r.fence.area_m2() <= MAX_CELLS_PER_REQUEST * 1500 for r in fine.requests)  # level-18 cells ~1,500 m²
    assert len(fine.requests) >= 5
    coarse = plan_requests(shapes(blocks, "block"), 12, 1000)
    assert len(coarse.requests) == 1  # at level 12 the same row of blocks is one small answer
    big_circle = plan_requests([circle_feature(1, 114.0, 22.5, 20_000)], 18, 1000)
    assert not any(r.fence.is_circle for r in big_circle.requests) and tiles_of(big_circle, 1) > 1
    check_limits(big_circle)


def test_a_cut_feature_is_given_the_real_reason():
    """An archipelago under the area limit is cut because its islands lie apart, not because of
    its area (Zhoushan's 定海区: 612.8 km² was said to be over 640 km²)."""
    from shapely.geometry import MultiPolygon, box

    limits = Limits.at(16, 1000)
    # 25 islands of ~20 km² each (~500 km²) spread over ~100 km × 100 km
    islands = MultiPolygon(
        [
            box(122 + 0.2 * i, 30 + 0.2 * j, 122 + 0.2 * i + 0.045, 30 + 0.2 * j + 0.04)
            for i in range(5)
            for j in range(5)
        ]
    )
    archipelago = FeatureShape(1, "定海区", islands)
    assert archipelago.area_m2 < limits.area_m2
    (note,) = plan_requests([archipelago], 16, 1000).notes
    assert "lie apart" in note and "convex hull" in note and "covers at most" not in note
    big = FeatureShape(2, "big", box(122, 30, 122.5, 30.4))
    assert big.area_m2 > limits.area_m2
    (note,) = plan_requests([big], 16, 1000).notes
    assert f"a request covers at most {limits.area_m2 / 1e6:,.0f} km²" in note
    # a round outline of 400 vertices, where requests may have 20 (a setting): too detailed
    angles = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    round_one = FeatureShape(3, "round", Polygon(np.c_[121 + 0.1 * np.cos(angles), 31 + 0.1 * np.sin(angles)]))
    (note,) = plan_requests([round_one], 16, 20).notes
    assert "more vertices than a request may have (20), even simplified" in note


def test_features_outside_china_are_left_out_with_their_names_and_none_in_china_is_an_error():
    """The service answers for China only: a polar cap, a box across the antimeridian or a layer
    in the wrong CRS would spend quota on nothing (or fail on a ring of no area)."""
    from shapely.geometry import box

    from crowdheat.plugin.core.errors import FenceError

    shenzhen = box(114.05, 22.53, 114.07, 22.55)
    arctic = box(-180, 85, 180, 90)
    pacific = box(170, 10, 180, 11)
    plan = plan_requests(shapes([shenzhen, arctic, pacific], "zone"), 16, 2000)
    assert [m.fence_id for r in plan.requests for m in r.members] == [1]
    assert len(plan.warnings) == 1 and "zone 2, zone 3" in plan.warnings[0] and "China" in plan.warnings[0]
    for outside in ([arctic], [pacific], [box(0, 80, 60, 90)]):
        with pytest.raises(FenceError, match="outside China") as caught:
            plan_requests(shapes(outside, "cap"), None, 2000)
        assert "cap 1" in str(caught.value) and "CRS" in str(caught.value)


def test_feature_cells_give_a_cell_once_per_feature_and_count_the_shared():
    from crowdheat.plugin.core.heat_job import FeatureCells

    cells = FeatureCells()
    first = np.array([5, 1, 9], dtype=np.uint64)
    assert cells.new(1, first).all()
    cells.add(1, first)
    again = np.array([9, 2, 5, 11], dtype=np.uint64)
    assert cells.new(1, again).tolist() == [False, True, False, True]
    cells.add(1, again[cells.new(1, again)])
    cells.add(2, np.array([11, 40], dtype=np.uint64))
    assert cells.cells[1].tolist() == [1, 2, 5, 9, 11] and cells.shared() == 1
