"""Fences as the Jike heat service takes them, and the checks made before any request.

A fence is either a closed WGS84 ring ``[[lng, lat], ...]`` or a circle (centre + radius in
metres). Geometry repair, reprojection and simplification happen in the QGIS layer
(``plugin/gis/fences.py``); this module only holds what is true of any fence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import s2cells
from .errors import FenceError

# Reported limits of the service (Jike marketing article; not in the API doc).
MAX_AREA_KM2 = 800.0
MAX_RADIUS_M = 50_000.0
MIN_CELL_LEVEL = 10
MAX_CELL_LEVEL = 18
DEFAULT_MAX_VERTICES = 1000
# Below this a ring has no area worth a request (a sliver, a degenerate or collinear ring).
MIN_AREA_M2 = 1.0


@dataclass(frozen=True)
class Fence:
    """One request's worth of area. ``fence_id``/``part`` say where it came from."""

    fence_id: int
    part: int = 0
    ring: tuple = ()  # ((lng, lat), ...), closed
    center: tuple | None = None  # (lng, lat) of a circle
    radius_m: float = 0.0
    label: str = ""
    warnings: tuple = field(default=(), compare=False)

    @property
    def is_circle(self):
        return self.center is not None

    def request_body(self, cell_level=None):
        """The JSON body of POST /v1/heat_map for this fence."""
        if self.is_circle:
            body = {"circle": {"center_point": [self.center[0], self.center[1]], "radius": self.radius_m}}
        else:
            body = {"fence": [[lng, lat] for lng, lat in self.ring]}
        if cell_level:
            body["cell_level"] = int(cell_level)
        return body

    def area_m2(self):
        if self.is_circle:
            return math.pi * self.radius_m**2
        return ring_area_m2(self.ring)

    def perimeter_m(self):
        if self.is_circle:
            return 2 * math.pi * self.radius_m
        return sum(haversine_m(a, b) for a, b in zip(self.ring, self.ring[1:]))

    def centroid(self):
        if self.is_circle:
            return self.center
        pts = self.ring[:-1]
        return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def make_ring_fence(
    fence_id: int, ring: Sequence[tuple[float, float]], part: int = 0, label: str = "", warnings: Sequence[str] = ()
) -> Fence:
    """A ring fence from (lng, lat) pairs, closed if needed, after checking its coordinates."""
    pts = [(float(x), float(y)) for x, y in ring]
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    if len(pts) < 4 or len({p for p in pts}) < 3:
        raise FenceError(
            f"Fence {label or fence_id}: a polygon needs at least 3 distinct points (got {max(len(pts) - 1, 0)})."
        )
    for lng, lat in pts:
        if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
            raise FenceError(
                f"Fence {label or fence_id}: ({lng}, {lat}) is not a WGS84 longitude/latitude. Check the layer's CRS."
            )
    area = ring_area_m2(pts)
    if area < MIN_AREA_M2:
        raise FenceError(
            f"Fence {label or fence_id} has no area ({area:.2f} m²): its points lie on a line or "
            "on top of each other. Nothing to ask for."
        )
    return Fence(fence_id=fence_id, part=part, ring=tuple(pts), label=label, warnings=tuple(warnings))


def make_circle_fence(fence_id: int, lng: float, lat: float, radius_m: float, label: str = "") -> Fence:
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise FenceError(f"Circle centre ({lng}, {lat}) is not a WGS84 longitude/latitude.")
    if not radius_m or radius_m <= 0:
        raise FenceError("The circle's radius must be greater than 0 metres.")
    return Fence(fence_id=fence_id, center=(float(lng), float(lat)), radius_m=float(radius_m), label=label)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * s2cells.EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def ring_area_m2(ring: Sequence[tuple[float, float]]) -> float:
    """Geodesic area of a closed lng/lat ring on the mean-radius sphere.

    Within 0.5% of QGIS's ellipsoidal area for fences of the sizes the service accepts, which is
    more than the precision of the service's own (reported, approximate) 800 km² limit.
    """
    total = 0.0
    for (lng1, lat1), (lng2, lat2) in zip(ring, ring[1:]):
        dlng = math.radians(lng2 - lng1)
        if dlng > math.pi:
            dlng -= 2 * math.pi
        elif dlng < -math.pi:
            dlng += 2 * math.pi
        total += dlng * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * s2cells.EARTH_RADIUS_M**2 / 2.0


def expected_cell_count(fence: Fence, level: int) -> int:
    """About how many level-``level`` cells the service returns for ``fence`` (an estimate).

    Interior cells (area / cell area) plus the cells cut by the boundary (perimeter / cell edge).
    """
    lng, lat = fence.centroid()
    cell_area = s2cells.cell_area_m2(lng, lat, level)
    return int(round(fence.area_m2() / cell_area + fence.perimeter_m() / math.sqrt(cell_area) + 1))


def check_cell_level(cell_level: int | None) -> int | None:
    """0/None means 'let the service choose'; otherwise 10..18."""
    if cell_level in (None, 0):
        return None
    level = int(cell_level)
    if not MIN_CELL_LEVEL <= level <= MAX_CELL_LEVEL:
        raise FenceError(
            f"Cell level {level} is not supported: choose {MIN_CELL_LEVEL}..{MAX_CELL_LEVEL}, "
            "or 0 to let the service choose."
        )
    return level
