"""Outputs that open ready for the map: GeoPackages written by any algorithm carry their style
and time settings as the default style, so a fresh project shows them styled and animated."""

import processing
from qgis.core import QgsProject, QgsVectorLayer, QgsVectorLayerTemporalProperties

from tests.helpers import BLOCK_WKT, polygon_layer


def reopened(path, layer_name=None):
    """The file opened as a user would, in a cleared project: the default style loads with it."""
    QgsProject.instance().clear()
    source = f"{path}|layername={layer_name}" if layer_name else str(path)
    layer = QgsVectorLayer(source, "reopened", "ogr")
    assert layer.isValid()
    return layer


def test_heat_geopackages_open_styled_and_animated(jike, provider, tmp_path, qgis_iface):
    hourly, cells = tmp_path / "hourly.gpkg", tmp_path / "cells.gpkg"
    processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": str(hourly), "OUTPUT_CELLS": str(cells)},
    )
    layer = reopened(hourly)
    assert layer.renderer().type() == "graduatedSymbol" and "map_start_time" in layer.renderer().classAttribute()
    assert len(layer.renderer().ranges()) > 2
    cells_layer = reopened(cells)  # kept: a layer's renderer dies with it
    assert cells_layer.renderer().classAttribute() == '"cell_heat"'
    # QGIS 3.22 drops the time settings of a default style when it opens a file; the plugin, when
    # loaded, gives them back to every layer added to the project and shows its days in time.
    from qgis.core import QgsApplication

    import crowdheat

    registry = QgsApplication.processingRegistry()
    registry.removeProvider(registry.providerById("crowdheat"))  # the plugin brings its own
    plugin = crowdheat.classFactory(qgis_iface)
    plugin.initGui()
    try:
        layer = reopened(hourly)
        assert not layer.temporalProperties().isActive()  # what QGIS itself does
        QgsProject.instance().addMapLayer(layer)
        props = layer.temporalProperties()
        assert props.isActive() and props.startField() == "start" and props.endField() == "end"
        assert props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
        days = {f["date"] for f in layer.getFeatures()}
        project_range = QgsProject.instance().timeSettings().temporalRange()
        assert project_range.begin().date() == min(days) and project_range.end().date() == max(days).addDays(1)
    finally:
        plugin.unload()
        from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

        # give the session its provider back; a Python reference must keep it alive
        test_heat_geopackages_open_styled_and_animated.provider = CrowdHeatProvider()
        registry.addProvider(test_heat_geopackages_open_styled_and_animated.provider)


def test_heat_by_zone_geopackage_is_graduated_on_heat(jike, provider, tmp_path):
    hourly = processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]
    out = tmp_path / "zones.gpkg"
    processing.run("crowdheat:heatbyzone", {"INPUT": hourly, "ZONES": polygon_layer([BLOCK_WKT]), "OUTPUT": str(out)})
    zones = reopened(out)
    assert zones.renderer().classAttribute() == '"heat_total"'


def test_located_scans_geopackage_is_categorised_by_status(provider, baidu, tmp_path):
    scans = tmp_path / "scans.csv"
    scans.write_text('id,macs\n1,"aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"\n2,"aa:bb:cc:dd:ee:03,-50,"\n')
    out = tmp_path / "located.gpkg"
    processing.run(
        "crowdheat:geolocatescans", {"INPUT": str(scans), "CACHE": str(tmp_path / "c.sqlite"), "OUTPUT": str(out)}
    )
    located = reopened(out)
    renderer = located.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "status"
    assert [c.value() for c in renderer.categories()] == ["ok", "not_found", "invalid", "error"]


def test_a_model_makes_the_table_the_chart_and_the_pdf(jike, provider, tmp_path):
    """The analyst's path in Processing alone: heat, heat by zone, its zone-hour table's chart, and
    the heat's print layout as a PDF, from a GeoPackage opened bare (as a model step reads it)."""
    hourly = tmp_path / "hourly.gpkg"
    processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": str(hourly), "OUTPUT_CELLS": "memory:"},
    )
    zones = processing.run(
        "crowdheat:heatbyzone",
        {"INPUT": str(hourly), "ZONES": polygon_layer([BLOCK_WKT]), "OUTPUT": "memory:", "OUTPUT_HOURS": "memory:"},
    )
    chart = processing.run(
        "crowdheat:timeprofile", {"INPUT": zones["OUTPUT_HOURS"], "OUTPUT": str(tmp_path / "zones.svg")}
    )
    assert "<svg" in (tmp_path / "zones.svg").read_text() and 0 <= chart["PEAK_HOUR"] <= 23
    png = processing.run("crowdheat:timeprofile", {"INPUT": str(hourly), "OUTPUT": str(tmp_path / "cells.png")})
    assert (tmp_path / "cells.png").stat().st_size > 10_000 and png["DAYS"] >= 9
    pdf = tmp_path / "noon.pdf"
    processing.run("crowdheat:heatlayoutpdf", {"INPUT": str(hourly), "HOUR": 12, "OUTPUT": str(pdf)})
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
