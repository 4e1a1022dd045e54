"""Time profiles of QGIS layers: an hourly heat layer's cells, or zones of a heat-by-zone output
(through its zone-hour table). The selected features when there are, else all of them."""

from qgis.core import QgsFeatureRequest, QgsProject
from qgis.PyQt.QtCore import QDate

from ..core import zones
from ..core.profile import ProfileBuilder
from .heat_layers import HOUR_FIELDS
from .heat_zones import looks_like_heat

# A heat-by-zone output remembers its zone-hour table (a custom property holding the layer id).
HOURS_LAYER_PROPERTY = "crowdheat/zone_hours_layer"


def _day(value):
    return value.toPyDate() if isinstance(value, QDate) else zones.as_date(value)


def _request(layer, selected):
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
    if selected:
        request.setFilterFids(layer.selectedFeatureIds())
    return request


def hours_layer_of(zone_layer):
    layer_id = zone_layer.customProperty(HOURS_LAYER_PROPERTY, "")
    return QgsProject.instance().mapLayer(layer_id) if layer_id else None


def can_profile(layer):
    if layer is None or not hasattr(layer, "fields"):
        return False
    return looks_like_heat(layer.fields()) or hours_layer_of(layer) is not None


def is_zone_hours(fields):
    names = {f.name().lower() for f in fields}
    return {"zone_fid", "date", "hour", "heat"} <= names


def profile_of_features(fields, features, name, keep=None):
    """The :class:`Profile` of an hourly heat layer's features, or of a zone-hour table's rows
    (``keep``: the zone ids to use, None for all); None if the fields are neither."""
    builder = ProfileBuilder()
    names = {f.name().lower(): f.name() for f in fields}
    if looks_like_heat(fields):
        key = names.get("cell_token") or names["cell_id"]
        keys = set()
        for feature in features:
            builder.add(feature[key], _day(feature[names["date"]]), [feature[names[h]] or 0 for h in HOUR_FIELDS])
            keys.add(feature[key])
        return builder.build(f"{len(keys):,} cells of {name}")
    if is_zone_hours(fields):
        zone_ids = set()
        for row in features:
            if keep is None or row[names["zone_fid"]] in keep:
                zone_ids.add(row[names["zone_fid"]])
                builder.add_hour(row[names["zone_fid"]], _day(row[names["date"]]), int(row[names["hour"]]),
                                 float(row[names["heat"]] or 0))
        return builder.build(f"{len(zone_ids):,} zones of {name}")
    return None


def profile_of(layer):
    """The :class:`Profile` of a layer's selected features (all if none is selected), or None:
    an hourly heat layer, or a heat-by-zone output through its zone-hour table."""
    if layer is None:
        return None
    selected = layer.selectedFeatureCount() > 0
    suffix = " (selected)" if selected else ""
    if looks_like_heat(layer.fields()):
        profile = profile_of_features(layer.fields(), layer.getFeatures(_request(layer, selected)), layer.name())
        profile.what += suffix
        return profile
    hours = hours_layer_of(layer)
    if hours is None:
        return None
    # The table is keyed by the zone layer's ids, kept in the output's zone_fid (an output written
    # to a file or memory numbers its features anew).
    keep = {f["zone_fid"] for f in layer.getSelectedFeatures()} if selected else None
    profile = profile_of_features(hours.fields(), hours.getFeatures(_request(hours, False)), layer.name(), keep)
    if keep is None:  # zones without any hour still count as zones of the layer
        profile.what = f"{layer.featureCount():,} zones of {layer.name()}"
    profile.what += suffix
    return profile
