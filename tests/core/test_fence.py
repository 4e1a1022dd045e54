"""Pure core: S2 maths against s2sphere, fence rules and estimates."""

import math
import random

import numpy as np
import pytest
import s2sphere

from crowdheat.plugin.core import fence, s2cells
from crowdheat.plugin.core.errors import FenceError


def random_cell_ids(count, seed=7):
    rng = random.Random(seed)
    ids = []
    for _ in range(count):
        lat, lng, level = rng.uniform(-89, 89), rng.uniform(-180, 180), rng.randint(0, 30)
        ids.append(s2sphere.CellId.from_lat_lng(s2sphere.LatLng.from_degrees(lat, lng)).parent(level).id())
    return ids


def test_cell_rings_equal_s2sphere_vertices():
    ids = random_cell_ids(3000)
    rings = s2cells.cell_rings(np.array(ids, dtype=np.uint64))
    assert rings.shape == (3000, 5, 2)
    for n, cell_id in enumerate(ids):
        cell = s2sphere.Cell(s2sphere.CellId(cell_id))
        for k in range(4):
            ll = s2sphere.LatLng.from_point(cell.get_vertex(k))
            assert rings[n, k, 1] == pytest.approx(ll.lat().degrees, abs=1e-12)
            if abs(ll.lat().degrees) < 89.99:  # longitude is undefined at the poles
                assert rings[n, k, 0] == pytest.approx(ll.lng().degrees, abs=1e-12)
        assert tuple(rings[n, 4]) == tuple(rings[n, 0])


def test_levels_tokens_and_invalid_ids():
    ids = random_cell_ids(500, seed=3)
    levels = s2cells.levels(np.array(ids, dtype=np.uint64))
    for cell_id, level in zip(ids, levels):
        cell = s2sphere.CellId(cell_id)
        assert level == cell.level() == s2cells.level_of(cell_id)
        assert s2cells.id_to_token(cell_id) == cell.to_token()
        assert s2cells.token_to_id(cell.to_token()) == cell_id
    bad = [0, 2, (7 << 61) | 1]  # no lsb / lsb at an odd bit / face 7
    assert list(s2cells.levels(np.array(bad, dtype=np.uint64))) == [-1, -1, -1]
    assert [s2cells.level_of(b) for b in bad] == [-1, -1, -1]
    with pytest.raises(ValueError):
        s2cells.token_to_id("xyz!")


def test_contains_points_accepts_centres_and_rejects_neighbours():
    ids = np.array(random_cell_ids(400, seed=11), dtype=np.uint64)
    centres = []
    for cell_id in ids.tolist():
        ll = s2sphere.CellId(cell_id).to_lat_lng()
        centres.append((ll.lng().degrees, ll.lat().degrees))
    assert s2cells.contains_points(ids, centres).all()
    shifted = np.roll(np.array(centres), 1, axis=0)
    inside = s2cells.contains_points(ids, shifted)
    assert inside.sum() < 10  # another cell's centre is almost never inside


def test_ring_area_is_geodesic():
    # A 0.1° square at the equator: 11.1195 km × 11.0574 km on the sphere.
    ring = [(0, 0), (0.1, 0), (0.1, 0.1), (0, 0.1), (0, 0)]
    expected = (math.radians(0.1) * s2cells.EARTH_RADIUS_M) * (math.sin(math.radians(0.1)) * s2cells.EARTH_RADIUS_M)
    assert fence.ring_area_m2(ring) == pytest.approx(expected, rel=1e-9)
    assert fence.ring_area_m2(list(reversed(ring))) == pytest.approx(expected, rel=1e-9)


def test_make_ring_fence_closes_and_checks_coordinates():
    f = fence.make_ring_fence(3, [(113.9, 22.5), (114.0, 22.5), (114.0, 22.6)])
    assert f.ring[0] == f.ring[-1] and len(f.ring) == 4
    assert f.request_body(16) == {"fence": [list(p) for p in f.ring], "cell_level": 16}
    with pytest.raises(FenceError, match="at least 3 distinct points"):
        fence.make_ring_fence(1, [(1, 1), (2, 2), (1, 1)])
    with pytest.raises(FenceError, match="CRS"):
        fence.make_ring_fence(1, [(12_000_000, 2_500_000), (12_000_100, 2_500_000), (12_000_100, 2_500_100)])


def test_cell_level_rules():
    assert fence.check_cell_level(0) is None and fence.check_cell_level(None) is None
    assert fence.check_cell_level(18) == 18
    for bad in (5, 9, 19):
        with pytest.raises(FenceError, match="10..18"):
            fence.check_cell_level(bad)


def test_expected_cell_count_matches_a_real_covering():
    """The estimate is within 25% of the true number of intersecting cells."""
    from shapely.geometry import Polygon

    ring = [(113.93, 22.52), (113.95, 22.52), (113.95, 22.535), (113.93, 22.535)]
    f = fence.make_ring_fence(1, ring)
    level = 17
    ids = s2cells.covering_ids(113.93, 22.52, 113.95, 22.535, level)
    shape = Polygon(f.ring)
    true_count = sum(shape.intersects(Polygon(r)) for r in s2cells.cell_rings(ids, level))
    assert fence.expected_cell_count(f, level) == pytest.approx(true_count, rel=0.25)
