"""The few places where QGIS 3.22 (Qt5) and Qt6 builds of QGIS differ, answered once."""

from qgis.core import Qgis, QgsField, QgsFields, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType, QVariant

# From QGIS 3.38, QgsField takes QMetaType.Type; 3.22 takes QVariant.Type (QMetaType fails there).
_NEW_FIELD_TYPES = Qgis.QGIS_VERSION_INT >= 33800

_TYPES = {
    "int": ("Int", "Int"),
    "long": ("LongLong", "LongLong"),
    "double": ("Double", "Double"),
    "string": ("String", "QString"),
    "date": ("Date", "QDate"),
    "datetime": ("DateTime", "QDateTime"),
}


def fields_of(spec, first=()):
    """QgsFields: ``first`` (fields), then one per (name, kind) or (name, kind, comment) of ``spec``."""
    fields = QgsFields()
    for field in first:
        fields.append(field)
    for name, kind, *comment in spec:
        fields.append(make_field(name, kind, *comment))
    return fields


def memory_layer(geometry, name, fields, crs="EPSG:4326"):
    """An empty memory layer of ``geometry`` ("Point", "Polygon", "LineString") with ``fields``."""
    layer = QgsVectorLayer(f"{geometry}?crs={crs}", name, "memory")
    layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    return layer


def make_field(name, kind, comment=""):
    """A QgsField of ``kind`` (int, long, double, string, date, datetime) on any QGIS version."""
    variant_name, meta_name = _TYPES[kind]
    if _NEW_FIELD_TYPES:
        field_type = getattr(QMetaType.Type, meta_name)
    else:
        field_type = getattr(QVariant, variant_name)
    field = QgsField(name, field_type)
    if comment:
        field.setComment(comment)
    return field


def unique_names(input_names, fixed_names, suffix="_input"):
    """(names for the input's columns, {original: renamed}): an input name that clashes with one of
    ``fixed_names`` or an earlier input name gets ``suffix`` (then a number). Case-insensitive, as
    GeoPackage, Shapefile and QgsFields are: an input "LON" clashes with "lon". The fixed names are
    what users join and filter on, so they never change."""
    fixed = {name.lower() for name in fixed_names}
    taken, names, renames = set(), [], {}
    for original in input_names:
        name = original or "column"
        if name.lower() in fixed or name.lower() in taken:
            base = f"{name}{suffix}"
            name, n = base, 2
            while name.lower() in fixed or name.lower() in taken:
                name, n = f"{base}{n}", n + 1
            renames[original] = name
        taken.add(name.lower())
        names.append(name)
    return names, renames
