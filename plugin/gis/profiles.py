"""Time profiles of QGIS layers: an hourly heat layer's cells, or zones of a heat-by-zone output
(through its zone-hour table). The selected features when there are, else all of them."""

from qgis.core import QgsFeatureRequest, QgsProject, QgsVectorLayerFeatureSource

from ..core.profile import ProfileBuilder, profile_of_rows
from .heat_layers import has_cell_days
from .heat_zones import as_day, read_heat

# A heat-by-zone output remembers its zone-hour table (a custom property holding the layer id).
HOURS_LAYER_PROPERTY = "crowdheat/zone_hours_layer"


def hours_layer_of(zone_layer):
    layer_id = zone_layer.customProperty(HOURS_LAYER_PROPERTY, "")
    return QgsProject.instance().mapLayer(layer_id) if layer_id else None


def can_profile(layer):
    if layer is None or not hasattr(layer, "fields"):
        return False
    return has_cell_days(layer.fields()) or hours_layer_of(layer) is not None


def is_zone_hours(fields):
    names = {f.name().lower() for f in fields}
    return {"zone_fid", "date", "hour", "heat"} <= names


def profile_of_heat(source, name, fids=None, is_cancelled=None):
    """The :class:`Profile` of an hourly heat layer (or Processing source), read as heat by zone
    reads it: ``fids`` only, each cell-day once."""
    builder, _ = read_heat(source, is_cancelled, fids)
    return profile_of_rows(builder.rows(), f"{len(builder.tokens):,} cells of {name}")


def profile_of_zone_hours(fields, rows, name, keep=None):
    """The :class:`Profile` of a zone-hour table's rows (``keep``: the zone ids to use, None for all)."""
    builder = ProfileBuilder()
    names = {f.name().lower(): f.name() for f in fields}
    zone_ids = set()
    for row in rows:
        if keep is None or row[names["zone_fid"]] in keep:
            zone_ids.add(row[names["zone_fid"]])
            builder.add_hour(
                row[names["zone_fid"]],
                as_day(row[names["date"]]),
                int(row[names["hour"]]),
                float(row[names["heat"]] or 0),
            )
    return builder.build(f"{len(zone_ids):,} zones of {name}")


def profile_of_source(source, name):
    """The profile of a Processing source: an hourly heat layer or a zone-hour table, else None."""
    if has_cell_days(source.fields()):
        return profile_of_heat(source, name)
    if is_zone_hours(source.fields()):
        return profile_of_zone_hours(source.fields(), source.getFeatures(), name)
    return None


class _Snapshot:
    """A layer's fields and a thread-safe copy of its feature source: what a task may read."""

    def __init__(self, layer):
        self._fields = layer.fields()
        self._source = QgsVectorLayerFeatureSource(layer)

    def fields(self):
        return self._fields

    def getFeatures(self, request=None):
        return self._source.getFeatures(request or QgsFeatureRequest())


class ProfileJob:
    """A layer's profile, taken apart: made on the UI thread (cheap: the selection, the sources),
    :meth:`run` in a task (reads every cell-day, which takes seconds for 100,000 of them)."""

    def __init__(self, layer):
        selected = layer.selectedFeatureCount() > 0
        self.suffix = " (selected)" if selected else ""
        self.name = layer.name()
        self.is_heat = has_cell_days(layer.fields())  # else zones, through their zone-hour table
        if self.is_heat:
            self.source = _Snapshot(layer)
            self.fids = layer.selectedFeatureIds() if selected else None
            return
        hours = hours_layer_of(layer)
        self.source = _Snapshot(hours) if hours is not None else None
        # The table is keyed by the zone layer's ids, kept in the output's zone_fid (an output
        # written to a file or memory numbers its features anew).
        self.keep = {f["zone_fid"] for f in layer.getSelectedFeatures()} if selected else None
        self.zone_count = layer.featureCount()

    def run(self, is_cancelled=None):
        """The :class:`Profile`, or None when the layer has none."""
        if self.source is None:
            return None
        if self.is_heat:
            profile = profile_of_heat(self.source, self.name, self.fids, is_cancelled)
        else:
            request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
            rows = self.source.getFeatures(request)
            profile = profile_of_zone_hours(self.source.fields(), rows, self.name, self.keep)
            if self.keep is None:  # zones without any hour still count as zones of the layer
                profile.what = f"{self.zone_count:,} zones of {self.name}"
        profile.what += self.suffix
        return profile
