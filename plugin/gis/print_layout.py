"""A print layout for crowd heat: map, legend, scale bar, north arrow, title, the frame's time and
the data's attribution. QGIS's own animation export and atlas then make the frames.

The time label reads the map item's ``@map_start_time``: set the map's temporal range (or let the
Temporal Controller's animation export do it) and the label follows.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsLayerTree,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapLayerStyle,
    QgsPrintLayout,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtGui import QFont

from ..i18n import tr
from . import basemaps

LAYOUT_NAME = "CrowdHeat"
MAP_ID = "heat map"
PAGE_MM = (297.0, 210.0)  # A4 landscape
MARGIN_MM = 10.0
SIDE_MM = 70.0  # the right column: legend, scale, attribution


def time_label_expression():
    """The map item's frame start, as Beijing wall-clock time (the layers' time is local, no zone)."""
    return (
        "[% format_date(map_get(item_variables('" + MAP_ID + "'), 'map_start_time'), 'yyyy-MM-dd HH:mm') %]"
        "[% if(map_get(item_variables('" + MAP_ID + "'), 'map_start_time') IS NULL, 'mean hour of each day', "
        "'') %]"
    )


def unit_label_expression():
    """The unit and source of the heat, and the hour and date the map shows (or the mean hour)."""
    start = "map_get(item_variables('" + MAP_ID + "'), 'map_start_time')"

    def literal(text):
        return "'" + text.replace("'", "''") + "'"

    hour = literal(tr("hour {0} of {1}, Beijing time"))  # one sentence: each language orders its words
    hour = hour.replace("{0}", f"' || format_date({start}, 'HH:00') || '")
    hour = hour.replace("{1}", f"' || format_date({start}, 'yyyy-MM-dd') || '")
    mean = literal(tr("the mean hour of each day"))
    return tr("Relative heat, Jike open platform (及刻); ") + f"[% if({start} IS NULL, {mean}, {hour}) %]"


LEGEND_LINE = 30  # characters: the legend column holds about this many at its size


def wrapped(text, width=LEGEND_LINE):
    """``text`` cut into lines at spaces (the legend's wrap string is a new line)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def outline_overrides(layers):
    """Style overrides (layer id → style XML) drawing each polygon layer that is not heat as a dark
    dashed outline without fill."""
    overrides = {}
    for layer in layers:
        if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.PolygonGeometry:
            continue
        if layer.fields().indexOf("cell_token") >= 0 or layer.fields().indexOf("heat_total") >= 0:
            continue  # heat (cells, hours, zones): drawn as styled
        copy = layer.clone()
        symbol = QgsFillSymbol.createSimple(
            {"color": "0,0,0,0", "outline_color": "40,40,40,255", "outline_width": "0.6", "outline_style": "dash"}
        )
        copy.setRenderer(QgsSingleSymbolRenderer(symbol))
        style = QgsMapLayerStyle()
        style.readFromLayer(copy)
        overrides[layer.id()] = style.xmlData()
    return overrides


def _label(layout, text, x, y, w, h, size, bold=False):
    label = QgsLayoutItemLabel(layout)
    label.setText(text)
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    label.setFont(font)
    layout.addLayoutItem(label)
    label.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
    label.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))
    return label


def build_layout(project, layers, extent, title, attribution, time_range=None):
    """A new :class:`QgsPrintLayout` named ``CrowdHeat`` (replacing one of that name) in ``project``.

    ``layers``: top first; ``extent`` in the first layer's CRS (the map is drawn in a projected
    CRS); ``time_range`` (a QgsDateTimeRange) the frame the map shows, or None for each day's mean hour."""
    manager = project.layoutManager()
    old = manager.layoutByName(LAYOUT_NAME)
    if old is not None:
        manager.removeLayout(old)
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(LAYOUT_NAME)
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(*PAGE_MM, QgsUnitTypes.LayoutMillimeters))
    width, height = PAGE_MM
    map_w = width - 3 * MARGIN_MM - SIDE_MM
    map_h = height - 2 * MARGIN_MM - 16.0
    _label(layout, title, MARGIN_MM, MARGIN_MM - 2, map_w, 9, 16, bold=True)
    time_label = _label(layout, time_label_expression(), MARGIN_MM, MARGIN_MM + 7, map_w, 6, 10)
    item_map = _map(layout, project, layers, extent, (map_w, map_h), time_range)
    side_x = width - MARGIN_MM - SIDE_MM
    # Fences and zones drawn as outlines: a filled polygon would hide the heat under it, and the
    # legend shows the same outline (it follows the map's style overrides).
    overrides = outline_overrides(layers)
    item_map.setLayerStyleOverrides(overrides)
    item_map.setKeepLayerStyles(True)
    _legend(layout, item_map, layers, overrides, side_x)

    arrow = QgsLayoutItemPicture(layout)
    arrow.setPicturePath(":/images/north_arrows/layout_default_north_arrow.svg")
    arrow.setLinkedMap(item_map)
    layout.addLayoutItem(arrow)
    arrow.attemptMove(QgsLayoutPoint(MARGIN_MM + map_w - 14, MARGIN_MM + 16, QgsUnitTypes.LayoutMillimeters))
    arrow.attemptResize(QgsLayoutSize(12, 12, QgsUnitTypes.LayoutMillimeters))

    scale = QgsLayoutItemScaleBar(layout)
    scale.setStyle("Single Box")
    scale.setLinkedMap(item_map)
    scale.applyDefaultSize()
    layout.addLayoutItem(scale)
    scale.attemptMove(QgsLayoutPoint(side_x, height - MARGIN_MM - 34, QgsUnitTypes.LayoutMillimeters))

    # What the colours measure and which hour they show, under the legend.
    _label(layout, unit_label_expression(), side_x, height - MARGIN_MM - 48, SIDE_MM, 12, 8)
    _label(layout, attribution, side_x, height - MARGIN_MM - 20, SIDE_MM, 20, 7)
    manager.addLayout(layout)
    time_label.refreshExpressionContext()
    return layout


