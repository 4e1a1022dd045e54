"""Outputs that open ready for the map: a style saved as the layer's default in the data source
(a GeoPackage's ``layer_styles`` table, or PostGIS's), so that opening the file later, in any
project or on another machine, shows the styled, time-enabled layer with no more steps.

Every algorithm calls :func:`finish_outputs` once its sinks are closed (at the end of its
``processAlgorithm``, headless runs included): each output is checked, then gets its style. A
memory layer has nowhere to keep a style: it is styled when loaded (the algorithms'
post-processors, the dock).
"""

import os

from qgis.core import (
    QgsDateTimeRange,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDateTime

from ..core.errors import OutputError

STYLE_NAME = "CrowdHeat"


def restore_time_settings(layers, project=None, iface=None):
    """Give hourly heat layers opened from a file their saved time settings back, and show their
    time in the Temporal Controller, so that they play as they come.

    How a layer is opened decides what it keeps of its default style on QGIS 3.22: the desktop's
    own ways (the Browser, a file dropped on the window, iface.addVectorLayer) load the default
    style after the layer is made, time settings included; a layer made in Python
    (``QgsVectorLayer(path)``: scripts, models, other plugins) loads it in its constructor, which
    then resets the temporal properties from the data provider (the OGR and PostGIS providers
    have none): the style comes back without its time settings. Loading the default style again
    restores them. Either way the project's time range and the Temporal Controller are set to
    include the layer's days. This runs on every layer added to the project while the plugin is
    loaded, except while a project is read (its own time settings stand); without the plugin,
    Layer Properties ▸ Style ▸ Load Style ▸ "Default" (from the database) does the same."""
    from . import heat_layers

    shown = []
    for layer in layers:
        if not isinstance(layer, QgsVectorLayer) or layer.providerType() not in ("ogr", "postgres"):
            continue
        if not heat_layers.has_time_span(layer.fields()):
            continue
        props = layer.temporalProperties()
        if not props.isActive() and layer.dataProvider().isSaveAndLoadStyleToDatabaseSupported():
            layer.loadDefaultStyle()
        if not props.isActive():
            continue
        shown.append(layer)
        fields = layer.fields()
        begin = layer.minimumValue(fields.indexOf(props.startField()))
        end = layer.maximumValue(fields.indexOf(props.endField()))
        if isinstance(begin, QDateTime) and isinstance(end, QDateTime) and begin.isValid() and end.isValid():
            heat_layers.show_in_time(QgsDateTimeRange(begin, end, True, False), project or QgsProject.instance(), iface)
    return shown


class OpenedLayers:
    """Watches the layers added to ``project`` and passes those opened by the user, not those of a
    project being read, to :func:`restore_time_settings`. (QGIS 3.22 has no "reading" flag: a
    layer being loaded from the project file starts a read, the project's readProject ends it.)"""

    def __init__(self, project, iface):
        self.project = project
        self.iface = iface
        self.reading = False
        self._connections = (
            (project.layersAdded, self.added),
            (project.loadingLayer, self.read_started),
            (project.readProject, self.read_ended),
            (project.cleared, self.read_ended),
        )
        for signal, slot in self._connections:
            signal.connect(slot)

    def read_started(self, *args):
        self.reading = True

    def read_ended(self, *args):
        self.reading = False

    def added(self, layers):
        if not self.reading:
            restore_time_settings(layers, self.project, self.iface)

    def disconnect(self):
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass


def finish_outputs(outputs, feedback=None):
    """After the sinks are closed (at the end of an algorithm's processAlgorithm): check that each
    written output holds what was written to it, then save its default style. ``outputs``:
    (destination, style or None for a table without one, features written, what) each. GDAL reports
    a disk that filled up at the last commit only in its log: the run seemed done while the file
    held no layer; now it is an OutputError."""
    for destination, style, written, what in outputs:
        layer = _written_layer(destination)
        held = layer.featureCount() if layer is not None and layer.isValid() else 0
        if layer is not None and held < written:
            raise OutputError(
                f"The {what} output {destination} holds {held:,} of the {written:,} features written to it: the "
                "disk may be full (or the file was changed meanwhile). Free some space or choose another output, "
                "then run again: the answers are cached, and a rerun asks the service for nothing."
            )
        if style is not None:
            save_default_style(destination, style, feedback)


def _written_layer(destination):
    """The layer an output was written to (a file or a PostgreSQL table), None for a memory layer
    (whose destination is a layer id of Processing's temporary store)."""
    if not isinstance(destination, str) or not destination:
        return None
    if destination.lstrip().startswith(("dbname=", "service=")):
        return QgsVectorLayer(destination, STYLE_NAME, "postgres")
    if os.path.exists(destination.split("|")[0]):
        return QgsVectorLayer(destination, STYLE_NAME, "ogr")
    return None


def save_default_style(destination, style, feedback=None):
    """Open the written output ``destination`` (a Processing destination id), apply ``style(layer)``
    and save it as the data source's default style. Memory layers and formats without a style
    table are left as they are. Returns whether a style was saved."""
    layer = _written_layer(destination)
    if layer is None or not layer.isValid() or not layer.dataProvider().isSaveAndLoadStyleToDatabaseSupported():
        return False
    style(layer)
    error = layer.saveStyleToDatabase(STYLE_NAME, "Saved by CrowdHeat: the layer's style and time settings", True, "")
    if error and feedback is not None:
        feedback.pushWarning(f"The style could not be saved into {destination}: {error}")
    return not error
