"""The coordinate systems layers can be written in and inputs read in, as the user chooses them:
one list each, in the order of Processing's COORD_OUT and INPUT_COORDS choices and of the dock's
combo boxes."""

from ..core.coords import INPUT_SYSTEMS, OUTPUT_SYSTEMS
from ..i18n import tr


def choices():
    """(system, label) pairs; labels say the numbers are not EPSG:4326's although they are labelled so."""
    labels = (tr("WGS84"), tr("GCJ-02 numbers (Amap, Tencent basemaps)"), tr("BD-09 numbers (Baidu basemaps)"))
    return list(zip(OUTPUT_SYSTEMS, labels))


def of_choice(index):
    """The system of Processing's COORD_OUT choice ``index``."""
    return OUTPUT_SYSTEMS[index]


def input_choices():
    """(system, label) pairs for what an input layer's numbers are; WGS84 stands for "as its CRS
    says" (reprojected to WGS84 by QGIS)."""
    labels = (
        tr("The layer's CRS"),
        tr("GCJ-02 numbers (DataV/Aliyun, Amap boundaries)"),
        tr("BD-09 numbers (Baidu boundaries)"),
    )
    return list(zip(INPUT_SYSTEMS, labels))


def of_input_choice(index):
    """The system of Processing's INPUT_COORDS choice ``index``."""
    return INPUT_SYSTEMS[index]
