"""Coordinate conversions against the test vectors of docs/reference.md."""

import math
import random

import pytest

from crowdheat.plugin.core import coords


def gcj02_to_wgs84_simple(lng, lat):
    """The common closed-form inverse found in most code (off by up to 4.85 m), against which the
    published vectors and the exact inverse are checked."""
    glng, glat = coords.wgs84_to_gcj02(lng, lat)
    return 2 * lng - glng, 2 * lat - glat


VECTORS_WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]
DEG = 1e-8  # ≈ 1 mm; the vectors are reproduced to < 0.001 mm


def metres(a, b):
    dlat = math.radians(b[1] - a[1])
    dlng = math.radians(b[0] - a[0]) * math.cos(math.radians(a[1]))
    return 6371008.8 * math.hypot(dlat, dlng)


@pytest.mark.parametrize("wgs, gcj", VECTORS_WGS_GCJ)
def test_wgs84_to_gcj02_vectors(wgs, gcj):
    assert coords.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=DEG)


def test_gcj02_bd09_vectors():
    assert coords.gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=DEG)
    assert coords.bd09_to_gcj02_simple(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=DEG
    )
    assert gcj02_to_wgs84_simple(116.404, 39.915) == pytest.approx((116.39775550083061, 39.91359571849836), abs=DEG)


def test_exact_inverses_round_trip_below_a_millimetre():
    rng = random.Random(5)
    worst_gcj = worst_bd = 0.0
    for _ in range(3000):
        wgs = (rng.uniform(73.7, 134.8), rng.uniform(18.2, 53.4))
        worst_gcj = max(worst_gcj, metres(wgs, coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(*wgs))))
        worst_bd = max(worst_bd, metres(wgs, coords.bd09_to_wgs84(*coords.wgs84_to_bd09(*wgs))))
    assert worst_gcj < 0.001 and worst_bd < 0.001
    # ... where the closed-form inverse is metres off somewhere
    simple = max(
        metres(w, gcj02_to_wgs84_simple(*coords.wgs84_to_gcj02(*w)))
        for w in ((rng.uniform(73.7, 134.8), rng.uniform(18.2, 53.4)) for _ in range(3000))
    )
    assert simple > 1.0


def test_outside_china_is_not_shifted():
    bandung = (107.614218, -6.941022)
    assert coords.convert(*bandung, coords.GCJ02, coords.WGS84) == bandung
    assert coords.wgs84_to_gcj02(*bandung) == bandung
    assert coords.convert(1.0, 2.0, coords.WGS84, coords.WGS84) == (1.0, 2.0)


def _edge_band(rng, count, inner_deg, outer_deg):
    """WGS84 points between ``inner_deg`` and ``outer_deg`` from the China box's edges (positive:
    inside the box; negative: outside)."""
    west, south, east, north = coords.CHINA_BOX
    for _ in range(count):
        side = rng.randrange(4)
        offset = rng.uniform(inner_deg, outer_deg)
        if side in (1, 3):
            offset = -offset
        if side == 0:
            yield west + offset, rng.uniform(south, north)
        elif side == 1:
            yield east + offset, rng.uniform(south, north)
        elif side == 2:
            yield rng.uniform(west, east), south + offset
        else:
            yield rng.uniform(west, east), north + offset


def test_round_trip_below_a_millimetre_along_the_box_edges():
    """The forward shift moves a point just inside the box by up to ~700 m, possibly out of it:
    "in China" is decided on the WGS84 point, so the inverse must find it from either side.
    Within ~700 m outside the edges an unshifted point can also be the shifted image of a point
    inside; numbers given as GCJ-02 were shifted, so the point inside wins there (not tested).
    Beyond that band, points outside come back unchanged."""
    rng = random.Random(11)
    worst = {"gcj": 0.0, "bd": 0.0}
    for wgs in list(_edge_band(rng, 3000, 0.0, 0.05)) + list(_edge_band(rng, 1000, -0.5, -0.02)):
        worst["gcj"] = max(worst["gcj"], metres(wgs, coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(*wgs))))
        worst["bd"] = max(worst["bd"], metres(wgs, coords.bd09_to_wgs84(*coords.wgs84_to_bd09(*wgs))))
    assert worst["gcj"] < 0.001 and worst["bd"] < 0.001, worst


