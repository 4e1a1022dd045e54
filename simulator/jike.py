"""Simulator of Jike's POST /v1/heat_map.

- The seed document's sample fence gets the seed's sample response, byte for byte.
- Any other fence or circle gets plausible generated heat: the level-L S2 cells that really
  intersect the fence, 10 days (T-14..T-3) minus one missing day, dates unsorted, and numbers
  sometimes sent as strings (as Jike's MCP README types them).
- Faults on demand (see ``server.GENERIC_FAULTS``) plus ``biz:<code>`` (HTTP 200, code 200,
  biz_code ≠ 200) and ``empty`` (success with no items).
- ``steady``: the service as it is over weeks: every day of the window answered, and a cell's
  heat on a date the same whichever day it is asked (runs days apart overlap exactly), except on
  the ``revised`` dates, which answer other numbers (the service revised them).
"""

import datetime as dt
import hashlib
import json
import math
import pathlib
import uuid

import numpy as np
from shapely import affinity
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from plugin.core import s2cells
from plugin.core.fence import ring_area_m2

from .server import Simulator

# The providers' own examples, copied unchanged (docs/reference.md).
DATA = pathlib.Path(__file__).resolve().parent / "data"
SAMPLE_REQUEST = DATA / "jike-heat-map-request.sample.json"
SAMPLE_RESPONSE = DATA / "jike-heat-map-response.sample.json"
TOKEN = "sim-jike-token-not-a-secret"
MAX_GENERATED_CELLS = 200_000
# A weekday profile of crowd heat by hour (relative), shaped like the seed sample's.
PROFILE = np.array(
    [1, 1, 1, 1, 1, 1, 1, 3, 8, 20, 28, 38, 50, 42, 33, 36, 31, 39, 40, 25, 13, 7, 5, 1], dtype=np.float64
)


def envelope(items, code=200, message="success", biz_code=200, biz_message="ok"):
    return {
        "response_id": str(uuid.uuid4()),
        "code": code,
        "message": message,
        "biz_code": biz_code,
        "biz_message": biz_message,
        "data": {"items": items},
    }


def days_for(today, seed):
    """T-14..T-3 minus one missing day, in a scrambled order (the service does not sort them)."""
    days = [today - dt.timedelta(days=k) for k in range(14, 2, -1)][:10]
    rng = np.random.default_rng(seed)
    del days[int(rng.integers(len(days)))]
    rng.shuffle(days)
    return days


def generate_items(ids, today=dt.date(2025, 4, 25), seed=1, stringly=True):
    """Plausible items for the given uint64 cell ids (deterministic for a seed)."""
    ids = np.asarray(ids, dtype=np.uint64)
    rng = np.random.default_rng(seed)
    days = days_for(today, seed)
    weight = rng.gamma(0.8, 1.0, size=ids.size)
    day_factor = rng.uniform(0.5, 1.2, size=len(days))
    heat = rng.poisson(weight[:, None, None] * day_factor[None, :, None] * PROFILE[None, None, :])
    return _items(ids, days, heat, stringly)


def steady_items(ids, today, revised=(), stringly=True, events=None):
    """Items of the 10 days T-14..T-5, each (cell, date)'s heat made from the cell and the date
    alone; a date in ``revised`` answers 1.5 × + 1 of what it answered before; a date in
    ``events`` ({date: factor}) had that many times the crowd (a concert, a holiday), from the start."""
    ids = np.asarray(ids, dtype=np.uint64)
    days = [today - dt.timedelta(days=k) for k in range(14, 4, -1)]
    heat = np.empty((ids.size, len(days), len(PROFILE)), dtype=np.int64)
    for n, cell_id in enumerate(ids.tolist()):
        weight = np.random.default_rng(cell_id % (2**63)).gamma(0.8, 1.0)
        for k, day in enumerate(days):
            rng = np.random.default_rng([cell_id % (2**63), day.toordinal()])
            heat[n, k] = rng.poisson(weight * rng.uniform(0.5, 1.2) * (events or {}).get(day, 1.0) * PROFILE)
            if day in revised:
                heat[n, k] = heat[n, k] * 1.5 + 1
    return _items(ids, days, heat, stringly)


def _items(ids, days, heat, stringly):
    """The answer's items: ``heat[cell, day, hour]`` for ``days``; every third cell's numbers as
    strings when ``stringly``."""
    rings = s2cells.cell_rings(ids)
    centers = rings[:, :4].mean(axis=1)  # close to the S2 centre; replaced by the exact one below
    levels = s2cells.levels(ids)
    items = []
    for n, cell_id in enumerate(ids.tolist()):
        center = _exact_center(cell_id, centers[n])
        cell_heat = int(heat[n].sum())
        as_str = stringly and n % 3 == 0
        items.append(
            {
                "cell_token": s2cells.id_to_token(cell_id),
                "cell_id": str(cell_id),
                "cell_center": center,
                "cell_level": str(int(levels[n])) if as_str else int(levels[n]),
                "cell_heat": str(cell_heat) if as_str else cell_heat,
                "time_range": [
                    {"date": day.strftime("%Y%m%d"), "heat": heat[n, k].tolist()} for k, day in enumerate(days)
                ],
            }
        )
    return items


