"""The few places where QGIS 3.22 (Qt5) and Qt6 builds of QGIS differ, answered once."""

from qgis.core import Qgis, QgsField
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
