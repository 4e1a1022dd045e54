"""Boundaries shaped like the real ones analysts bring, made here (deterministic, small):

- ``city_districts``: a city of 16 districts that partition ~14,000 km² (11 of them over the
  service's ~800 km²), with wiggly shared borders of a few hundred vertices, like DataV's;
- ``island_districts``: 18 districts of a coastal city, each a main island with holes (reservoirs)
  and up to 150 small islands around it, like Hong Kong's;
- ``mall_units``: 27 shop units of a few hundred m² each, side by side.

All WGS84 shapely geometries; ``city_file`` and ``islands_file`` write them as files the way real
sources do (nothing large is committed: they are made at test time).
"""

import json
import math
import pathlib

import numpy as np
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping

DATA = pathlib.Path(__file__).resolve().parent / "data"  # where `python tests/boundaries.py` writes


def _blob(x, y, radius, rng, vertices=24, roughness=0.25):
    angles = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radii = radius * (1 + roughness * rng.uniform(-1, 1, vertices))
    shape = Polygon(np.c_[x + radii * np.cos(angles), y + radii * np.sin(angles) * 0.92]).buffer(0)
    return max(shape.geoms, key=lambda g: g.area) if isinstance(shape, MultiPolygon) else shape


def city_districts(seed=7):
    """16 districts of a city around (116.4, 40.0), partitioning its outline."""
    rng = np.random.default_rng(seed)
    outline = _blob(116.4, 40.0, 0.75, rng, vertices=180, roughness=0.12)
    seeds = [Point(116.4 + rng.uniform(-0.6, 0.6), 40.0 + rng.uniform(-0.55, 0.55)) for _ in range(16)]
    seeds[0], seeds[1] = Point(116.39, 39.99), Point(116.43, 40.01)  # two small central districts
    districts = []
    for cell in _voronoi_cells(seeds, box(115, 38.5, 118, 41.5)):
        piece = _densified(cell.intersection(outline), 0.01)
        if not piece.is_empty:
            districts.append(piece)
    return districts


# Written out rather than taken from shapely 2 (voronoi_diagram, segmentize): Debian 12's shapely
# 1.8 has no segmentize and its voronoi_diagram crashes with an envelope, and the boundaries must
# be the same on both lines for the plan to be compared.


def _voronoi_cells(seeds, envelope):
    """Each seed's Voronoi cell within ``envelope``: the envelope cut by the half-plane closer to
    the seed than to each other seed."""
    points = [np.array([p.x, p.y]) for p in seeds]
    reach = 100.0  # degrees: far past the envelope
    for i, own in enumerate(points):
        cell = envelope
        for j, other in enumerate(points):
            if i == j:
                continue
            middle = (own + other) / 2
            away = (other - own) / np.linalg.norm(other - own)  # towards the other seed
            along = np.array([-away[1], away[0]])
            near_side = [middle + reach * along, middle - reach * along]
            near_side += [near_side[1] - reach * away, near_side[0] - reach * away]
            cell = cell.intersection(Polygon(near_side))
        yield cell


def _densified_ring(coords, step):
    coords = np.asarray(coords)
    out = [coords[0]]
    for start, end in zip(coords[:-1], coords[1:]):
        pieces = max(1, int(math.ceil(np.hypot(*(end - start)) / step)))
        out.extend(start + (end - start) * k / pieces for k in range(1, pieces + 1))
    return np.array(out)


def _densified(geometry, step):
    """``geometry`` (a polygon or several) with vertices added so that no edge is over ``step``."""
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([_densified(part, step) for part in geometry.geoms])
    if not isinstance(geometry, Polygon) or geometry.is_empty:
        return geometry
    return Polygon(
        _densified_ring(geometry.exterior.coords, step), [_densified_ring(r.coords, step) for r in geometry.interiors]
    )


