"""shapely, when QGIS's Python has it (Debian's QGIS does not ship it), on both of its lines.

The plugin must load without it: every module that plans or shares heat imports shapely from
here, and gets None in its place when it is missing. Nothing runs them then: the dock and
Processing check ``deps.missing()`` first and show the install command instead.

Both lines are supported with the same numbers: 2.x (pip, Ubuntu 24.04, Debian 13) and 1.8
(Debian 12's and Ubuntu 22.04's ``python3-shapely``), which has none of 2.x's array functions.
The few array operations the plugin needs are defined once below: on 2.x they are shapely's own,
on 1.8 a loop over the same geometry operations (GEOS computes both). Pairs from a spatial index
come sorted on both lines, so that sums are made in one order.
"""

from __future__ import annotations

try:
    import shapely
    from shapely import wkb, wkt
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
    from shapely.geometry.base import BaseGeometry
    from shapely.ops import unary_union
    from shapely.prepared import prep
except ImportError:
    shapely = wkb = wkt = GeometryCollection = MultiPolygon = Polygon = BaseGeometry = prep = unary_union = None

import numpy as np

__all__ = [
    "shapely",
    "wkb",
    "wkt",
    "GeometryCollection",
    "MultiPolygon",
    "Polygon",
    "BaseGeometry",
    "prep",
    "HAS_ARRAYS",
    "polygons",
    "transform",
    "area",
    "intersection",
    "union_all",
    "centroid",
    "query_pairs",
    "intersects_each",
    "make_valid",
    "from_wkb",
]

# shapely 2's vectorised functions (``shapely.polygons`` and the rest), absent from 1.8.
HAS_ARRAYS = shapely is not None and hasattr(shapely, "polygons")


def _objects(items) -> np.ndarray:
    """A 1-d object array of geometries (one by one: on 1.8, numpy would unpack a point's
    coordinates through its deprecated array interface)."""
    items = list(items)
    array = np.empty(len(items), dtype=object)
    for k, item in enumerate(items):
        array[k] = item
    return array


def polygons(rings) -> np.ndarray:
    """One polygon per (k, 2) ring of ``rings`` ((n, k, 2) array or a sequence of rings)."""
    if HAS_ARRAYS:
        return shapely.polygons(rings)
    return _objects([Polygon(ring) for ring in rings])


def transform(geometries, lnglat_to_xy) -> np.ndarray:
    """Every geometry with its coordinates mapped by ``lnglat_to_xy`` ((n, 2) → (n, 2) array)."""
    geometries = _objects(geometries)
    if HAS_ARRAYS:
        return shapely.transform(geometries, lnglat_to_xy)
    from shapely.ops import transform as transform_one

    def xy(x, y):
        moved = lnglat_to_xy(np.column_stack((np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))))
        return moved[:, 0], moved[:, 1]

    return _objects([g if g.is_empty else transform_one(xy, g) for g in geometries])


def area(geometries) -> np.ndarray:
    if HAS_ARRAYS:
        return shapely.area(geometries)
    return np.array([g.area for g in geometries], dtype=np.float64)


def intersection(first, second) -> np.ndarray:
    """The element-wise intersection of two equally long arrays of geometries."""
    if HAS_ARRAYS:
        return shapely.intersection(first, second)
    return _objects([a.intersection(b) for a, b in zip(first, second)])


def union_all(geometries):
    if HAS_ARRAYS:
        return shapely.union_all(geometries)
    return unary_union(list(geometries))


def centroid(geometries) -> np.ndarray:
    if HAS_ARRAYS:
        return shapely.centroid(geometries)
    return _objects([g.centroid for g in geometries])


def query_pairs(tree_geometries, query_geometries, predicate: str) -> tuple[np.ndarray, np.ndarray]:
    """(query index, tree index) of every pair for which ``query.<predicate>(tree)`` holds
    ("intersects" or "contains"), sorted by query then tree index."""
    tree_geometries, query_geometries = _objects(tree_geometries), _objects(query_geometries)
    if HAS_ARRAYS:
        query_idx, tree_idx = shapely.STRtree(tree_geometries).query(query_geometries, predicate=predicate)
    else:
        query_idx, tree_idx = _query_pairs_1_8(tree_geometries, query_geometries, predicate)
    query_idx, tree_idx = np.asarray(query_idx, dtype=np.int64), np.asarray(tree_idx, dtype=np.int64)
    order = np.lexsort((tree_idx, query_idx))
    return query_idx[order], tree_idx[order]


def _query_pairs_1_8(tree_geometries, query_geometries, predicate):
    import warnings

    from shapely.strtree import STRtree

    candidates = [i for i, g in enumerate(tree_geometries) if not g.is_empty]
    pairs_q, pairs_t = [], []
    if not candidates:
        return pairs_q, pairs_t
    # 1.8's tree hands back the geometries themselves: map them back to their index by identity.
    kept = [tree_geometries[i] for i in candidates]
    index_of = {id(g): i for g, i in zip(kept, candidates)}
    with warnings.catch_warnings():  # "will be changed in 2.0": 2.0 takes the other branch
        warnings.simplefilter("ignore")
        tree = STRtree(kept)
    for q, query in enumerate(query_geometries):
        if query.is_empty:
            continue
        test = getattr(prep(query), predicate)
        hits = sorted(index_of[id(g)] for g in tree.query(query))
        for t in hits:
            if test(tree_geometries[t]):
                pairs_q.append(q)
                pairs_t.append(t)
    return pairs_q, pairs_t


def intersects_each(geometry: BaseGeometry, rings) -> np.ndarray:
    """For each (5, 2) ring, whether its cell polygon intersects ``geometry``."""
    if HAS_ARRAYS:
        cells = shapely.polygons(rings)
        shapely.prepare(geometry)
        return shapely.intersects(geometry, cells)
    prepared = prep(geometry)
    return np.array([prepared.intersects(Polygon(r)) for r in rings], dtype=bool)


def make_valid(geometry: BaseGeometry) -> BaseGeometry:
    if HAS_ARRAYS:
        return shapely.make_valid(geometry)
    from shapely.validation import make_valid as make_valid_1_8

    return make_valid_1_8(geometry)


def from_wkb(data: bytes) -> BaseGeometry:
    return wkb.loads(bytes(data))
