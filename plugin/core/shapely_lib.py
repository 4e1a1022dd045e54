"""shapely, when QGIS's Python has it (Debian's QGIS does not ship it).

The plugin must load without it: every module that plans or shares heat imports shapely from
here, and gets None in its place when it is missing. Nothing runs them then: the dock and
Processing check ``deps.missing()`` first and show the install command instead.
"""

try:
    import shapely
    from shapely import wkb
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
    from shapely.geometry.base import BaseGeometry
    from shapely.prepared import prep
except ImportError:
    shapely = wkb = GeometryCollection = MultiPolygon = Polygon = BaseGeometry = prep = None

__all__ = ["shapely", "wkb", "GeometryCollection", "MultiPolygon", "Polygon", "BaseGeometry", "prep"]
