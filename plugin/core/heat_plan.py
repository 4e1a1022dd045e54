"""Which requests cover a set of features: tiles for what is too big, groups for what is small.

One rule does both, and it is S2's own hierarchy:

- A feature that one request can cover is one *piece*. A feature that cannot (over the area
  limit, over ``MAX_CELLS_PER_REQUEST`` cells at the level asked for, a ring over the vertex
  limit, a circle over 50 km) is cut along S2 cells, from level
  ``TILE_LEVEL`` down until each cut fits: each piece remembers its *tile* cell. Data cells (level
  10 and finer) nest in exactly one tile, so a cell is never paid for by two tiles.
- Pieces are swept along the Hilbert curve (the order of S2 leaf ids): neighbours join one request
  while the convex hull of the group stays under the limits and is not mostly empty.
- Each request lists its *members* (feature, tile). From the answer, a member keeps the cells that
  intersect its real geometry (holes and sea are outside) and, for a tile, that nest in the tile.

Geometry is WGS84 lng/lat (shapely); areas are geodesic (``fence.ring_area_m2``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import coords, s2cells, shapely_lib
from .errors import FenceError
from .fence import (
    MAX_AREA_KM2,
    MAX_RADIUS_M,
    check_cell_level,
    expected_cell_count,
    make_circle_fence,
    make_ring_fence,
    ring_area_m2,
)
from .shapely_lib import BaseGeometry, GeometryCollection, MultiPolygon, Polygon, prep

# Aim comfortably under the reported limit: the service's own area computation is unknown.
PLAN_AREA_M2 = 0.8 * MAX_AREA_KM2 * 1e6
# At a fine level the answer's size binds first: 50,000 cells × 10 days is about 120 MB of JSON
# (the default cap on an answer is 256 MB). A request covers at most this many cells' area.
MAX_CELLS_PER_REQUEST = 50_000
TILE_LEVEL = 8  # cells of ~1,300 km²: the first cut of a feature that does not fit
FINEST_TILE_LEVEL = 12  # ~5 km²: a cut this small always fits (its hull has a handful of vertices)
# A group's hull may cover at most this many times the pieces' own area (plus a square km), so
# that small neighbours share a request without asking for a sea of empty cells.
WASTE = 4.0
WASTE_SLACK_M2 = 1e6
CIRCLE_SEGMENTS = 128
# A tiled piece's fence reaches this far past the tile's straight-edged outline, so that cells
# along the tile's true (geodesic) edge are asked for; the tile filter drops the neighbours'.
TILE_MARGIN_DEG = 0.0005
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class FeatureShape:
    """One input feature as the planner sees it: a WGS84 (multi)polygon, or a circle."""

    fence_id: int
    label: str
    geometry: Any  # shapely Polygon / MultiPolygon, WGS84
    circle: tuple | None = None  # (lng, lat, radius_m) when the feature is a circle
    warnings: tuple = ()

    @property
    def area_m2(self):
        return math.pi * self.circle[2] ** 2 if self.circle else geodesic_area_m2(self.geometry)


@dataclass(frozen=True)
class Member:
    fence_id: int
    tile: int = 0  # S2 id of the tile this request covers of the feature; 0 = all of it


@dataclass
class HeatRequest:
    number: int
    fence: object  # core.fence.Fence: the ring or circle sent
    members: tuple  # Member, one per feature (and tile) the answer serves

    @property
    def fence_ids(self):
        return sorted({m.fence_id for m in self.members})


@dataclass
class HeatPlan:
    features: dict  # fence_id -> FeatureShape
    requests: list
    level: int | None = None  # the cell level asked for (None: the service chooses)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # about the input as a whole (a layer without CRS)

    def tiled_features(self):
        """The ids of the features cut into tiles."""
        return {m.fence_id for r in self.requests for m in r.members if m.tile}

    def spans_several_requests(self):
        counts = {}
        for request in self.requests:
            for fence_id in request.fence_ids:
                counts[fence_id] = counts.get(fence_id, 0) + 1
        return any(n > 1 for n in counts.values())

    def expected_cells(self):
        if not self.level:
            return None
        return sum(expected_cell_count(r.fence, self.level) for r in self.requests)


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    total = 0.0
    for polygon in polygons:
        if polygon.is_empty:
            continue
        total += ring_area_m2(list(polygon.exterior.coords))
        total -= sum(ring_area_m2(list(hole.coords)) for hole in polygon.interiors)
    return total


def circle_polygon(lng: float, lat: float, radius_m: float, segments: int = CIRCLE_SEGMENTS) -> Polygon:
    """A polygon around the circle (circumscribed: it never cuts the true circle)."""
    radius_deg = math.degrees(radius_m / s2cells.EARTH_RADIUS_M) / math.cos(math.pi / segments)
    scale = 1.0 / max(0.01, math.cos(math.radians(lat)))
    return Polygon(
        [
            (
                lng + radius_deg * scale * math.cos(2 * math.pi * k / segments),
                lat + radius_deg * math.sin(2 * math.pi * k / segments),
            )
            for k in range(segments)
        ]
    )


def polygonal(geometry: BaseGeometry) -> Polygon | MultiPolygon | None:
    """The polygonal parts of a geometry (intersections may add lines and points), or None."""
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return None if geometry.is_empty else geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty]
    flat = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(flat) if flat else None


# -- covering one piece --------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one request may be: its area (the service's limit, or the answer's size at the level),
    its vertices, and how far a simplified outline may move outwards."""

    area_m2: float
    max_vertices: int
    tolerance_m: float

    @classmethod
    def at(cls, level, max_vertices):
        cell_m2 = 4 * math.pi * s2cells.EARTH_RADIUS_M**2 / (6 * 4 ** (level or 18))
        area = min(PLAN_AREA_M2, MAX_CELLS_PER_REQUEST * cell_m2) if level else PLAN_AREA_M2
        # A quarter of a cell edge at the level asked for (level 18's when the service chooses):
        # buffered by it, then simplified by it, an outline moves outwards by half an edge at most.
        return cls(area, max_vertices, 0.25 * math.sqrt(cell_m2))


