"""Where CrowdHeat's algorithms sit in the Processing Toolbox (decided once)."""

from qgis.core import QgsProcessingAlgorithm

from ..i18n import tr
from .icons import provider_icon


class HeatGroupAlgorithm(QgsProcessingAlgorithm):
    """An algorithm of the "Crowd heat (Jike)" group."""

    def group(self):
        return tr("Crowd heat (Jike)")

    def groupId(self):
        return "heat"

    def icon(self):
        return provider_icon()


class ScanGroupAlgorithm(QgsProcessingAlgorithm):
    """An algorithm of the "Scan positioning (Baidu)" group."""

    def group(self):
        return tr("Scan positioning (Baidu)")

    def groupId(self):
        return "scans"

    def icon(self):
        return provider_icon()