def island_districts(seed=11):
    """18 districts around (114.15, 22.35): a main island with holes, and small islands."""
    rng = np.random.default_rng(seed)
    districts = []
    for n in range(18):
        cx, cy = 113.95 + 0.09 * (n % 6), 22.22 + 0.08 * (n // 6)
        main = _blob(cx, cy, 0.02, rng, vertices=60)
        holes = [
            _blob(cx + dx, cy + dy, 0.002, rng, vertices=10).exterior.coords
            for dx, dy in ((-0.006, 0.0), (0.006, 0.003))
        ]
        parts = [Polygon(main.exterior.coords, holes)]
        for _ in range(int(rng.integers(3, 150))):
            angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(0.026, 0.042)
            islet = _blob(
                cx + distance * math.cos(angle),
                cy + distance * math.sin(angle),
                rng.uniform(0.0004, 0.002),
                rng,
                vertices=8,
            )
            if not any(islet.intersects(p) for p in parts):
                parts.append(islet)
        districts.append(MultiPolygon(parts))
    return districts


def mall_units():
    """27 units of about 20 m × 15 m in three rows (a shopping mall's floor plan)."""
    units = []
    for row in range(3):
        for k in range(9):
            x, y = 114.0570 + k * 0.0002, 22.5430 + row * 0.00015
            units.append(box(x, y, x + 0.00019, y + 0.00013))
    return units


def feature_collection(geometries, names):
    """A DataV-style FeatureCollection (adcode, name, center, level, parent)."""
    features = []
    for n, (geometry, name) in enumerate(zip(geometries, names)):
        multi = geometry if isinstance(geometry, MultiPolygon) else MultiPolygon([geometry])
        center = geometry.representative_point()
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": 110101 + n,
                    "name": name,
                    "center": [round(center.x, 6), round(center.y, 6)],
                    "level": "district",
                    "parent": {"adcode": 110000},
                },
                "geometry": mapping(multi),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def with_a_self_intersection(polygon):
    """The polygon with two neighbouring corners of its ring swapped: a bow tie, as digitising slips
    make them (DataV's 顺义区 has one). The result is invalid; QGIS must repair it."""
    coords = list(polygon.exterior.coords)[:-1]
    corners = [
        k for k in range(len(coords) // 3, len(coords) - 1) if not _collinear(coords[k - 1], coords[k], coords[k + 1])
    ]
    k, j = corners[:2]  # two neighbouring corners (not vertices added along a straight edge)
    coords[k], coords[j] = coords[j], coords[k]
    return coords + [coords[0]]


def _collinear(a, b, c):
    return abs((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])) < 1e-12


def write_geojson(path, features):
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    return path


def city_file(folder):
    """The city's districts as DataV writes them (MultiPolygons, adcode/name/center/level/parent);
    district 03 has a self-intersection."""
    districts = city_districts()
    collection = feature_collection(districts, [f"区{n + 1:02d}" for n in range(len(districts))])
    bad = collection["features"][2]["geometry"]
    outer = max(districts[2].geoms, key=lambda g: g.area) if isinstance(districts[2], MultiPolygon) else districts[2]
    bad["coordinates"] = [[with_a_self_intersection(outer)]]
    return write_geojson(pathlib.Path(folder) / "city_districts.geojson", collection["features"])


def islands_file(folder, crs="EPSG:32650"):
    """The island districts in a projected CRS (UTM 50N), written by QGIS (GeoPackage)."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsField,
        QgsGeometry,
        QgsProject,
        QgsVectorFileWriter,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QVariant

    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "islands", "memory")
    layer.dataProvider().addAttributes([QgsField("name", QVariant.String)])
    layer.updateFields()
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(crs), QgsProject.instance()
    )
    features = []
    for n, geometry in enumerate(island_districts()):
        feature = QgsFeature(layer.fields())
        qgs = QgsGeometry.fromWkt(geometry.wkt)
        qgs.transform(transform)
        feature.setGeometry(qgs)
        feature.setAttributes([f"离岛{n + 1:02d}"])
        features.append(feature)
    path = pathlib.Path(folder) / "islands_utm50n.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    projected = QgsVectorLayer(f"MultiPolygon?crs={crs}", "islands", "memory")
    projected.dataProvider().addAttributes(layer.fields().toList())
    projected.updateFields()
    projected.dataProvider().addFeatures(features)
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        projected, str(path), QgsProject.instance().transformContext(), options
    )[0]
    assert error == QgsVectorFileWriter.NoError
    return path


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    print(city_file(DATA))
