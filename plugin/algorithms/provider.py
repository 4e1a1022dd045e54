from qgis.core import QgsProcessingProvider

from ..icons import provider_icon
from .archive import HeatArchiveAlgorithm
from .compare import HeatCompareAlgorithm
from .heat import HeatMapAlgorithm, HeatMapCircleAlgorithm
from .outputs import HeatAnimationAlgorithm, HeatLayoutPdfAlgorithm, TimeProfileAlgorithm
from .plan import HeatPlanAlgorithm
from .scans import GeolocateScansAlgorithm
from .zones import HeatByZoneAlgorithm

PROVIDER_ID = "crowdheat"


class CrowdHeatProvider(QgsProcessingProvider):
    def id(self):
        return PROVIDER_ID

    def name(self):
        return "CrowdHeat"

    def longName(self):
        return "CrowdHeat: crowd heat (Jike) and scan positioning (Baidu)"

    def icon(self):
        return provider_icon()

    def loadAlgorithms(self):
        for algorithm in (
            HeatMapAlgorithm(),
            HeatMapCircleAlgorithm(),
            HeatArchiveAlgorithm(),
            HeatPlanAlgorithm(),
            HeatCompareAlgorithm(),
            GeolocateScansAlgorithm(),
            HeatByZoneAlgorithm(),
            TimeProfileAlgorithm(),
            HeatLayoutPdfAlgorithm(),
            HeatAnimationAlgorithm(),
        ):
            self.addAlgorithm(algorithm)
