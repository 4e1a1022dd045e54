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
# The usual rough box of mainland China, Hong Kong, Macau and Taiwan.
# China's one clock: the heat service's dates and hours, and a scan time written without a zone.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)


def in_china_box(lng: float, lat: float) -> bool:
    return CHINA_BOX[0] <= lng <= CHINA_BOX[2] and CHINA_BOX[1] <= lat <= CHINA_BOX[3]


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


def gcj02_to_wgs84_simple(lng: float, lat: float) -> tuple[float, float]:
    """The common closed-form inverse (off by up to 4.85 m): only the iteration's start."""
    glng, glat = wgs84_to_gcj02(lng, lat)
    return 2 * lng - glng, 2 * lat - glat


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