def _map(layout, project, layers, extent, size_mm, time_range):
    """The map item: ``layers`` over ``extent``, in a projected CRS, at the frame ``time_range``."""
    item_map = QgsLayoutItemMap(layout)
    item_map.setId(MAP_ID)
    item_map.setLayers(list(layers))
    item_map.setKeepLayerSet(True)
    # Printed in a projected CRS: the project's if it has one, else Web Mercator (the web basemaps'):
    # degrees of longitude drawn as wide as degrees of latitude would stretch the cells.
    crs = (
        project.crs()
        if project.crs().isValid() and not project.crs().isGeographic()
        else QgsCoordinateReferenceSystem("EPSG:3857")
    )
    extent = QgsCoordinateTransform(layers[0].crs(), crs, project).transformBoundingBox(QgsRectangle(extent))
    item_map.setCrs(crs)
    item_map.setFrameEnabled(True)
    layout.addLayoutItem(item_map)
    item_map.attemptMove(QgsLayoutPoint(MARGIN_MM, MARGIN_MM + 14, QgsUnitTypes.LayoutMillimeters))
    item_map.attemptResize(QgsLayoutSize(*size_mm, QgsUnitTypes.LayoutMillimeters))
    # A new map item has an empty extent, from which zoomToExtent cannot zoom: set one (which
    # also resizes the item to its shape), give the item its size back, then fit the extent in it.
    item_map.setExtent(QgsRectangle(extent))
    item_map.attemptResize(QgsLayoutSize(*size_mm, QgsUnitTypes.LayoutMillimeters))
    item_map.zoomToExtent(QgsRectangle(extent))
    if time_range is not None:
        item_map.setIsTemporal(True)
        item_map.setTemporalRange(time_range)
    return item_map


def _legend(layout, item_map, layers, overrides, x_mm):
    """The legend of the map's layers only, their symbols as the map draws them, names wrapped."""
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(item_map)
    # Long layer names wrap inside the column instead of running off the page.
    legend.setWrapString("\n")
    # The map's layers only (by default a legend lists every layer of the project).
    legend.setAutoUpdateModel(False)
    root = QgsLayerTree()
    for layer in layers:
        node = root.addLayer(layer)
        # The legend's own label: a node's setName() would rename the layer itself.
        node.setCustomProperty("legend/title-label", wrapped(layer.name()))
    legend.model().setLayerStyleOverrides(overrides)  # its symbols as the map draws them
    legend.model().setRootGroup(root)
    for node in root.findLayers():
        legend.model().refreshLayerLegend(node)
    # The model does not own its root: the layout does (a Qt child), so that a layout kept in the
    # project and opened later by the user still has it (a Python attribute died with the wrapper).
    root.setParent(layout)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(x_mm, MARGIN_MM + 14, QgsUnitTypes.LayoutMillimeters))
    return legend


def heat_days(layer):
    """The dates of an hourly heat layer (QDate), sorted, each once."""
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes(["date"], layer.fields())
    dates = (feature["date"] for feature in layer.getFeatures(request))
    return sorted({d for d in dates if isinstance(d, QDate) and d.isValid()})


def heat_layout(project, hourly, under, title, base=None, time_range=None, days=None):
    """:func:`build_layout` of an hourly heat layer over ``under`` (layers, top first), with the
    attribution of its days (``days``, when already read) and of the basemap ``base``."""
    days = heat_days(hourly) if days is None else days
    first, last = (days[0].toString("yyyy-MM-dd"), days[-1].toString("yyyy-MM-dd")) if days else ("?", "?")
    text = basemaps.attribution_with(attribution(first, last), base)
    return build_layout(project, [hourly] + list(under), hourly.extent(), title, text, time_range)


def attribution(first_day, last_day, simulated=False):
    """The data's source and dates, as the layout prints them."""
    text = tr(
        "Crowd heat: Jike open platform (及刻开放平台), {0} – {1}, Beijing time; hourly heat of Google S2 cells. "
        "Made with CrowdHeat for QGIS."
    ).format(first_day, last_day)
    return (tr("SIMULATED DATA, not the service's.") + " " + text) if simulated else text


def export_pdf(layout, path):
    """Write the layout to a PDF; returns QgsLayoutExporter's result code (0 = success)."""
    return QgsLayoutExporter(layout).exportToPdf(str(path), QgsLayoutExporter.PdfExportSettings())


def export_image(layout, path, dpi=96):
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    return QgsLayoutExporter(layout).exportToImage(str(path), settings)


def map_item(layout):
    return layout.itemById(MAP_ID)