def _exact_center(cell_id, fallback):
    try:
        import s2sphere

        ll = s2sphere.CellId(cell_id).to_lat_lng()
        return [ll.lng().degrees, ll.lat().degrees]
    except Exception:  # pragma: no cover - s2sphere is a test dependency
        return [float(fallback[0]), float(fallback[1])]


def auto_level(area_m2):
    """The service's own rule is unknown; the simulator picks the finest level with ≤ 5,000 cells."""
    for level in range(18, 9, -1):
        if area_m2 / (s2cells.EARTH_RADIUS_M**2 * 4 * math.pi / (6 * 4**level)) <= 5000:
            return level
    return 10


def cells_near(center, count, level=18, half=0.02):
    """The ``count`` level-``level`` cells nearest ``center`` (lng, lat), nearest first: a large
    answer for a circle around ``center`` (it must lie where it was asked for to be kept)."""
    lng, lat = center
    ids = s2cells.covering_ids(lng - half, lat - half, lng + half, lat + half, level)
    centers = s2cells.cell_rings(ids, level)[:, :4].mean(axis=1)
    return ids[np.argsort(np.hypot(centers[:, 0] - lng, centers[:, 1] - lat))[:count]].tolist()


def cells_in(shape, level):
    minx, miny, maxx, maxy = shape.bounds
    ids = s2cells.covering_ids(minx, miny, maxx, maxy, level)
    if ids.size > MAX_GENERATED_CELLS:
        return None
    rings = s2cells.cell_rings(ids, level)
    prepared = prep(shape)
    keep = [prepared.intersects(Polygon(r)) for r in rings]
    return ids[np.array(keep, dtype=bool)] if ids.size else ids


class JikeSimulator(Simulator):
    name = "jike-simulator"

    def __init__(self, token=TOKEN, today=dt.date(2025, 4, 25), **kwargs):
        super().__init__(**kwargs)
        # canned: bytes to answer every valid request with (bench, hostile answers)
        self._settings(token=token, today=today, canned=None, steady=False, revised=frozenset(), events={})
        self.sample_fence = json.loads(SAMPLE_REQUEST.read_text())["fence"]
        self.sample_bytes = SAMPLE_RESPONSE.read_bytes()

    def answer(self, path, headers, body, fault=None):
        if path.rstrip("/").split("?")[0] != "/v1/heat_map":
            return 404, _dump({"code": 404, "message": f"no route {path}"})
        if headers.get("Authorization", "") != f"Bearer {self.token}":
            return 401, _dump({"code": 401, "message": "invalid token", "response_id": str(uuid.uuid4())})
        if fault and fault.startswith("biz:"):
            code = int(fault[4:])
            return 200, _dump(envelope([], biz_code=code, biz_message=f"simulated business error {code}"))
        if fault == "empty":
            return 200, _dump(envelope([]))
        try:
            request = json.loads(body)
        except ValueError:
            return 400, _dump(envelope(None, code=400, message="body is not JSON"))
        refusal = self._validate(request)
        if refusal:
            return 200, _dump(envelope([], biz_code=400, biz_message=refusal))
        if self.canned is not None:
            return 200, self.canned
        if request.get("fence") == self.sample_fence and "cell_level" not in request:
            return 200, self.sample_bytes
        items = self._generate(request)
        if items is None:
            return 200, _dump(envelope([], biz_code=400, biz_message="too many cells at this cell_level"))
        return 200, _dump(envelope(items))

    def _validate(self, request):
        level = request.get("cell_level")
        if level is not None and not (isinstance(level, int) and 10 <= level <= 18):
            return f"cell_level must be 10..18, got {level!r}"
        if "fence" in request:
            ring = request["fence"]
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                return "fence must be a closed ring of at least 3 points"
            if ring_area_m2(ring) > 800e6:
                return "fence area exceeds 800 km2"
        elif "circle" in request:
            circle = request["circle"]
            if not isinstance(circle, dict) or not 0 < float(circle.get("radius", 0)) <= 50_000:
                return "circle radius must be 0..50000 m"
        else:
            return "fence or circle is required"
        return None

    def _generate(self, request):
        if "fence" in request:
            shape = Polygon(request["fence"])
            if not shape.is_valid:
                shape = shape.buffer(0)
            area = ring_area_m2(request["fence"])
        else:
            (lng, lat), radius = request["circle"]["center_point"], float(request["circle"]["radius"])
            dlat = math.degrees(radius / s2cells.EARTH_RADIUS_M)
            dlng = dlat / max(0.01, math.cos(math.radians(lat)))
            shape = affinity.scale(Point(lng, lat).buffer(1.0, 64), dlng, dlat)
            area = math.pi * radius**2
        level = request.get("cell_level") or auto_level(area)
        ids = cells_in(shape, level)
        if ids is None:
            return None
        if self.steady:
            return steady_items(ids, self.today, self.revised, events=self.events)
        seed = int.from_bytes(hashlib.sha1(json.dumps(request, sort_keys=True).encode()).digest()[:4], "big")
        return generate_items(ids, self.today, seed)


def _dump(doc):
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
