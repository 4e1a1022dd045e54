"""Basemaps under the heat: none, OpenStreetMap, AutoNavi/Gaode (GCJ-02), or any XYZ template.

A basemap is an XYZ tile layer (QGIS's "wms" provider, type=xyz) with its attribution, which every
map made on it prints, and the coordinate system its streets are drawn in: Gaode's tiles put
streets where GCJ-02 numbers say, so WGS84 heat lands a few hundred metres off on them in China.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import QgsDataSourceUri, QgsRasterLayer

from ..core import coords
from ..core.errors import InputError
from ..i18n import tr
from . import tianditu


@dataclass(frozen=True)
class Basemap:
    key: str
    name: str
    url: str  # an XYZ template with {x}, {y} and {z}
    attribution: str
    system: str = coords.WGS84  # where its streets are drawn
    relayed: str = ""  # a Tianditu map (vec, img): tiles through the loopback relay that adds the key

    def layer(self):
        """A new XYZ raster layer of this basemap (not in any project)."""
        uri = QgsDataSourceUri()
        uri.setParam("type", "xyz")
        uri.setParam("url", tianditu.tile_url(self.relayed) if self.relayed else self.url)
        uri.setParam("zmin", "0")
        uri.setParam("zmax", "18")
        layer = QgsRasterLayer(bytes(uri.encodedUri()).decode("ascii"), self.name, "wms")
        if not layer.isValid():
            raise InputError(tr("The basemap {0} cannot be opened ({1}).").format(self.name, self.url))
        return layer


PRESETS = {
    "osm": Basemap(
        "osm", "OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"
    ),
    "gaode": Basemap(
        "gaode",
        "AutoNavi (Gaode)",
        "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "© AutoNavi 高德地图 (GCJ-02)",
        coords.GCJ02,
    ),
    # CGCS2000, within centimetres of WGS84 at map scale; the key stays in the auth database.
    "tianditu": Basemap(
        "tianditu", "Tianditu 天地图", tianditu.URL, "© 天地图 Tianditu (tianditu.gov.cn)", relayed="vec"
    ),
    "tianditu-img": Basemap(
        "tianditu-img",
        "Tianditu imagery 天地图影像",
        tianditu.URL,
        "© 天地图 Tianditu (tianditu.gov.cn)",
        relayed="img",
    ),
}
NONE = ("", "none")


GCJ02_PREFIX = "gcj02:"  # before an XYZ template whose streets are drawn in GCJ-02 (Tencent, Amap mirrors)


def basemap(text: str | None) -> Basemap | None:
    """The basemap a parameter or setting names: '' or 'none', a preset (a key of PRESETS), or an
    XYZ template (http(s) with {x}, {y} and {z}; its attribution is its host), with ``gcj02:``
    before it when its streets are drawn in GCJ-02."""
    text = (text or "").strip()
    if text.lower().startswith(GCJ02_PREFIX):
        base = basemap(text[len(GCJ02_PREFIX) :])
        if base is None:
            return None
        return Basemap(base.key, base.name, base.url, base.attribution + " (GCJ-02)", coords.GCJ02, base.relayed)
    if text.lower() in NONE:
        return None
    if text.lower() in PRESETS:
        return PRESETS[text.lower()]
    if text.startswith(("http://", "https://")) and all(part in text for part in ("{x}", "{y}", "{z}")):
        host = text.split("/")[2]
        return Basemap("xyz", host, text, host)
    raise InputError(
        tr(
            "Basemap '{0}' is not known: give none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template such as "
            "https://tiles.example/{{z}}/{{x}}/{{y}}.png (gcj02: before it when its streets are drawn in GCJ-02)"
        ).format(text)
    )


SETTING = "crowdheat/basemap"  # '', a preset's key, or an XYZ template


def chosen_text():
    """The settings' basemap as a BASEMAP parameter takes it ('' for none)."""
    from qgis.core import QgsSettings

    return QgsSettings().value(SETTING, "", type=str)


def chosen():
    """The basemap of the settings (the Heat tab's choice), or None; an unusable setting is none."""
    try:
        return basemap(chosen_text())
    except InputError:
        return None


def choose(text):
    from qgis.core import QgsSettings

    QgsSettings().setValue(SETTING, text or "")


HEAT_OPACITY = 0.78  # heat over a basemap: the streets show through, the colours still read


def see_through(layer):
    """Heat drawn over a basemap is a little transparent (a layer the user made otherwise stays)."""
    if layer.opacity() == 1.0:
        layer.setOpacity(HEAT_OPACITY)


def add_under(project, base):
    """``base`` at the bottom of the project's layer tree, once (a layer of the same source is
    reused). Returns the layer."""
    wanted = base.layer()
    for layer in project.mapLayers().values():
        if layer.source() == wanted.source():
            return layer
    project.addMapLayer(wanted, False)
    project.layerTreeRoot().addLayer(wanted)  # appended: under everything else
    return wanted


def mismatch(base, layer_numbers):
    """A warning when heat in ``layer_numbers`` is drawn over a basemap whose streets are in other
    numbers ('' when they agree or nothing is known)."""
    if base is None or layer_numbers is None or layer_numbers == base.system:
        return ""
    return tr(
        "The heat is in {0} and {1} draws its streets in {2}: in China they lie a few hundred metres apart. "
        "Write the heat in the basemap's coordinates (Output coordinates, COORD_OUT), or choose another basemap."
    ).format(coords.SYSTEM_LABELS[layer_numbers], base.name, coords.SYSTEM_LABELS[base.system])


def followed(base):
    """What a run says when the basemap's system sets the heat's coordinates."""
    return tr("{0} draws its streets in GCJ-02: the heat is written in GCJ-02 numbers to land on them.").format(
        base.name
    )


def attribution_with(text, base):
    """A map's attribution line, with the basemap's when there is one."""
    return text if base is None else f"{text} " + tr("Basemap: {0}").format(base.attribution)
