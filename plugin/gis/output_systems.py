"""The coordinate systems layers can be written in, as the user chooses them: one list, in the
order of Processing's COORD_OUT choices and of the dock's combo boxes."""

from ..core.coords import OUTPUT_SYSTEMS
from ..i18n import tr


def choices():
    """(system, label) pairs; labels say the numbers are not EPSG:4326's although they are labelled so."""
    labels = (tr("WGS84"), tr("GCJ-02 numbers (Amap, Tencent basemaps)"), tr("BD-09 numbers (Baidu basemaps)"))
    return list(zip(OUTPUT_SYSTEMS, labels))


def of_choice(index):
    """The system of Processing's COORD_OUT choice ``index``."""
    return OUTPUT_SYSTEMS[index]