def _ring_if_fits(ring, limits):
    coords = list(ring.coords)
    return coords if len(coords) - 1 <= limits.max_vertices and ring_area_m2(coords) <= limits.area_m2 else None


def covering_ring(geometry: Polygon | MultiPolygon, limits: Limits) -> list[tuple[float, float]] | None:
    """A ring the service takes that covers ``geometry``: its own outline, else that outline
    buffered and simplified by ``tolerance_m`` (it only grows, by twice that at most), else its
    convex hull; None when even the hull is over the limits."""
    if isinstance(geometry, Polygon):
        ring = _ring_if_fits(geometry.exterior, limits)
        if ring:
            return ring
        tolerance = limits.tolerance_m / METRES_PER_DEGREE
        simple = geometry.buffer(tolerance).simplify(tolerance, preserve_topology=True)
        if isinstance(simple, Polygon):
            ring = _ring_if_fits(simple.exterior, limits)
            if ring:
                return ring
    hull = geometry.convex_hull
    return _ring_if_fits(hull.exterior, limits) if isinstance(hull, Polygon) else None


# -- tiles -----------------------------------------------------------------------------------------


def _tiles(geometry, limits, level=TILE_LEVEL, parent=None):
    """(tile id, piece) pairs cutting ``geometry`` along S2 cells until each piece fits."""
    minx, miny, maxx, maxy = geometry.bounds
    ids = s2cells.covering_ids(minx, miny, maxx, maxy, level)
    if parent is not None:
        ids = ids[s2cells.parents(ids, level - 1) == np.uint64(parent)]
    prepared = prep(geometry)
    for cell_id, ring in zip(ids.tolist(), s2cells.cell_rings(ids, level)):
        cell = Polygon(ring)
        if not prepared.intersects(cell):
            continue
        piece = polygonal(geometry.intersection(cell))
        if piece is None:
            continue
        if level >= FINEST_TILE_LEVEL or covering_ring(piece.buffer(TILE_MARGIN_DEG), limits):
            yield cell_id, piece
        else:
            yield from _tiles(piece, limits, level + 1, cell_id)


# -- the plan --------------------------------------------------------------------------------------


@dataclass
class _Piece:
    fence_id: int
    geometry: Any  # shapely
    tile: int
    area_m2: float
    order: int = 0

    @property
    def cover(self):
        """What the request must cover: a tile's piece reaches a little past the tile's edge."""
        return self.geometry.buffer(TILE_MARGIN_DEG) if self.tile else self.geometry


def plan_requests(features: Sequence[FeatureShape], level: int | None, max_vertices: int) -> HeatPlan:
    """The :class:`HeatPlan` for ``features`` (FeatureShape) at ``level`` (None or 0: the service's;
    otherwise 10..18, or FenceError)."""
    level = check_cell_level(level)
    if not features:
        raise FenceError("There is no feature to fetch: select at least one polygon (or draw a circle).")
    # Coverings only grow outwards (cells outside a feature are dropped afterwards).
    limits = Limits.at(level, max_vertices)
    plan = HeatPlan(features={f.fence_id: f for f in features}, requests=[], level=level)
    pieces = []
    for feature in _in_china(features, plan):
        if feature.circle and feature.circle[2] <= MAX_RADIUS_M and feature.area_m2 <= limits.area_m2:
            lng, lat, radius = feature.circle
            plan.requests.append(
                HeatRequest(
                    0, make_circle_fence(feature.fence_id, lng, lat, radius, feature.label), (Member(feature.fence_id),)
                )
            )
            continue
        geometry = feature.geometry
        whole = covering_ring(geometry, limits)
        if whole is not None:
            pieces.append(_Piece(feature.fence_id, geometry, 0, geodesic_area_m2(geometry)))
            continue
        cut = list(_tiles(geometry, limits))
        plan.notes.append(
            f"{feature.label}: {feature.area_m2 / 1e6:,.1f} km², cut into {len(cut)} S2-aligned tiles "
            f"({_why_cut(feature, limits)})"
        )
        pieces.extend(_Piece(feature.fence_id, piece, tile, geodesic_area_m2(piece)) for tile, piece in cut)
    for piece in pieces:
        point = piece.geometry.representative_point()
        piece.order = s2cells.leaf_id(point.x, point.y)
    for group in _groups(sorted(pieces, key=lambda p: p.order), limits):
        plan.requests.append(
            HeatRequest(0, _group_fence(group, limits), tuple(Member(p.fence_id, p.tile) for p in group))
        )
    for number, request in enumerate(plan.requests):
        request.number = number
    return plan


