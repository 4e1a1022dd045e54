"""Where CrowdHeat's algorithms sit in the Processing Toolbox (decided once)."""

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
    QgsProject,
)

from ..core import deps
from ..core.errors import CrowdHeatError
from ..gis import basemaps, default_styles, output_systems
from ..i18n import tr
from ..icons import provider_icon


def coord_out_parameter(name, follows_basemap=False):
    """The output coordinate system, one choice per gis/output_systems.py entry (WGS84 first).
    With ``follows_basemap``, one more choice, the default: the BASEMAP's system (WGS84 without
    one). Processing's dialog sends every parameter, so "left out" alone cannot mean "follow"."""
    labels = [label for _, label in output_systems.choices()]
    if not follows_basemap:
        return QgsProcessingParameterEnum(name, tr("Output coordinates"), labels, defaultValue=0)
    labels.append(tr("As the basemap draws its streets (WGS84 without a basemap)"))
    return QgsProcessingParameterEnum(name, tr("Output coordinates"), labels, defaultValue=len(labels) - 1)


FOLLOW_BASEMAP = len(output_systems.choices())  # the COORD_OUT choice that follows BASEMAP


def basemap_parameter(name):
    """none, osm, gaode, tianditu(-img), or an XYZ template (gcj02: before one whose streets are GCJ-02):
    gis/basemaps.py."""
    return QgsProcessingParameterString(
        name, tr("Basemap (none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template)"), "none", optional=True
    )


def basemap_of(text):
    """The basemap a BASEMAP parameter names (None for none); QgsProcessingException when unknown."""
    try:
        return basemaps.basemap(text)
    except CrowdHeatError as exc:
        raise QgsProcessingException(str(exc)) from None


def input_coords_parameter(name):
    """What the input's numbers are: its CRS's (default), or GCJ-02/BD-09 longitudes/latitudes."""
    labels = [label for _, label in output_systems.input_choices()]
    return QgsProcessingParameterEnum(name, tr("Input coordinates"), labels, defaultValue=0)


class HeatGroupAlgorithm(QgsProcessingAlgorithm):
    """An algorithm of the "Crowd heat (Jike)" group."""

    def group(self):
        return tr("Crowd heat (Jike)")

    def groupId(self):
        return "heat"

    def icon(self):
        return provider_icon()

    def checkParameterValues(self, parameters, context):
        """The packages QGIS does not ship (s2sphere, shapely) are checked before anything runs:
        without them, the exact install command instead of a Python error (core/deps.py). Here
        rather than in processAlgorithm: qgis_process prints a refused run once, an exception
        three times."""
        if deps.missing():
            return False, deps.explanation(offer_button=False)
        return super().checkParameterValues(parameters, context)


class ScanGroupAlgorithm(QgsProcessingAlgorithm):
    """An algorithm of the "Scan positioning (Baidu)" group."""

    def group(self):
        return tr("Scan positioning (Baidu)")

    def groupId(self):
        return "scans"

    def icon(self):
        return provider_icon()


class WrittenOutputs:
    """The end of an algorithm that writes layers. Its processAlgorithm lets go of its sinks (the
    last reference to a sink closes its file: GDAL commits then), then calls :meth:`check_outputs`:
    each output is checked to hold what was written to it and gets its default style. Inside
    processAlgorithm, so that a failure fails the run: qgis_process exits 0 whatever
    postProcessAlgorithm raises (QGIS 3.22)."""

    def check_outputs(self, outputs, feedback):
        """``outputs``: (destination, style, features written, what) each."""
        try:
            default_styles.finish_outputs(outputs, feedback)
        except CrowdHeatError as exc:
            raise QgsProcessingException(str(exc)) from None


class OneShotPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """A post-processor for one output layer. QGIS holds no Python reference to it, so it is
    kept here from ``attach`` until it has run once, then let go: nothing accumulates over a
    session of runs. Subclasses implement ``process(layer, context, feedback)``."""

    _pending = set()

    def attach(self, context, destination):
        OneShotPostProcessor._pending.add(self)
        context.layerToLoadOnCompletionDetails(destination).setPostProcessor(self)

    def postProcessLayer(self, layer, context, feedback):
        try:
            self.process(layer, context, feedback)
        finally:
            OneShotPostProcessor._pending.discard(self)

    def process(self, layer, context, feedback):
        raise NotImplementedError

    @classmethod
    def pending(cls):
        return len(cls._pending)


class StyleOnLoad(OneShotPostProcessor):
    """Styles an output Processing loads: ``style(layer, project)``."""

    def __init__(self, style):
        super().__init__()
        self.style = style

    def process(self, layer, context, feedback):
        self.style(layer, context.project() or QgsProject.instance())
