"""China's coordinate systems: WGS84 ⇄ GCJ-02 ⇄ BD-09, with exact (iterated) inverses.

The forward formulas are the public de facto standard. The closed-form inverses are off by up to
4.85 m (GCJ-02 → WGS84) and 0.21 m (BD-09 → GCJ-02); a fixed-point iteration started from them
converges to 1e-10° in a few steps (round trip < 1 mm). Outside China GCJ-02 is the identity.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

WGS84 = "WGS84"
GCJ02 = "GCJ02"
BD09 = "BD09LL"

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_TOLERANCE_DEG = 1e-10
_MAX_STEPS = 20
# What layers can be written in, and how their names say it (GCJ-02 and BD-09 have no EPSG code:
# such a layer is labelled EPSG:4326 and holds shifted numbers).
OUTPUT_SYSTEMS = (WGS84, GCJ02, BD09)
SYSTEM_LABELS = {WGS84: "WGS84", GCJ02: "GCJ-02 numbers", BD09: "BD-09 numbers"}
# What the numbers of an input layer may be, beyond what its CRS says: Chinese boundary files are
# usually GCJ-02 (DataV.GeoAtlas/Aliyun, Amap) or BD-09 (Baidu), labelled EPSG:4326 or not at all.
INPUT_SYSTEMS = (WGS84, GCJ02, BD09)
# China's one clock: the heat service's dates and hours, and a scan time written without a zone.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

# The usual rough box of mainland China, Hong Kong, Macau and Taiwan: where the GCJ-02 formulas
# shift (every published implementation and the test vectors use it).
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)

# A coarse outline of the same (WGS84, clockwise from the Amur), a few km to tens of km wide of the
# border: the box also holds Seoul, Pyongyang, Hanoi, Bangkok, Singapore, Manila, Delhi… whose
# answers come in WGS84. Drawn here point by point; border towns on both sides count as China.
# fmt: off
CHINA_OUTLINE = (
    (121.0, 53.4), (123.3, 53.75), (125.8, 53.4), (127.0, 51.9), (127.9, 50.3), (129.5, 49.6),
    (130.9, 49.0), (131.2, 47.6), (132.6, 47.95), (134.0, 48.55), (134.85, 48.45), (134.4, 47.2),
    (133.9, 46.0), (133.3, 45.1), (131.5, 44.6), (131.35, 43.3), (131.1, 42.8), (130.6, 42.3),
    (130.2, 42.6), (129.7, 42.4), (129.0, 41.95), (128.3, 41.35), (127.2, 41.4), (126.4, 41.0),
    (125.4, 40.45), (124.5, 39.95), (124.1, 39.7), (123.4, 38.6), (123.5, 36.5), (123.3, 31.0),
    (123.0, 28.0), (122.4, 25.6), (122.2, 24.4), (121.8, 21.9), (120.8, 21.6), (117.0, 20.3),
    (113.0, 15.6), (111.0, 15.6), (108.4, 17.9), (107.95, 21.5), (106.7, 22.0), (106.65, 22.6),
    (106.0, 22.95), (105.3, 23.35), (104.5, 22.85), (103.95, 22.45), (103.0, 22.6), (102.2, 22.4),
    (101.8, 21.15), (101.2, 21.5), (100.2, 21.45), (99.9, 22.05), (99.2, 22.1), (99.5, 22.9),
    (98.9, 23.2), (98.7, 24.0), (97.6, 23.9), (97.5, 24.8), (97.75, 25.3), (98.45, 25.9),
    (98.65, 27.0), (98.3, 27.6), (97.6, 28.3), (97.3, 28.2), (96.0, 29.45), (94.6, 29.3),
    (93.0, 28.0), (91.6, 27.95), (90.0, 28.3), (89.3, 27.9), (89.0, 27.2), (88.7, 27.3),
    (88.9, 27.9), (88.0, 28.0), (86.5, 27.9), (85.8, 27.85), (85.0, 28.6), (84.0, 28.8), (82.0, 30.25),
    (81.2, 30.1), (80.2, 30.7), (79.2, 31.4), (78.5, 32.6), (78.5, 33.0), (78.0, 34.0),
    (78.0, 35.0), (77.8, 35.5), (76.5, 35.9), (75.5, 36.9), (74.5, 37.1), (74.9, 38.5),
    (73.5, 39.45), (73.8, 39.8), (75.5, 40.6), (76.7, 40.4), (78.0, 41.1), (80.2, 42.1),
    (80.2, 42.9), (80.8, 43.2), (80.2, 44.2), (80.3, 44.9), (82.6, 45.4), (82.3, 46.0), (83.1, 47.2),
    (85.5, 47.1), (85.7, 48.4), (87.0, 49.2), (87.8, 49.2), (88.9, 48.2), (90.1, 47.9),
    (90.9, 46.1), (91.0, 45.2), (93.5, 44.95), (95.4, 44.3), (96.5, 42.75), (100.0, 42.7),
    (101.8, 42.5), (105.0, 41.6), (107.0, 42.4), (109.5, 42.5), (111.9, 43.7), (113.6, 44.8),
    (116.0, 45.8), (116.8, 46.45), (119.9, 46.65), (119.8, 47.5), (118.6, 48.0), (117.8, 47.9),
    (116.0, 47.75), (115.6, 47.9), (116.7, 49.85), (117.8, 49.5), (119.3, 50.3), (120.1, 51.7),
)
# fmt: on


def in_china_box(lng: float, lat: float) -> bool:
    return CHINA_BOX[0] <= lng <= CHINA_BOX[2] and CHINA_BOX[1] <= lat <= CHINA_BOX[3]


def in_china(lng: float, lat: float) -> bool:
    """Inside the coarse outline of China (Hong Kong, Macau and Taiwan too): where Baidu answers in
    the system asked for, and WGS84 elsewhere. An even-odd ray test over ``CHINA_OUTLINE``."""
    if not in_china_box(lng, lat):
        return False
    inside = False
    x1, y1 = CHINA_OUTLINE[-1]
    for x2, y2 in CHINA_OUTLINE:
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if not in_china_box(lng, lat):
        return lng, lat
    return _gcj02_shifted(lng, lat)


def _gcj02_shifted(lng, lat):
    """The GCJ-02 shift applied wherever the point is (the box test is the caller's)."""
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02_simple(lng: float, lat: float) -> tuple[float, float]:
    """The common closed-form inverse (off by up to 0.21 m): only the iteration's start."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(forward, start, lng, lat):
    """Solve forward(w) = (lng, lat) by fixed-point iteration w ← w − (forward(w) − target)."""
    wlng, wlat = start(lng, lat)
    for _ in range(_MAX_STEPS):
        flng, flat = forward(wlng, wlat)
        dlng, dlat = flng - lng, flat - lat
        wlng, wlat = wlng - dlng, wlat - dlat
        if abs(dlng) < _TOLERANCE_DEG and abs(dlat) < _TOLERANCE_DEG:
            break
    return wlng, wlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """Exact inverse. "In China" is a property of the WGS84 point, not of the GCJ-02 numbers:
    the shift moves points near the box's edges across it (by up to ~700 m), both ways. So the
    shifted preimage is looked for wherever (lng, lat) is, and kept if it lies in the box;
    otherwise the point is its own preimage (outside the box nothing is shifted)."""
    shifted = _invert(_gcj02_shifted, _gcj02_to_wgs84_start, lng, lat)
    if in_china_box(*shifted):
        return shifted
    return lng, lat


def _gcj02_to_wgs84_start(lng, lat):
    glng, glat = _gcj02_shifted(lng, lat)
    return 2 * lng - glng, 2 * lat - glat


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    return _invert(gcj02_to_bd09, bd09_to_gcj02_simple, lng, lat)


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


_PATHS = {
    (GCJ02, WGS84): gcj02_to_wgs84,
    (BD09, WGS84): bd09_to_wgs84,
    (WGS84, GCJ02): wgs84_to_gcj02,
    (WGS84, BD09): wgs84_to_bd09,
    (GCJ02, BD09): gcj02_to_bd09,
    (BD09, GCJ02): bd09_to_gcj02,
}


def convert(lng: float, lat: float, source: str, target: str) -> tuple[float, float]:
    """(lng, lat) from system ``source`` to ``target`` (WGS84, GCJ02, BD09LL)."""
    if source == target:
        return lng, lat
    return _PATHS[(source, target)](lng, lat)


def to_wgs84_array(lng, lat, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Arrays of ``source`` numbers (WGS84, GCJ02, BD09LL) → WGS84, point by point with the exact
    inverses (a fence's vertices: thousands, not millions)."""
    lng = np.asarray(lng, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if source == WGS84:
        return lng.copy(), lat.copy()
    points = [convert(x, y, source, WGS84) for x, y in zip(lng.tolist(), lat.tolist())]
    out = np.array(points, dtype=np.float64).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def from_wgs84_array(lng: np.ndarray, lat: np.ndarray, target: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 arrays → ``target`` (WGS84, GCJ02, BD09LL), vectorised: the same formulas as the
    scalar functions above (tests compare them), for the vertices of whole layers."""
    lng = np.asarray(lng, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if target == WGS84:
        return lng.copy(), lat.copy()
    x, y = lng - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlng = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    inside = (CHINA_BOX[0] <= lng) & (lng <= CHINA_BOX[2]) & (CHINA_BOX[1] <= lat) & (lat <= CHINA_BOX[3])
    glng = np.where(inside, lng + (dlng * 180.0) / (_A / sqrtmagic * np.cos(radlat) * math.pi), lng)
    glat = np.where(inside, lat + (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi), lat)
    if target == GCJ02:
        return glng, glat
    z = np.sqrt(glng * glng + glat * glat) + 0.00002 * np.sin(glat * _X_PI)
    theta = np.arctan2(glat, glng) + 0.000003 * np.cos(glng * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006
