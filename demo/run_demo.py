"""`make demo`: the plugin's main jobs end to end, headless, on the simulators, into demo-output/.

Starts both API simulators on loopback, points the plugin at them through its environment
overrides, and runs the real Processing algorithms (the same code as the dock) on the bundled
sample inputs in demo/data/. Writes GeoPackages, a styled and grouped project whose temporal range
is set (open it, press play), PNG renders, and prints a summary. Everything is labelled simulated.
"""

import atexit
import os
import pathlib
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "demo" / "data"
OUT = pathlib.Path(os.environ.get("CROWDHEAT_DEMO_OUTPUT", ROOT / "demo-output")).resolve()
SIMULATED = "simulated"
NOTICE = (
    "SIMULATED DATA from the CrowdHeat demo's API simulator (simulator/), not real crowd heat or "
    "real positions. Run the plugin with a Jike token / Baidu AK for real data."
)
HOURS_RENDERED = (8, 12, 19)
SCAN_FILES = [
    ("scans_baidu_gbk.csv", "Baidu columns, GBK"),
    ("scans_wigle16.csv", "WiGLE 1.6"),
    ("scans_gmon.txt", "G-MoN"),
    ("scans_network_survey_lte.csv", "Network Survey LTE"),
    ("scans_cellmapper.csv", "CellMapper, no header"),
    ("scans_airodump-01.csv", "airodump-ng"),
]


def start_qgis(profile):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False, str(profile))
    QgsApplication.setPrefixPath("/usr", True)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    plugins = pathlib.Path(tempfile.mkdtemp(prefix="crowdheat-demo-plugins-"))
    atexit.register(shutil.rmtree, plugins, True)  # only the link: rmtree does not follow it
    (plugins / "crowdheat").symlink_to(ROOT, target_is_directory=True)
    sys.path.insert(0, str(plugins))
    from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

    provider = CrowdHeatProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    return app, provider


def gpkg(path, table):
    return f"ogr:dbname='{path}' table=\"{table}\" (geom)"


def printing_feedback():
    """Processing feedback that prints warnings and errors (the demo's log)."""
    from qgis.core import QgsProcessingFeedback

    class PrintingFeedback(QgsProcessingFeedback):
        def reportError(self, error, fatalError=False):
            print(f"  error: {error}")

        def pushWarning(self, warning):
            print(f"  warning: {warning}")

    return PrintingFeedback()


def label_simulated(layer, title):
    layer.setName(f"{title} ({SIMULATED})")
    metadata = layer.metadata()
    metadata.setTitle(layer.name())
    metadata.setAbstract(NOTICE + ("\n\n" + metadata.abstract() if metadata.abstract() else ""))
    metadata.setKeywords({"simulated": ["simulated", "demo"]})
    layer.setMetadata(metadata)


def run_heat(processing, project, source, name, level):
    """One heat algorithm run into a GeoPackage; Processing's post-processor styles and groups it."""
    path = OUT / f"heat_{name}.gpkg"
    before = set(project.mapLayers())
    result = processing.runAndLoadResults(
        "crowdheat:heatmap",
        {
            "INPUT": str(source),
            "CELL_LEVEL": level,
            "OUTPUT": gpkg(path, "hourly_heat"),
            "OUTPUT_CELLS": gpkg(path, "cells"),
        },
        feedback=printing_feedback(),
    )
    added = [project.mapLayer(i) for i in set(project.mapLayers()) - before]
    hourly = next(layer for layer in added if layer.fields().indexOf("h00") >= 0)
    cells = next(layer for layer in added if layer is not hourly)
    label_simulated(hourly, f"Hourly heat — {name.replace('_', ' ')}")
    label_simulated(cells, f"Cells — {name.replace('_', ' ')}")
    group = project.layerTreeRoot().findLayer(hourly.id()).parent()
    group.setName(f"{group.name()} ({SIMULATED})")
    return path, hourly, cells, result


def run_scans(processing, project, source, title, group):
    path = OUT / f"located_{source.stem}.gpkg"
    before = set(project.mapLayers())
    result = processing.runAndLoadResults(
        "crowdheat:geolocatescans",
        {
            "INPUT": str(source),
            "CACHE": str(OUT / "scan-cache.sqlite"),
            "OUTPUT": gpkg(path, "located_scans"),
            "OUTPUT_CIRCLES": gpkg(path, "accuracy_circles"),
            "OUTPUT_LINES": gpkg(path, "error_lines"),
        },
        feedback=printing_feedback(),
    )
    from qgis.core import QgsWkbTypes

    added = [project.mapLayer(i) for i in set(project.mapLayers()) - before]
    layer = next(one for one in added if one.geometryType() == QgsWkbTypes.PointGeometry)
    label_simulated(layer, f"Located scans — {title}")
    from crowdheat.plugin.gis.heat_layers import add_to_group

    add_to_group(project, [layer], group.name(), group=group)
    extras = [one for one in added if one is not layer]
    for extra in extras:
        label_simulated(extra, f"{extra.name()} — {title}")
        add_to_group(project, [extra], group.name(), group=group)
    return path, layer, result, extras


