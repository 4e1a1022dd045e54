"""The CrowdHeat print layout on real QGIS: its items, the frame's time in the label, a PDF and a
rendered page that shows the heat, the legend and the scale bar."""

import processing
from qgis.core import (
    QgsDateTimeRange,
    QgsLayoutExporter,
    QgsLayoutItemLegend,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsProject,
)
from qgis.PyQt.QtCore import QDateTime, QSize, QTime
from qgis.PyQt.QtGui import QColor

from crowdheat.plugin.gis import heat_layers, print_layout
from tests.helpers import BLOCK_WKT, polygon_layer


def test_layout_with_map_legend_scale_arrow_time_and_attribution(jike, provider, tmp_path):
    project = QgsProject.instance()
    project.clear()
    result = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )
    hourly = result["OUTPUT"]
    heat_layers.style_hourly(hourly, [0.0, 5.0, 20.0, 50.0, 200.0])
    project.addMapLayer(hourly)
    day = min(f["date"] for f in hourly.getFeatures())
    noon = QDateTime(day, QTime(12, 0))
    layout = print_layout.build_layout(
        project,
        [hourly],
        hourly.extent(),
        "Crowd heat, test block",
        print_layout.attribution(day.toString("yyyy-MM-dd"), "…", simulated=True),
        QgsDateTimeRange(noon, noon.addSecs(3600), True, False),
    )
    assert project.layoutManager().layoutByName("CrowdHeat") is layout
    kinds = {type(item) for item in layout.items()}
    assert {QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsLayoutItemPicture} <= kinds
    labels = [item.currentText() for item in layout.items() if hasattr(item, "currentText")]
    assert f"{day.toString('yyyy-MM-dd')} 12:00" in labels
    assert any("SIMULATED DATA" in text and "Jike" in text for text in labels)
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    assert legend.model().rowCount() >= 1
    # A second build replaces the first: one layout of that name.
    again = print_layout.build_layout(project, [hourly], hourly.extent(), "again", "…")
    names = [one.name() for one in project.layoutManager().printLayouts()]
    assert names.count("CrowdHeat") == 1 and again is not layout
    pdf = tmp_path / "heat.pdf"
    assert print_layout.export_pdf(again, pdf) == QgsLayoutExporter.Success
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    image = QgsLayoutExporter(again).renderPageToImage(0, QSize(1188, 840))
    image.save(str(tmp_path / "page.png"))
    colours = {image.pixel(x, y) for x in range(0, 1188, 6) for y in range(0, 840, 6)}
    assert len(colours) > 8  # heat classes, frame, text: not a blank page
    project.clear()


def test_the_legend_reads_in_full_and_the_fence_is_an_outline(jike, provider, tmp_path):
    """A layer name longer than the legend's column was cut at the page's edge ("Hourly heat —
    shenzhen block (simul"); a fence drawn filled hid the heat under it."""
    project = QgsProject.instance()
    project.clear()
    fence = polygon_layer([BLOCK_WKT])
    fence.setName("shenzhen block (simulated fence for the demo)")
    hourly = processing.run(
        "crowdheat:heatmap", {"INPUT": fence, "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"}
    )["OUTPUT"]
    hourly.setName("Hourly heat — shenzhen block (simulated fence for the demo)")
    heat_layers.style_hourly(hourly, [0.0, 5.0, 20.0, 50.0, 200.0])
    project.addMapLayers([hourly, fence])
    day = min(f["date"] for f in hourly.getFeatures())
    noon = QDateTime(day, QTime(12, 0))
    layout = print_layout.build_layout(
        project, [fence, hourly], hourly.extent(), "t", "…", QgsDateTimeRange(noon, noon.addSecs(3600), True, False)
    )
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    page_right = layout.pageCollection().page(0).rect().width()
    assert legend.sceneBoundingRect().right() <= page_right  # nothing runs off the page
    names = [node.customProperty("legend/title-label") for node in legend.model().rootGroup().findLayers()]
    assert all(len(line) <= print_layout.LEGEND_LINE for name in names for line in name.split("\n"))
    assert [name.replace("\n", " ") for name in names] == [fence.name(), hourly.name()]  # the layers keep theirs
    # The fence is an outline on the map and in the legend: the override carries no fill.
    overrides = layout.itemById(print_layout.MAP_ID).layerStyleOverrides()
    assert fence.id() in overrides and hourly.id() not in overrides
    assert 'name="color" value="0,0,0,0"' in overrides[fence.id()] or "0,0,0,0" in overrides[fence.id()]
    labels = [item.currentText() for item in layout.items() if hasattr(item, "currentText")]
    assert any(f"hour 12:00 of {day.toString('yyyy-MM-dd')}" in text and "Relative heat" in text for text in labels)
    project.clear()


def test_the_pdf_layout_over_a_basemap_prints_its_attribution(jike, provider, tmp_path):
    from simulator.tiles import STREET, TileServer

    hourly = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]
    tiles = TileServer()
    try:
        pdf = tmp_path / "heat.pdf"
        processing.run("crowdheat:heatlayoutpdf", {"INPUT": hourly, "BASEMAP": tiles.template, "OUTPUT": str(pdf)})
        assert pdf.read_bytes()[:5] == b"%PDF-" and tiles.served  # its tiles were drawn into the page
        layout = QgsProject.instance().layoutManager().layoutByName("CrowdHeat")
        labels = [item.currentText() for item in layout.items() if hasattr(item, "currentText")]
        assert any("Basemap: 127.0.0.1" in text for text in labels)
        image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(1188, 840))
        street = QColor(*STREET)
        assert any(
            abs(QColor(image.pixel(x, y)).red() - street.red())
            + abs(QColor(image.pixel(x, y)).green() - street.green())
            < 30
            for x in range(40, 800, 4)
            for y in range(80, 800, 4)
        )
    finally:
        tiles.close()
        QgsProject.instance().clear()
