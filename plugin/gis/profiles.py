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


def profile_of(layer):
    """The :class:`Profile` of a layer's selected features (all if none is selected), or None."""
    if layer is None:
        return None
    selected = layer.selectedFeatureCount() > 0
    builder = ProfileBuilder()
    if looks_like_heat(layer.fields()):
        names = {f.name().lower(): f.name() for f in layer.fields()}
        key = names.get("cell_token") or names["cell_id"]
        count = 0
        keys = set()
        for feature in layer.getFeatures(_request(layer, selected)):
            builder.add(feature[key], _day(feature[names["date"]]), [feature[names[h]] or 0 for h in HOUR_FIELDS])
            keys.add(feature[key])
            count += 1
        return builder.build(f"{len(keys):,} cells of {layer.name()}" + (" (selected)" if selected else ""))
    hours = hours_layer_of(layer)
    if hours is None:
        return None
    fids = set(layer.selectedFeatureIds()) if selected else None
    for row in hours.getFeatures(QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)):
        if fids is None or row["zone_fid"] in fids:
            builder.add_hour(row["zone_fid"], _day(row["date"]), int(row["hour"]), float(row["heat"] or 0))
    zone_count = len(fids) if fids is not None else layer.featureCount()
    return builder.build(f"{zone_count:,} zones of {layer.name()}" + (" (selected)" if selected else ""))