def scans_picture(points, extras, basemap, path, size=(1000, 750)):
    """The located scans over the basemap: status colours, accuracy circles, the lines from each
    file's own position to the service's, a legend, a scale bar and the attribution."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer, QgsWkbTypes
    from qgis.PyQt.QtGui import QColor

    from crowdheat.plugin.gis.animation import WEB_MERCATOR, Overlay, frame_extent
    from crowdheat.plugin.gis.render import render_layers
    from crowdheat.plugin.gis.scan_layers import STATUS_COLOURS

    lines = [one for one in extras if one.geometryType() == QgsWkbTypes.LineGeometry]
    circles = [one for one in extras if one.geometryType() == QgsWkbTypes.PolygonGeometry]
    everything = QgsVectorLayer("Point?crs=EPSG:4326", "extent", "memory")  # the points' joint extent

    for layer in points:
        for feature in layer.getFeatures():
            if feature.hasGeometry():
                one = QgsFeature()
                one.setGeometry(QgsGeometry(feature.geometry()))
                everything.dataProvider().addFeature(one)
    everything.updateExtents()
    legend = [(QColor(colour), f"{value}: {label}") for value, colour, label in STATUS_COLOURS]
    legend += [
        (QColor(40, 120, 200, 120), "accuracy circle (radius_m)"),
        (QColor(170, 20, 40), "file's GPS → service's", "line"),
    ]
    attribution = f"{SIMULATED.upper()} positions from the demo's Baidu simulator. Basemap: {basemap.attribution}."
    overlay = Overlay(legend, attribution, "Located scans")
    extent = frame_extent(everything, size, legend_pixels=overlay.legend_pixels(size[0]))
    image, settings = render_layers(points + lines + circles + [basemap.layer()], extent, size, crs=WEB_MERCATOR)
    overlay.draw(image, settings, f"Located scans, six file layouts ({SIMULATED})")
    image.save(str(path))


def side_by_side(images, path):
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    width = sum(i.width() for i in images) + 10 * (len(images) - 1)
    strip = QImage(width, max(i.height() for i in images), QImage.Format.Format_ARGB32)
    strip.fill(QColor(255, 255, 255))
    painter = QPainter(strip)
    x = 0
    for image in images:
        painter.drawImage(x, 0, image)
        x += image.width() + 10
    painter.end()
    strip.save(str(path))


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    profile = pathlib.Path(tempfile.mkdtemp(prefix="crowdheat-demo-profile-"))
    atexit.register(shutil.rmtree, profile, True)
    app, provider = start_qgis(profile)
    sys.path.insert(0, str(ROOT))
    from qgis.core import QgsProject

    from crowdheat.plugin.gis.basemaps import Basemap
    from simulator.tiles import TileServer

    tiles = TileServer()  # the basemap, offline: simulated streets served on loopback
    atexit.register(tiles.close)
    basemap = Basemap("demo", "Demo basemap (simulated streets)", tiles.template, "demo tiles on loopback, simulated")
    started = time.monotonic()
    project = QgsProject.instance()
    project.setTitle(f"CrowdHeat demo ({SIMULATED} data)")
    heat_runs, scan_runs, quota_spent = run_jobs(project)
    add_inputs(project)
    heat_pictures(project, heat_runs[0][1][1], basemap)
    scans_picture(
        [run[1][1] for run in scan_runs],
        [extra for run in scan_runs for extra in run[1][3]],
        basemap,
        OUT / "located_scans.png",
    )
    project_path = OUT / "crowdheat-demo.qgz"
    project.writeEntryBool("Paths", "/Absolute", False)
    if not project.write(str(project_path)):
        raise SystemExit(f"Could not write {project_path}: {project.error()}")
    summary = summary_lines(heat_runs, scan_runs, quota_spent)
    (OUT / "summary.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n" + "\n".join(summary))
    print(f"\nOutputs in {OUT}:")
    for item in sorted(OUT.iterdir()):
        print(f"  {item.name}")
    print(
        f"Open {project_path.name} in QGIS and press play in the Temporal Controller "
        f"(View ▸ Panels ▸ Temporal Controller). {time.monotonic() - started:.1f} s."
    )
    project.clear()
    app.processingRegistry().removeProvider(provider)
    app.exitQgis()


def run_jobs(project):
    """Both jobs on the simulators: heat for two inputs, then every sample scan file.
    Returns ([(name, heat run)], [(file name, scan run)], Baidu requests spent)."""
    import processing

    from simulator.baidu import AK, BaiduSimulator
    from simulator.jike import TOKEN, JikeSimulator

    with JikeSimulator() as jike, BaiduSimulator() as baidu:
        baidu.learn(DATA / "simulator_truth.json")
        os.environ.update(
            CROWDHEAT_JIKE_URL=jike.url,
            CROWDHEAT_JIKE_TOKEN=TOKEN,
            CROWDHEAT_BAIDU_URL=baidu.url + "/locapi/v2",
            CROWDHEAT_BAIDU_AK=AK,
        )
        print(f"Simulators: Jike {jike.url}, Baidu {baidu.url}/locapi/v2 (loopback, simulated data)")
        print("Crowd heat: a fence around a Shenzhen block (WGS84), S2 level 17 …")
        heat_block = run_heat(processing, project, DATA / "shenzhen_block.geojson", "shenzhen_block", 17)
        print("Crowd heat: three park blocks in a projected CRS (UTM 50N, EPSG:32650), level 16 …")
        heat_park = run_heat(processing, project, DATA / "park_blocks_utm50n.geojson", "park_blocks", 16)
        group = project.layerTreeRoot().insertGroup(0, f"Located scans ({SIMULATED})")
        scan_runs = []
        for name, title in SCAN_FILES:
            print(f"Scans: {name} ({title}) …")
            scan_runs.append((name, run_scans(processing, project, DATA / name, title, group)))
        return [("Shenzhen block", heat_block), ("Park blocks", heat_park)], scan_runs, baidu.used


def add_inputs(project):
    """The heat's input polygons, as outlines over the heat."""
    from qgis.core import QgsVectorLayer

    for source, title in (
        (DATA / "shenzhen_block.geojson", "Demo fence"),
        (DATA / "park_blocks_utm50n.geojson", "Park blocks (EPSG:32650)"),
    ):
        inputs = QgsVectorLayer(str(source), title, "ogr")
        inputs.renderer().symbol().setOpacity(0.0)
        inputs.renderer().symbol().symbolLayer(0).setStrokeWidth(0.6)
        project.addMapLayer(inputs, False)
        project.layerTreeRoot().insertLayer(0, inputs)