def test_a_shifted_point_outside_the_box_comes_back_inside():
    west, south, east, north = coords.CHINA_BOX
    for wgs in ((east - 0.001, 30.0), (west + 0.001, 40.0), (100.0, north - 0.001), (120.0, south + 0.001)):
        gcj = coords.wgs84_to_gcj02(*wgs)
        back = coords.gcj02_to_wgs84(*gcj)
        assert coords.in_china_box(*back) and metres(wgs, back) < 0.001


@pytest.mark.parametrize("target", [coords.WGS84, coords.GCJ02, coords.BD09])
def test_vectorised_forward_equals_the_scalar_one(target):
    import numpy as np

    rng = random.Random(3)
    points = [(rng.uniform(70, 140), rng.uniform(0, 56)) for _ in range(2000)] + [(107.6, -6.9), (2.35, 48.85)]
    lng, lat = coords.from_wgs84_array([p[0] for p in points], [p[1] for p in points], target)
    expected = np.array([coords.convert(x, y, coords.WGS84, target) for x, y in points])
    assert np.abs(lng - expected[:, 0]).max() < 1e-12 and np.abs(lat - expected[:, 1]).max() < 1e-12


# Border towns of both sides and the foreign capitals inside the rough box (WGS84).
CHINESE_PLACES = {
    "Mohe": (122.53, 52.97), "Fuyuan": (134.29, 48.36), "Suifenhe": (131.15, 44.40), "Hunchun": (130.37, 42.87),
    "Dandong": (124.38, 40.13), "Weihai": (122.12, 37.51), "Taipei": (121.56, 25.04), "Lanyu": (121.55, 22.05),
    "Kinmen": (118.32, 24.44), "Hong Kong": (114.17, 22.32), "Macau": (113.54, 22.20), "Yongxing": (112.33, 16.83),
    "Sanya": (109.51, 18.25), "Dongxing": (107.97, 21.55), "Hekou": (103.95, 22.51), "Mengla": (101.56, 21.46),
    "Ruili": (97.85, 24.01), "Pianma": (98.62, 25.97), "Yadong": (88.91, 27.48), "Zhangmu": (85.98, 27.99),
    "Shiquanhe": (80.10, 32.50), "Tashkurgan": (75.23, 37.77), "Kashgar": (75.99, 39.47), "Khorgas": (80.41, 44.21),
    "Altay": (88.14, 47.85), "Ejina": (101.06, 41.95), "Erenhot": (111.98, 43.65), "Manzhouli": (117.43, 49.60),
}  # fmt: skip
FOREIGN_PLACES = {
    "Seoul": (126.98, 37.57), "Pyongyang": (125.75, 39.03), "Vladivostok": (131.89, 43.12),
    "Khabarovsk": (135.07, 48.48), "Ulaanbaatar": (106.91, 47.89), "Almaty": (76.95, 43.24),
    "Islamabad": (73.05, 33.68), "Delhi": (77.21, 28.61), "Kathmandu": (85.32, 27.72), "Thimphu": (89.64, 27.47),
    "Myitkyina": (97.40, 25.38), "Hanoi": (105.85, 21.03), "Lang Son": (106.76, 21.85), "Da Nang": (108.22, 16.05),
    "Bangkok": (100.50, 13.76), "Singapore": (103.82, 1.35), "Manila": (120.98, 14.60), "Yonaguni": (123.00, 24.47),
    "Jeju": (126.53, 33.50), "Vientiane": (102.63, 17.97),
}  # fmt: skip


def test_the_outline_of_china_holds_its_border_towns_and_leaves_out_its_neighbours():
    assert [name for name, p in CHINESE_PLACES.items() if not coords.in_china(*p)] == []
    assert [name for name, p in FOREIGN_PLACES.items() if coords.in_china(*p)] == []
    assert all(coords.in_china_box(*p) for p in FOREIGN_PLACES.values() if p[1] > 1)  # what the box got wrong


def test_an_answer_without_a_country_outside_china_is_taken_as_wgs84():
    """Baidu answers in WGS84 outside China; without address fields only the position tells."""
    from crowdheat.plugin.core.baidu import raw_crs_of

    for name, (lng, lat) in FOREIGN_PLACES.items():
        assert raw_crs_of({"location": f"{lng},{lat}"}, coords.BD09) == coords.WGS84, name
    for name, point in CHINESE_PLACES.items():
        lng, lat = coords.convert(*point, coords.WGS84, coords.GCJ02)
        assert raw_crs_of({"location": f"{lng},{lat}"}, coords.GCJ02) == coords.GCJ02, name