# China's outline and this much around it (sea, border zones): where a fence can have heat.
CHINA_MARGIN_DEG = 0.5


@functools.lru_cache(maxsize=1)
def _china():
    return prep(Polygon(coords.CHINA_OUTLINE).buffer(CHINA_MARGIN_DEG))


def _in_china(features, plan):
    """The features that reach China; the others are named in a warning (or the error, when none
    does): the service answers for China only, and a layer in the wrong CRS lands elsewhere."""
    reach = [_china().intersects(f.geometry) for f in features]
    outside = [f for f, inside in zip(features, reach) if not inside]
    if not outside:
        return features
    names = ", ".join(f.label or str(f.fence_id) for f in outside[:10]) + (", …" if len(outside) > 10 else "")
    centre = outside[0].geometry.centroid
    where = f"{names} (the first around {centre.x:.2f}, {centre.y:.2f})"
    advice = (
        "The heat service answers for China only: check the layer's CRS (and Polygons' coordinates), "
        "or select features in China."
    )
    if len(outside) == len(features):
        raise FenceError(f"Nothing to ask for: outside China: {where}. {advice}")
    plan.warnings.append(f"Left out, outside China: {where}. {advice}")
    return [f for f, inside in zip(features, reach) if inside]


def _why_cut(feature: FeatureShape, limits: Limits) -> str:
    """Why no single ring covers ``feature`` (covering_ring said None): the area, the outline
    around parts that lie apart, or the outline's vertices."""
    most = f"{limits.area_m2 / 1e6:,.0f} km²"
    if feature.area_m2 > limits.area_m2:
        return f"a request covers at most {most} at this level"
    hull = feature.geometry.convex_hull
    hull_m2 = ring_area_m2(list(hull.exterior.coords)) if isinstance(hull, Polygon) else 0.0
    if hull_m2 > limits.area_m2:
        return (
            f"its parts lie apart: the outline around them all (their convex hull) is {hull_m2 / 1e6:,.1f} km², "
            f"over the {most} a request covers at this level"
        )
    return f"its outline has more vertices than a request may have ({limits.max_vertices:,}), even simplified"


def _hull_fits(hull, area_covered, limits):
    if not isinstance(hull, Polygon) or len(hull.exterior.coords) - 1 > limits.max_vertices:
        return False
    area = ring_area_m2(list(hull.exterior.coords))
    return area <= limits.area_m2 and area <= WASTE * area_covered + WASTE_SLACK_M2


def _groups(pieces, limits):
    """Consecutive pieces (Hilbert order) while their hull fits; a tile's piece is grouped too."""
    group, hull, covered = [], None, 0.0
    for piece in pieces:
        if group:
            candidate = GeometryCollection([hull, piece.cover.convex_hull]).convex_hull
            if _hull_fits(candidate, covered + piece.area_m2, limits):
                group.append(piece)
                hull, covered = candidate, covered + piece.area_m2
                continue
            yield group
        group, hull, covered = [piece], piece.cover.convex_hull, piece.area_m2
    if group:
        yield group


def _group_fence(group, limits):
    first = group[0]
    label = f"request for {len({p.fence_id for p in group})} feature(s)"
    if len(group) == 1:
        ring = covering_ring(first.cover, limits)
    else:
        hull = GeometryCollection([p.cover for p in group]).convex_hull
        ring = list(hull.exterior.coords) if isinstance(hull, Polygon) else None
    if ring is None:  # a tiled piece at the finest tile level: its hull always fits
        ring = list(first.cover.convex_hull.exterior.coords)
    return make_ring_fence(first.fence_id, ring, label=label)


# -- what an answer gives each member -------------------------------------------------------------


def member_cells(plan: HeatPlan, member: Member, ids: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Boolean mask over an answer's cells: those that belong to ``member`` (its feature's real
    geometry, and its tile when it has one)."""
    ids = np.asarray(ids, dtype=np.uint64)
    keep = np.ones(ids.size, dtype=bool)
    if not ids.size:
        return keep
    if member.tile:
        tile_level = s2cells.level_of(member.tile)
        keep &= s2cells.parents(ids, tile_level) == np.uint64(member.tile)
    rings = s2cells.cell_rings(ids, levels)
    keep &= shapely_lib.intersects_each(plan.features[member.fence_id].geometry, rings)
    return keep


def circle_feature(fence_id: int, lng: float, lat: float, radius_m: float, label: str = "") -> FeatureShape:
    """A circle feature (the dock's drawn circle, Processing's centre and radius)."""
    return FeatureShape(
        fence_id, label or f"circle {radius_m:g} m", circle_polygon(lng, lat, radius_m), circle=(lng, lat, radius_m)
    )