def heat_pictures(project, hourly, basemap):
    """Three hours of the middle day of the block's heat, from the project's print layout (legend,
    scale bar, time label) over the basemap, side by side; the layout at noon as a PDF."""
    from qgis.core import QgsDateTimeRange, QgsRectangle
    from qgis.PyQt.QtCore import QDateTime, QTime
    from qgis.PyQt.QtGui import QImage

    from crowdheat.plugin.gis import basemaps, print_layout

    days = print_layout.heat_days(hourly)
    day = days[len(days) // 2]
    extent = QgsRectangle(hourly.extent())
    extent.scale(1.1)
    base_layer = basemap.layer()
    project.addMapLayer(base_layer, False)  # for the renders; taken out before the project is saved
    basemaps.see_through(hourly)
    first, last = (d.toString("yyyy-MM-dd") for d in (days[0], days[-1]))
    layout = print_layout.build_layout(
        project,
        [project.mapLayersByName("Demo fence")[0], hourly, base_layer],
        extent,
        f"Crowd heat around the demo block ({SIMULATED})",
        print_layout.attribution(first, last, simulated=True) + f" Basemap: {basemap.attribution}.",
    )
    map_item = print_layout.map_item(layout)
    map_item.setIsTemporal(True)
    frames = []
    for hour in HOURS_RENDERED:
        start = QDateTime(day, QTime(hour, 0))
        map_item.setTemporalRange(QgsDateTimeRange(start, start.addSecs(3600), True, False))
        path = OUT / f"heat_{day.toString('yyyy-MM-dd')}_{hour:02d}h.png"
        print_layout.export_image(layout, path, dpi=72)
        frames.append(QImage(str(path)))
    noon = QDateTime(day, QTime(12, 0))
    map_item.setTemporalRange(QgsDateTimeRange(noon, noon.addSecs(3600), True, False))
    print_layout.export_pdf(layout, OUT / "crowdheat-demo.pdf")
    side_by_side(frames, OUT / "heat_three_hours.png")
    project.removeMapLayer(base_layer.id())  # its tiles live only while the demo runs


def summary_lines(heat_runs, scan_runs, quota_spent):
    from crowdheat.plugin.core.scan_job import Status

    summary = ["Summary (simulated data)"]
    for name, (path, hourly_layer, _cells, result) in heat_runs:
        hourly_days = {f["date"] for f in hourly_layer.getFeatures()}
        summary.append(
            f"  heat, {name}: {result['CELL_COUNT']:,} cells, {len(hourly_days)} days with data, "
            f"{result['HOURLY_COUNT']:,} cell-days -> {path.name}"
        )
    for name, (path, layer, _result, _) in scan_runs:
        counts = {}
        for feature in layer.getFeatures():
            counts[feature["status"]] = counts.get(feature["status"], 0) + 1
        statuses = ", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in Status)
        summary.append(f"  scans, {name}: {layer.featureCount()} scans: {statuses} -> {path.name}")
    summary.append(f"  Baidu requests spent (quota): {quota_spent}")
    return summary


if __name__ == "__main__":
    main()
