"""make bench: speed ratios measured side by side in one run (nothing here is asserted).

Heat: a generated answer of 10,000 S2 cells × 10 days (pretty-printed like the seed, ~24 MB).
  - floor:    the same features (same fields, precomputed WKB and attribute lists) inserted into
              memory layers with chunked dataProvider().addFeatures — the least any plugin can do.
  - crowdheat: crowdheat:heatmap through Processing with memory outputs, against the loopback
              simulator serving those bytes; the HTTP transfer of the same bytes is timed apart and
              subtracted, giving "answer bytes → both finished layers".
  - peer:     the way peer S2 plugins work: json → one s2sphere Cell per cell for the vertices,
              fromPolygonXY, one addFeature per feature.
Each variant runs in its own process, so the peak memory printed is its own.
"""

import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CELLS = 10_000


def scratch(prefix="crowdheat-bench-"):
    """A folder of this bench run: under the run's own root, which main() removes at the end (the
    answers, GeoPackages and the million-row CSV are ~1 GB)."""
    return pathlib.Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("CROWDHEAT_BENCH_TMP")))


def setup_paths():
    plugins = scratch()
    (plugins / "crowdheat").symlink_to(ROOT, target_is_directory=True)
    sys.path[:0] = [str(plugins), str(ROOT)]


# The bench's area: a 4 km block of Shenzhen; its answer holds the 10,000 level-18 cells nearest
# its centre (all inside it: cells outside a fence are not the feature's and are dropped).
BOX = (114.03, 22.52, 114.07, 22.56)
BOX_WKT = "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(*BOX)


def jike_cells_near(center, count, half=0.02):
    from simulator.jike import cells_near

    return cells_near(center, count, half=half)


def answer_bytes(ids, seed, indent=None):
    from simulator.jike import envelope, generate_items

    items = generate_items(ids, seed=seed)
    for item in items:  # a full 10 days for the bench (the generator drops one, as the service does)
        extra = dict(item["time_range"][0])
        extra["date"] = "20250410"
        item["time_range"].append(extra)
    return json.dumps(envelope(items), indent=indent).encode()


def make_answer(path):
    center = ((BOX[0] + BOX[2]) / 2, (BOX[1] + BOX[3]) / 2)
    path.write_bytes(answer_bytes(jike_cells_near(center, CELLS), seed=42, indent=1))


def start_qgis():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    return app


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# A child's peak RSS must be measured from a small parent: Python starts children with vfork, and
# on Linux a child's ru_maxrss starts at its parent's high-water mark (the bench holds answers of
# hundreds of MB). This wrapper, a fresh small process, runs the command and writes the peak.
WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
open(sys.argv[1], "w").write(json.dumps({"returncode": code, "peak_mb": peak}))
"""


def run_measured(command, env):
    """(seconds, peak RSS of the command in MB, stdout, stderr, returncode)."""
    report = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, report, *command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    measured = json.loads(pathlib.Path(report).read_text())
    os.unlink(report)
    return seconds, measured["peak_mb"], done.stdout, done.stderr, measured["returncode"]


def floor_rows(data):
    """(cell WKBs, [(WKB, attributes)] of every hourly row): what the floors insert, precomputed."""
    from qgis.PyQt.QtCore import QDate, QDateTime, QTime

    from crowdheat.plugin.core import heat_answer, s2cells
    from crowdheat.plugin.gis import heat_layers

    wkbs = heat_layers.polygon_wkbs(s2cells.cell_rings(data.ids, data.levels))
    identity = [[0, t, str(i), lv] for t, i, lv in zip(data.tokens, data.ids.tolist(), data.levels.tolist())]
    rows = []
    for cell, ordinal, hours, total, peak in data.day_rows():
        start = heat_answer.day_start(ordinal)
        day = QDate(start.year, start.month, start.day)
        times = [day, QDateTime(day, QTime(0, 0)), QDateTime(day.addDays(1), QTime(0, 0))]
        rows.append((wkbs[cell], identity[cell] + times + hours + [total, peak]))
    return wkbs, rows


def variant_floor(answer):
    from qgis.core import QgsFeature, QgsFeatureSink, QgsGeometry, QgsVectorLayer

    from crowdheat.plugin.core import heat_answer
    from crowdheat.plugin.gis import heat_layers

    data = heat_answer.parse_heat_response(answer.read_bytes())
    # Precomputed outside the timing: one WKB and one attribute list per feature.
    wkbs, hourly_rows = floor_rows(data)
    identity = [[0, t, str(i), lv] for t, i, lv in zip(data.tokens, data.ids.tolist(), data.levels.tolist())]
    cell_rows = []
    means = data.hourly_means().tolist()
    for n in range(data.cell_count):
        cell_rows.append((wkbs[n], identity[n] + [int(data.cell_heat[n]), 10, 1.0] + means[n] + [12]))

    started = time.perf_counter()
    for rows, fields in ((hourly_rows, heat_layers.hourly_fields()), (cell_rows, heat_layers.cell_fields())):
        layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "floor", "memory")
        layer.dataProvider().addAttributes(fields.toList())
        layer.updateFields()
        chunk = []
        for wkb, attributes in rows:
            feature = QgsFeature()
            geometry = QgsGeometry()
            geometry.fromWkb(wkb)
            feature.setGeometry(geometry)
            feature.setAttributes(attributes)
            chunk.append(feature)
            if len(chunk) == 10_000:
                layer.dataProvider().addFeatures(chunk, QgsFeatureSink.FastInsert)
                chunk = []
        layer.dataProvider().addFeatures(chunk, QgsFeatureSink.FastInsert)
        assert layer.featureCount() == len(rows)
    return {"seconds": time.perf_counter() - started, "features": len(hourly_rows) + len(cell_rows)}


def variant_crowdheat(answer):
    from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsVectorLayer

    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    import processing
    from processing.core.Processing import Processing

    from crowdheat.plugin.algorithms.provider import CrowdHeatProvider
    from crowdheat.plugin.core.config import JikeConfig
    from crowdheat.plugin.core.fence import make_ring_fence
    from crowdheat.plugin.core.jike import JikeClient
    from simulator.jike import SAMPLE_REQUEST, TOKEN, JikeSimulator

    Processing.initialize()
    provider = CrowdHeatProvider()  # keep a Python reference while the registry uses it
    QgsApplication.processingRegistry().addProvider(provider)
    ring = json.loads(SAMPLE_REQUEST.read_text())["fence"]
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "fence", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(BOX_WKT))
    layer.dataProvider().addFeatures([feature])
    with JikeSimulator() as sim:
        sim.canned = answer.read_bytes()
        os.environ.update(CROWDHEAT_JIKE_URL=sim.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
        client = JikeClient(JikeConfig(base_url=sim.url, token=TOKEN))
        fence = make_ring_fence(1, ring)
        started = time.perf_counter()
        client.fetch_heat_bytes(fence)
        http = time.perf_counter() - started
        client.session.close()
        started = time.perf_counter()
        result = processing.run(
            "crowdheat:heatmap", {"INPUT": layer, "CELL_LEVEL": 0, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"}
        )
        total = time.perf_counter() - started
    features = result["OUTPUT"].featureCount() + result["OUTPUT_CELLS"].featureCount()
    return {"seconds": total - http, "total": total, "http": http, "features": features}


def variant_peer(answer):
    import datetime as dt

    import s2sphere
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
    from qgis.PyQt.QtCore import QDate, QDateTime, QTime

    from crowdheat.plugin.gis import heat_layers

    started = time.perf_counter()
    items = json.loads(answer.read_bytes())["data"]["items"]
    hourly = QgsVectorLayer("Polygon?crs=EPSG:4326", "peer", "memory")
    cells = QgsVectorLayer("Polygon?crs=EPSG:4326", "peer", "memory")
    for layer, fields in ((hourly, heat_layers.hourly_fields()), (cells, heat_layers.cell_fields())):
        layer.dataProvider().addAttributes(fields.toList())
        layer.updateFields()
    count = 0
    for item in items:
        cell = s2sphere.Cell(s2sphere.CellId.from_token(item["cell_token"]))
        points = []
        for k in range(4):
            ll = s2sphere.LatLng.from_point(cell.get_vertex(k))
            points.append(QgsPointXY(ll.lng().degrees, ll.lat().degrees))
        geometry = QgsGeometry.fromPolygonXY([points])
        identity = [0, item["cell_token"], str(item["cell_id"]), int(item["cell_level"])]
        sums = [0] * 24
        for day in item["time_range"]:
            date = dt.datetime.strptime(day["date"], "%Y%m%d")
            qdate = QDate(date.year, date.month, date.day)
            hours = [int(v) for v in day["heat"]]
            sums = [a + b for a, b in zip(sums, hours)]
            feature = QgsFeature()
            feature.setGeometry(geometry)
            feature.setAttributes(
                identity
                + [qdate, QDateTime(qdate, QTime(0, 0)), QDateTime(qdate.addDays(1), QTime(0, 0))]
                + hours
                + [sum(hours), hours.index(max(hours))]
            )
            hourly.dataProvider().addFeature(feature)
            count += 1
        days = len(item["time_range"])
        feature = QgsFeature()
        feature.setGeometry(geometry)
        feature.setAttributes(
            identity
            + [int(item["cell_heat"]), days, sum(sums) / days]
            + [s / days for s in sums]
            + [sums.index(max(sums))]
        )
        cells.dataProvider().addFeature(feature)
        count += 1
    return {"seconds": time.perf_counter() - started, "features": count}


SCANS = 3000
SEQUENTIAL_SCANS = 300  # the slow way is measured on fewer scans: its rate does not depend on the count
READ_ROWS = 1_000_000


def _bench_scans(count):
    from crowdheat.plugin.core.scans import AccessPoint, Scan

    return [
        Scan(
            index=n,
            rows=[n + 1],
            values=[str(n)],
            wifi=[
                AccessPoint(f"aa:bb:{n >> 16:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}:{k:02x}", -50 - k)
                for k in range(3)
            ],
        )
        for n in range(count)
    ]


def _strict_baidu():
    """The simulator as strict as the service: 30 requests in ANY sliding second, 50 ms latency
    with 20 ms of jitter (arrivals are not as evenly spaced as the starts)."""
    from simulator.baidu import BaiduSimulator

    return BaiduSimulator(latency_s=0.05, latency_jitter_s=0.02, rate_limit=30)


def _scans_rate(adaptive):
    from crowdheat.plugin.core.baidu import BaiduClient, RateLimiter
    from crowdheat.plugin.core.config import BaiduConfig
    from crowdheat.plugin.core.scan_job import ScanReport, geolocate
    from simulator.baidu import AK

    with _strict_baidu() as sim:
        client = BaiduClient(BaiduConfig(base_url=sim.url + "/locapi/v2", ak=AK, batch_size=2, rate=30))
        client.limiter = RateLimiter(30, adaptive=adaptive)
        stats = ScanReport()
        started = time.perf_counter()
        outcomes = list(geolocate(iter(_bench_scans(SCANS)), client, None, stats=stats))
        seconds = time.perf_counter() - started
        throttled = sim.throttled
    ok = sum(o.status == "ok" for o in outcomes)
    return {
        "seconds": seconds,
        "scans": len(outcomes),
        "ok": ok,
        "requests": stats.requests,
        "served": stats.requests - throttled,
        "rejected_901": throttled,
        "failed_901": sum(o.err_code == "901" for o in outcomes),
    }


def variant_scans_rate(_answer):
    """crowdheat's job: batches of 2, the adaptive limiter, several in flight."""
    return _scans_rate(adaptive=True)


def variant_scans_even(_answer):
    """The same job with plain evenly spaced starts at the quota (how the plugin paced before)."""
    return _scans_rate(adaptive=False)


def variant_scans_sequential(_answer):
    """The way peer batch geocoders work: one scan per request, one request after another."""
    import requests as http

    from crowdheat.plugin.core.baidu import BaiduClient, prepare
    from crowdheat.plugin.core.config import BaiduConfig
    from simulator.baidu import AK, BaiduSimulator

    with BaiduSimulator(latency_s=0.05, rate_limit=30) as sim:
        client = BaiduClient(BaiduConfig(base_url=sim.url + "/locapi/v2", ak=AK))
        session = http.Session()
        started = time.perf_counter()
        for scan in _bench_scans(SEQUENTIAL_SCANS):
            body = prepare(scan).body
            session.post(
                client.config.base_url, json=client.payload([client.full_body(body, scan.index)]), timeout=10
            ).json()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "scans": SEQUENTIAL_SCANS}


def variant_read(_answer):
    from crowdheat.plugin.core import scan_formats, scans
    from crowdheat.plugin.core.baidu import prepare

    path = scratch() / "million.csv"
    with open(path, "w") as handle:
        handle.write("id,mcc,mnc,lac,ci,signal,macs,lng,lat\n")
        for n in range(READ_ROWS):
            handle.write(
                f'{n},460,0,{n % 9000},{n},-70,"aa:bb:cc:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x},'
                f'-50,cafe|AA-BB-CC-00-00-{n & 255:02X},-61,",114.05,22.54\n'
            )
    size_mb = path.stat().st_size / 1e6
    before = peak_mb()
    started = time.perf_counter()
    fmt = scan_formats.sniff(path)
    valid = invalid = 0
    for scan in scans.read_scans(path, fmt):
        if prepare(scan).invalid:
            invalid += 1
        else:
            valid += 1
    seconds = time.perf_counter() - started
    path.unlink()
    return {
        "seconds": seconds,
        "rows": valid + invalid,
        "valid": valid,
        "file_mb": size_mb,
        "peak_before_read_mb": before,
    }


# -- streaming: 1M hourly rows through qgis_process into a GeoPackage and into PostGIS ---------------
STREAM_FENCES = 10
STREAM_HALF = 0.02  # each fence a box of 0.04°, the 10,000 cells nearest its centre inside it


def stream_centers():
    return [(113.90 + 0.1 * k, 22.54) for k in range(STREAM_FENCES)]


def variant_gpkg_floor(folder):
    """The least a GeoPackage writer can do for the same rows: per answer, features precomputed
    outside the timing, then only chunked addFeatures into one GeoPackage sink (timed)."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsFeatureSink,
        QgsGeometry,
        QgsVectorFileWriter,
        QgsWkbTypes,
    )

    from crowdheat.plugin.core import heat_answer
    from crowdheat.plugin.gis import heat_layers

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    writer = QgsVectorFileWriter.create(
        str(folder / "floor.gpkg"),
        heat_layers.hourly_fields(),
        QgsWkbTypes.Polygon,
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateTransformContext(),
        options,
    )
    seconds, rows = 0.0, 0
    for path in sorted(folder.glob("answer_*.json")):
        data = heat_answer.parse_heat_response(path.read_bytes())
        features = []
        for wkb, attributes in floor_rows(data)[1]:
            feature = QgsFeature()
            geometry = QgsGeometry()
            geometry.fromWkb(wkb)
            feature.setGeometry(geometry)
            feature.setAttributes(attributes)
            features.append(feature)
        started = time.perf_counter()
        for k in range(0, len(features), 10_000):
            writer.addFeatures(features[k : k + 10_000], QgsFeatureSink.FastInsert)
        seconds += time.perf_counter() - started
        rows += len(features)
    started = time.perf_counter()
    del writer  # flushes and closes the file
    seconds += time.perf_counter() - started
    return {"seconds": seconds, "rows": rows}


def qgis_process_runner(work):
    """measured(*args, extra_env=None) → (seconds, peak RSS MB, results) of one qgis_process run,
    with the plugin enabled in a profile of ``work``'s."""
    plugins = scratch("crowdheat-bench-plugins-")
    (plugins / "crowdheat").symlink_to(ROOT, target_is_directory=True)
    qgis_process = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"
    env = dict(
        os.environ,
        QGIS_CUSTOM_CONFIG_PATH=str(scratch("crowdheat-bench-profile-")),  # one per runner: enabling twice fails
        QGIS_PLUGINPATH=str(plugins),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join(p for p in sys.path if "site-packages" in p),
    )
    subprocess.run([qgis_process, "plugins", "enable", "crowdheat"], env=env, check=True, capture_output=True)

    def measured(*args, extra_env=None):
        seconds, peak, out, err, code = run_measured([qgis_process, "--json", *args], dict(env, **(extra_env or {})))
        try:
            results = json.loads(out).get("results", {})
        except ValueError:
            results = {}
        if code != 0 and args[0] == "run":
            raise SystemExit(f"qgis_process failed:\n{err[-2000:]}")
        return seconds, peak, results

    return measured


# -- memory against the size of one answer ----------------------------------------------------------
ANSWER_SIZES = (5_000, 20_000, 50_000)  # level-18 cells × 10 days; 50,000 is the most a request may hold


def memory_bench(work):
    """(idle, {cells: (seconds, peak MB, results, answer MB)}): one answer of each size for one
    circle, through qgis_process into a GeoPackage."""
    from simulator.jike import TOKEN, JikeSimulator

    measured = qgis_process_runner(work)
    idle = measured("help", "crowdheat:heatmapcircle")
    center = ((BOX[0] + BOX[2]) / 2, (BOX[1] + BOX[3]) / 2)
    rows = {}
    with JikeSimulator() as sim:
        service = dict(CROWDHEAT_JIKE_URL=sim.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
        for count in ANSWER_SIZES:
            sim.canned = answer_bytes(jike_cells_near(center, count, half=0.06), seed=count)
            megabytes = len(sim.canned) / 1e6
            output = work / f"memory_{count}.gpkg"
            rows[count] = measured(
                "run",
                "crowdheat:heatmapcircle",
                "--",
                f"CENTER={center[0]},{center[1]} [EPSG:4326]",
                f"RADIUS={8000 + count // 1000}",  # another request each time: nothing comes from the cache
                "CELL_LEVEL=0",
                f"OUTPUT={output}",
                f"OUTPUT_CELLS={work / f'memory_cells_{count}.gpkg'}",
                extra_env=service,
            ) + (megabytes,)
            sim.canned = None
    return idle, rows


def stream_bench(work):
    from shapely.geometry import Polygon

    from simulator.jike import TOKEN, JikeSimulator, envelope
    from tests.postgis_cluster import PostgisCluster

    centers = stream_centers()
    blocks, items = [], []
    for k, (x, y) in enumerate(centers):
        content = answer_bytes(jike_cells_near((x, y), CELLS, half=STREAM_HALF), seed=100 + k)
        (work / f"answer_{k:02d}.json").write_bytes(content)  # for the floor
        items.append(json.loads(content)["data"]["items"])
        blocks.append(
            Polygon(
                [
                    (x - STREAM_HALF, y - STREAM_HALF),
                    (x + STREAM_HALF, y - STREAM_HALF),
                    (x + STREAM_HALF, y + STREAM_HALF),
                    (x - STREAM_HALF, y + STREAM_HALF),
                ]
            )
        )

    class StreamSimulator(JikeSimulator):
        """Answers a fence with the cells of every block it covers (made once); checks token and limits."""

        def answer(self, path, headers, body, fault=None):
            if headers.get("Authorization", "") != f"Bearer {self.token}":
                return 401, b'{"code": 401}'
            request = json.loads(body)
            refusal = self._validate(request)
            if refusal:
                return 200, json.dumps({"code": 200, "biz_code": 400, "biz_message": refusal}).encode()
            fence = Polygon(request["fence"])
            found = [item for block, its in zip(blocks, items) if block.intersects(fence) for item in its]
            return 200, json.dumps(envelope(found)).encode()

    features = [
        {
            "type": "Feature",
            "properties": {"name": f"block {k + 1}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [x - STREAM_HALF, y - STREAM_HALF],
                        [x + STREAM_HALF, y - STREAM_HALF],
                        [x + STREAM_HALF, y + STREAM_HALF],
                        [x - STREAM_HALF, y + STREAM_HALF],
                        [x - STREAM_HALF, y - STREAM_HALF],
                    ]
                ],
            },
        }
        for k, (x, y) in enumerate(centers)
    ]
    fences = work / "fences.geojson"
    fences.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    measured = qgis_process_runner(work)
    idle = measured("help", "crowdheat:heatmap")
    rows = {}
    with StreamSimulator() as sim:
        service = dict(CROWDHEAT_JIKE_URL=sim.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
        for name, output, cells in (("GeoPackage", str(work / "hourly.gpkg"), str(work / "cells.gpkg")),):
            rows[name] = measured(
                "run",
                "crowdheat:heatmap",
                "--",
                f"INPUT={fences}",
                "CELL_LEVEL=18",
                f"OUTPUT={output}",
                f"OUTPUT_CELLS={cells}",
                extra_env=service,
            )
        with PostgisCluster() as cluster:
            rows["PostGIS"] = measured(
                "run",
                "crowdheat:heatmap",
                "--",
                f"INPUT={fences}",
                "CELL_LEVEL=18",
                "OUTPUT=postgis:" + cluster.uri("hourly_heat"),
                "OUTPUT_CELLS=postgis:" + cluster.uri("heat_cells"),
                extra_env=service,
            )
    return idle, rows


# -- heat by zone: 100,000 cell-days against 1,000 zones, next to QGIS's own summary join -------------
ZONE_CELLS_SIDE = 100  # 100 × 100 level-17 cells × 10 days = 100,000 cell-days
ZONE_GRID = (40, 25)  # 1,000 zones


def _zones_inputs():
    """(hourly heat layer, zone layer in EPSG:3857), both in memory."""
    from datetime import date, timedelta

    import numpy as np
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsProject,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QDate

    from crowdheat.plugin.core import s2cells
    from crowdheat.plugin.gis import heat_layers

    # A contiguous run of the Hilbert curve: 10,000 neighbouring cells.
    ids = np.sort(np.array(s2cells.covering_ids(114.00, 22.50, 114.10, 22.60, 17), dtype=np.uint64))
    ids = ids[: ZONE_CELLS_SIDE**2]
    rings = s2cells.cell_rings(ids, 17)
    hourly = QgsVectorLayer("Polygon?crs=EPSG:4326", "hourly", "memory")
    hourly.dataProvider().addAttributes(heat_layers.hourly_fields().toList())
    hourly.updateFields()
    rng = np.random.default_rng(1)
    features = []
    names = [f.name() for f in hourly.fields()]
    for k, cell_id in enumerate(ids.tolist()):
        geometry = QgsGeometry.fromWkt("POLYGON((" + ", ".join(f"{x} {y}" for x, y in rings[k]) + "))")
        for d in range(10):
            day = date(2025, 4, 11) + timedelta(days=d)
            hours = rng.integers(0, 50, 24).tolist()
            values = dict(
                fence_id=0,
                cell_token=s2cells.id_to_token(cell_id),
                cell_id=str(cell_id),
                level=17,
                date=QDate(day.year, day.month, day.day),
                day_heat=sum(hours),
                peak_hour=0,
                **{f"h{h:02d}": v for h, v in enumerate(hours)},
            )
            feature = QgsFeature(hourly.fields())
            feature.setGeometry(geometry)
            feature.setAttributes([values.get(name) for name in names])
            features.append(feature)
    hourly.dataProvider().addFeatures(features)
    hourly.updateExtents()
    zones_layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "zones", "memory")
    box = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    ).transformBoundingBox(hourly.extent())
    columns, rows = ZONE_GRID
    width, height = box.width() / columns, box.height() / rows
    grid = []
    for r in range(rows):
        for c in range(columns):
            x0, y0 = box.xMinimum() + c * width, box.yMinimum() + r * height
            zone = QgsFeature()
            zone.setGeometry(
                QgsGeometry.fromWkt(
                    f"POLYGON(({x0} {y0}, {x0 + width} {y0}, {x0 + width} {y0 + height}, "
                    f"{x0} {y0 + height}, {x0} {y0}))"
                )
            )
            grid.append(zone)
    zones_layer.dataProvider().addFeatures(grid)
    return hourly, zones_layer


def _zones_variant(run):
    from qgis.core import QgsApplication

    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

    Processing.initialize()
    provider = CrowdHeatProvider()  # referenced while registered
    QgsApplication.processingRegistry().addProvider(provider)
    hourly, zones_layer = _zones_inputs()
    started = time.perf_counter()
    out = run(hourly, zones_layer)
    return {
        "seconds": time.perf_counter() - started,
        "cell_days": hourly.featureCount(),
        "zones": zones_layer.featureCount(),
        "total": out,
    }


def variant_zones_crowdheat(_answer):
    """crowdheat:heatbyzone, area-weighted on the ellipsoid, with the zone-hour table."""

    def run(hourly, zones_layer):
        import processing

        result = processing.run(
            "crowdheat:heatbyzone",
            {"INPUT": hourly, "ZONES": zones_layer, "METHOD": 0, "OUTPUT": "memory:", "OUTPUT_HOURS": "memory:"},
        )
        return sum(f["heat_total"] or 0 for f in result["OUTPUT"].getFeatures())

    return _zones_variant(run)


def variant_zones_native(_answer):
    """QGIS 3.22's own "Join attributes by location (summary)" (qgis:, in Python): the sum of
    day_heat of every cell touching a zone."""

    def run(hourly, zones_layer):
        import processing

        result = processing.run(
            "qgis:joinbylocationsummary",
            {
                "INPUT": zones_layer,
                "JOIN": hourly,
                "PREDICATE": [0],
                "JOIN_FIELDS": ["day_heat"],
                "SUMMARIES": [5],
                "DISCARD_NONMATCHING": False,
                "OUTPUT": "memory:",
            },
        )
        return sum(f["day_heat_sum"] or 0 for f in result["OUTPUT"].getFeatures())

    return _zones_variant(run)


# -- the UI thread ------------------------------------------------------------------------------


def _dock():
    """The dock's Heat tab in an offscreen main window, with the part of QgisInterface it uses."""
    from qgis.gui import QgsMapCanvas, QgsMessageBar
    from qgis.PyQt.QtCore import QObject, pyqtSignal
    from qgis.PyQt.QtWidgets import QMainWindow

    from crowdheat.plugin.ui.heat_tab import HeatTab

    class Iface(QObject):
        currentLayerChanged = pyqtSignal(object)

        def __init__(self):
            super().__init__()
            self.window = QMainWindow()
            self.canvas, self.bar = QgsMapCanvas(self.window), QgsMessageBar(self.window)

        def activeLayer(self):
            return None

        def mainWindow(self):
            return self.window

        def mapCanvas(self):
            return self.canvas

        def messageBar(self):
            return self.bar

    iface = Iface()
    tab = HeatTab(iface)
    tab.confirm = lambda text: True
    return iface, tab


def _wait(condition, timeout_s=120):
    from qgis.PyQt.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.002)


def _ui_fetch(answer, collector_paused=True):
    from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer

    from crowdheat.plugin.core import collector
    from simulator.jike import TOKEN, JikeSimulator
    from tests.heartbeat import Heartbeat

    if not collector_paused:  # how the fetch ran before: a full collection may run mid-parse
        import contextlib

        collector.paused = contextlib.nullcontext
    iface, tab = _dock()
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "fence", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(BOX_WKT))
    layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    layer.selectAll()
    with JikeSimulator() as sim, tempfile.TemporaryDirectory() as folder:
        sim.canned = answer.read_bytes()
        from qgis.core import QgsSettings

        QgsSettings().setValue("crowdheat/jike/cache_path", os.path.join(folder, "answers.sqlite"))
        os.environ.update(CROWDHEAT_JIKE_URL=sim.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
        tab.watch_layer(layer)
        _wait(lambda: not tab.planning())
        heartbeat = Heartbeat(10).start()
        started = time.perf_counter()
        tab.fetch.click()
        _wait(lambda: tab.task is None)
        seconds = time.perf_counter() - started
        settled = time.monotonic() + 2.0  # the hand-over: layers, styles, time settings, what follows
        _wait(lambda: time.monotonic() > settled)
        heartbeat.stop()
        QgsSettings().remove("crowdheat/jike/cache_path")
    cells = max(layer.featureCount() for layer in QgsProject.instance().mapLayersByName("Cells"))
    tab.unload()
    return dict(heartbeat.summary(), seconds=seconds, cells=cells)


def variant_ui_fetch(answer):
    return _ui_fetch(answer)


def variant_ui_fetch_collector_free(answer):
    return _ui_fetch(answer, collector_paused=False)


def variant_ui_plan(_answer):
    """A city's 16 districts (180-vertex outline, islands of detail) selected in the dock at level
    15, then ten level changes in a burst: planned once in a task. The same plan run on the UI
    thread is what each change cost before."""
    from qgis.core import QgsProject, QgsVectorLayer

    from crowdheat.plugin.gis.heat_run import PlanJob
    from tests.boundaries import city_file
    from tests.heartbeat import Heartbeat

    iface, tab = _dock()
    folder = scratch()
    layer = QgsVectorLayer(str(city_file(folder)), "districts", "ogr")
    QgsProject.instance().addMapLayer(layer)
    layer.selectAll()
    tab.watch_layer(layer)
    _wait(lambda: not tab.planning())
    started = time.perf_counter()
    PlanJob(15, 1000, layer=layer).run()
    on_ui_thread = time.perf_counter() - started
    heartbeat = Heartbeat(10).start()
    for level in (11, 12, 13, 14, 15, 16, 15, 14, 13, 15):
        tab.level.setCurrentIndex(tab.level.findData(level))
    _wait(lambda: not tab.planning())
    heartbeat.stop()
    requests = len(tab.plan.requests)
    tab.unload()
    return dict(heartbeat.summary(), on_ui_thread_ms=on_ui_thread * 1000, requests=requests)


VARIANTS = {
    "ui_fetch": variant_ui_fetch,
    "ui_fetch_collector_free": variant_ui_fetch_collector_free,
    "ui_plan": variant_ui_plan,
    "floor": variant_floor,
    "crowdheat": variant_crowdheat,
    "peer": variant_peer,
    "scans_rate": variant_scans_rate,
    "scans_even": variant_scans_even,
    "scans_sequential": variant_scans_sequential,
    "read": variant_read,
    "gpkg_floor": variant_gpkg_floor,
    "zones_crowdheat": variant_zones_crowdheat,
    "zones_native": variant_zones_native,
}


NEEDS_QGIS = {
    "archive_append",
    "archive_postgis",
    "animation",
    "floor",
    "crowdheat",
    "peer",
    "gpkg_floor",
    "zones_crowdheat",
    "zones_native",
    "ui_fetch",
    "ui_fetch_collector_free",
    "ui_plan",
}


def child(name, answer):
    setup_paths()
    app = start_qgis() if name in NEEDS_QGIS else None
    result = VARIANTS[name](answer)
    result["peak_mb"] = peak_mb()
    print("RESULT " + json.dumps(result), flush=True)
    if app is not None:
        app.exitQgis()


PARTS = ["heat", "ui", "scans", "memory", "stream", "read", "zones", "city", "archive", "province", "animation"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", choices=sorted(VARIANTS))
    parser.add_argument("--answer")
    parser.add_argument(
        "--part",
        action="append",
        choices=PARTS,
        help="only these parts (default: all)",
    )
    args = parser.parse_args()
    parts = set(args.part or PARTS)
    if args.variant:
        return child(args.variant, pathlib.Path(args.answer))
    root = tempfile.mkdtemp(prefix="crowdheat-bench-")
    os.environ["CROWDHEAT_BENCH_TMP"] = root  # the children's folders go there too
    try:
        return run_parts(parts)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_parts(parts):
    setup_paths()
    work = scratch()
    answer = work / "answer.json"
    make_answer(answer)
    print(f"Heat: {CELLS:,} cells × 10 days, answer {answer.stat().st_size / 1e6:.1f} MB ({os.cpu_count()} cores)")
    results = {}

    def measure_in(folder, name):
        return measure(name, folder)

    def measure(name, argument=None):
        _, peak, out, err, _ = run_measured(
            [sys.executable, __file__, "--variant", name, "--answer", str(argument or answer)],
            dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        line = next((text for text in out.splitlines() if text.startswith("RESULT ")), None)
        if line is None:
            raise SystemExit(f"  {name}: failed\n{err[-2000:]}")
        results[name] = dict(json.loads(line[7:]), peak_mb=peak)
        return results[name]

    for name in ("floor", "crowdheat", "peer") if "heat" in parts else ():
        r = measure(name)
        extra = f" (whole run {r['total']:.2f} s, of which HTTP on loopback {r['http']:.2f} s)" if "total" in r else ""
        print(f"  {name:10s} {r['seconds']:6.2f} s  {r['features']:,} features  peak RSS {r['peak_mb']:,.0f} MB{extra}")
    if "heat" in parts:
        floor, ours, peer = (results[k]["seconds"] for k in ("floor", "crowdheat", "peer"))
        print(f"  ratio crowdheat / floor: {ours / floor:.2f}  (target ≤ 1.3)")
        print(f"  ratio peer / crowdheat:  {peer / ours:.2f}  (how much faster than the peer way)")
    if "ui" in parts:
        ui_part(measure)
    if "scans" in parts:
        scans_part(measure)
    if "memory" in parts:
        memory_part(work)
    if "stream" in parts:
        stream_part(work, measure_in)
    if "read" in parts:
        read_part(measure)
    if "zones" in parts:
        zones_part(measure)
    if "city" in parts:
        city_part(work)
    if "archive" in parts:
        archive_part(measure)
    if "province" in parts:
        province_part(measure)
    if "animation" in parts:
        animation_part(measure)
    return 0


def ui_part(measure):
    print("The UI thread (a 10 ms heartbeat: its longest gap is the longest time a click or a repaint waited)")
    ours, free = measure("ui_fetch"), measure("ui_fetch_collector_free")
    for name, r in (("crowdheat", ours), ("without the collector pause", free)):
        print(
            f"  dock fetch of {r['cells']:,} cells × 10 days and 2 s after, {name:27s}: "
            f"longest {r['longest_ms']:4d} ms, "
            f"p99 {r['p99_ms']:3d} ms over {r['ticks']:,} ticks ({r['seconds']:.1f} s)  (goal ≤ 200 ms, moonshot ≤ 50)"
        )
    plan = measure("ui_plan")
    print(
        f"  planning a city's 16 districts ({plan['requests']:,} requests at level 15): "
        f"{plan['on_ui_thread_ms']:,.0f} ms per change when planned on the UI thread; ten changes in a "
        f"burst, planned once in a task: longest gap {plan['longest_ms']} ms"
    )
    print(
        f"  ratio longest stall without / with the collector pause: "
        f"{free['longest_ms'] / max(1, ours['longest_ms']):.1f}; "
        f"ratio UI-thread time of ten changes planned on it / in a task: "
        f"{10 * plan['on_ui_thread_ms'] / max(1, plan['longest_ms']):.0f}"
    )


def scans_part(measure):
    print(
        f"Scans: {SCANS:,} scans (batches of 2) against the simulator as strict as the service: 30 requests "
        "in any sliding second, 50 ms latency with 20 ms jitter"
    )
    fast = measure("scans_rate")
    even = measure("scans_even")
    slow = measure("scans_sequential")
    for name, r in (("crowdheat", fast), ("even spacing", even)):
        share = r["served"] / r["seconds"] / 30
        print(
            f"  {name:13s} {r['seconds']:6.2f} s  {r['scans'] / r['seconds']:5.1f} scans/s  "
            f"{r['requests']} requests, "
            f"{r['rejected_901']} answered 901 ({r['failed_901']} scans failed with it), {r['ok']} ok; "
            f"quota used {share:.0%}  (target ≥ 90%, few 901)"
        )
    slow_rate = slow["scans"] / slow["seconds"]
    print(
        f"  sequential    {slow['seconds']:6.2f} s  {slow_rate:5.1f} scans/s  ({slow['scans']} scans, one per request)"
    )
    print(
        f"  ratio 901s even spacing / crowdheat: {even['rejected_901']} / {fast['rejected_901']}; "
        f"ratio crowdheat / sequential throughput: {fast['scans'] / fast['seconds'] / slow_rate:.1f}"
    )


def memory_part(work):
    print("Memory against the size of one answer (one circle, level-18 cells × 10 days, qgis_process → GeoPackages)")
    idle, rows = memory_bench(work)
    print(f"  idle qgis_process (plugin loaded): peak RSS {idle[1]:,.0f} MB")
    for count, (seconds, peak, res, megabytes) in rows.items():
        print(
            f"  {count:6,} cells ({megabytes:5.0f} MB of JSON) {seconds:6.1f} s  {res.get('HOURLY_COUNT', 0):,} hourly "
            f"rows, peak RSS {peak:,.0f} MB = +{peak - idle[1]:,.0f} MB over idle  (target ≤ +300 MB)"
        )
    first, last = rows[ANSWER_SIZES[0]], rows[ANSWER_SIZES[-1]]
    print(
        f"  ratio of the memory added, {ANSWER_SIZES[-1]:,} / {ANSWER_SIZES[0]:,} cells: "
        f"{(last[1] - idle[1]) / max(1.0, first[1] - idle[1]):.1f} "
        f"(for {ANSWER_SIZES[-1] // ANSWER_SIZES[0]}× the data)"
    )


CITY_KM2 = 6_340  # Shanghai's area: its 16 districts at level 16, the real city of the memory goal


def city_part(work):
    """Peak memory of a whole city at level 16 with the default concurrency: the 16 synthetic
    districts (tests/boundaries.py) scaled to Shanghai's area, through qgis_process into a
    GeoPackage, every cell made and answered by the strict simulator."""
    from shapely import affinity

    from simulator.jike import TOKEN, JikeSimulator
    from tests.boundaries import city_districts, feature_collection, write_geojson

    districts = city_districts()
    factor = (CITY_KM2 / sum(_km2(d) for d in districts)) ** 0.5
    centre = (116.4, 40.0)
    districts = [affinity.scale(d, factor, factor, origin=centre) for d in districts]
    path = write_geojson(
        work / "city.geojson", feature_collection(districts, [f"d{n:02d}" for n in range(16)])["features"]
    )
    area = sum(_km2(d) for d in districts)
    print(f"A city at level 16: {len(districts)} districts, {area:,.0f} km², qgis_process → GeoPackage")
    measured = qgis_process_runner(work)
    idle = measured("help", "crowdheat:heatmap")
    with JikeSimulator() as sim:
        seconds, peak, res = measured(
            "run",
            "crowdheat:heatmap",
            "--",
            f"INPUT={path}",
            "CELL_LEVEL=16",
            f"OUTPUT={work / 'city_hourly.gpkg'}",
            f"OUTPUT_CELLS={work / 'city_cells.gpkg'}",
            extra_env=dict(CROWDHEAT_JIKE_URL=sim.url, CROWDHEAT_JIKE_TOKEN=TOKEN),
        )
        requests = len(sim.requests)
    print(
        f"  {requests:,} requests, {res.get('CELL_COUNT', 0):,} cells, {res.get('HOURLY_COUNT', 0):,} hourly rows in "
        f"{seconds:,.0f} s; peak RSS {peak:,.0f} MB = +{peak - idle[1]:,.0f} MB over an idle qgis_process "
        "(target ≤ +300 MB)"
    )


# -- a 6-month archive, and one more window appended -------------------------------------------------
ARCHIVE_WINDOWS = 18  # 10-day windows: 180 days


def variant_archive_append(_answer):
    """A 6-month archive of 10,000 cells built window by window, then one more 10-day window: its
    append (staging table + one upsert) against a plain write of the same rows into a new
    GeoPackage, both from the same parsed answer; then the archive opened with its time ready."""
    import datetime as dt

    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsProject,
        QgsVectorFileWriter,
        QgsVectorLayer,
        QgsWkbTypes,
    )

    from crowdheat.plugin.core import heat_answer
    from crowdheat.plugin.gis import heat_archive, heat_layers
    from crowdheat.plugin.gis.default_styles import restore_time_settings
    from simulator.jike import steady_items

    centre = ((BOX[0] + BOX[2]) / 2, (BOX[1] + BOX[3]) / 2)
    ids = jike_cells_near(centre, CELLS)
    first = dt.date(2025, 5, 1)

    def window(k):  # the answer of the run whose 10 days start at first + 10 k
        return heat_answer.parse_items(steady_items(ids, first + dt.timedelta(days=10 * k + 14)))

    folder = scratch()
    destination = heat_archive.Destination(str(folder / "archive.gpkg"))
    started = time.perf_counter()
    for k in range(ARCHIVE_WINDOWS + 1):
        data = window(k)
        if k == ARCHIVE_WINDOWS:
            break
        archive = heat_archive.Archive(destination)
        writer = heat_archive.ArchiveWriter(archive)
        writer(data)
        archive.close(writer)
    build = time.perf_counter() - started
    rows_before = QgsVectorLayer(destination.layer_source()[0], "a", "ogr").featureCount()

    started = time.perf_counter()
    archive = heat_archive.Archive(destination)
    writer = heat_archive.ArchiveWriter(archive)
    writer(data)
    archive.close(writer)
    append = time.perf_counter() - started

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    started = time.perf_counter()
    plain = QgsVectorFileWriter.create(
        str(folder / "plain.gpkg"),
        heat_layers.hourly_fields(),
        QgsWkbTypes.Polygon,
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateTransformContext(),
        options,
    )
    heat_layers.HeatWriter(plain)(data)
    del plain
    plain_seconds = time.perf_counter() - started

    from crowdheat.plugin.gis.default_styles import save_default_style

    source = destination.layer_source()[0]
    save_default_style(source, lambda layer: heat_layers.style_hourly(layer, [0.0, 10.0, 100.0]))
    started = time.perf_counter()
    layer = QgsVectorLayer(source, "archive", "ogr")
    project = QgsProject()
    project.addMapLayer(layer)
    ready = restore_time_settings([layer], project) == [layer]
    opening = time.perf_counter() - started
    span = project.timeSettings().temporalRange()
    return {
        "build": build,
        "rows_before": rows_before,
        "rows_after": layer.featureCount(),
        "window_rows": writer.added,
        "append": append,
        "plain": plain_seconds,
        "open": opening,
        "ready": ready,
        "span": f"{span.begin().date().toString('yyyy-MM-dd')} – {span.end().date().toString('yyyy-MM-dd')}",
    }


VARIANTS["archive_append"] = variant_archive_append
POSTGIS_WINDOWS = 5  # 10-day windows of 10,000 cells: 500,000 cell-days into each archive


def variant_archive_postgis(_answer):
    """The same windows merged into a PostgreSQL archive (COPY into a temporary table, one upsert
    per answer) and into a GeoPackage archive (staging table, one upsert), side by side."""
    import datetime as dt

    from crowdheat.plugin.core import heat_answer
    from crowdheat.plugin.gis import archive_postgres, heat_archive
    from simulator.jike import steady_items
    from tests.postgis_cluster import PostgisCluster

    centre = ((BOX[0] + BOX[2]) / 2, (BOX[1] + BOX[3]) / 2)
    ids = jike_cells_near(centre, CELLS)
    first = dt.date(2025, 5, 1)
    windows = [
        heat_answer.parse_items(steady_items(ids, first + dt.timedelta(days=10 * k + 14)))
        for k in range(POSTGIS_WINDOWS)
    ]
    rows = sum(w.cell_day_count for w in windows)

    def timed(destination, make_writer):
        archive = heat_archive.Archive(destination)
        writer = make_writer(archive)
        started = time.perf_counter()
        for data in windows:
            writer(data)
        seconds = time.perf_counter() - started
        archive.close(writer)
        return seconds, writer.added

    gpkg = heat_archive.Destination(str(scratch() / "archive.gpkg"))
    gpkg_seconds, gpkg_added = timed(gpkg, heat_archive.ArchiveWriter)
    with PostgisCluster() as cluster:
        postgis = heat_archive.Destination("postgres://" + cluster.uri("archive"))
        pg_seconds, pg_added = timed(postgis, lambda a: archive_postgres.PostgresArchiveWriter(postgis, "2025-06-01"))
        ((size, count),) = cluster.sql(
            cluster.dbname, "SELECT pg_total_relation_size('archive'), count(*) FROM archive"
        )
    return {
        "rows": rows,
        "gpkg": gpkg_seconds,
        "postgis": pg_seconds,
        "added": [gpkg_added, pg_added],
        "row_bytes": int(size) / max(1, int(count)),
    }


VARIANTS["archive_postgis"] = variant_archive_postgis


def archive_part(measure):
    print(f"A 6-month archive: {CELLS:,} cells × {ARCHIVE_WINDOWS} windows of 10 days, then one more window")
    r = measure("archive_append")
    print(f"  built window by window in {r['build']:,.0f} s: {r['rows_before']:,} cell-days")
    print(
        f"  one more window ({r['window_rows']:,} cell-days) appended in {r['append']:.1f} s "
        f"({r['window_rows'] / r['append']:,.0f} rows/s); the same rows written plainly into a new GeoPackage "
        f"in {r['plain']:.1f} s ({r['window_rows'] / r['plain']:,.0f} rows/s)"
    )
    print(f"  ratio append / plain write: {r['append'] / r['plain']:.2f}  (target: the append under a minute)")
    print(
        f"  opened with its time ready ({r['ready']}) over {r['span']} in {r['open']:.1f} s; "
        f"{r['rows_after']:,} cell-days; peak RSS {r['peak_mb']:,.0f} MB"
    )
    r = measure("archive_postgis")
    print(
        f"The same {r['rows']:,} cell-days ({POSTGIS_WINDOWS} windows) merged into an archive: GeoPackage "
        f"{r['gpkg']:.1f} s, PostGIS {r['postgis']:.1f} s (COPY + one upsert per answer); "
        f"ratio PostGIS / GeoPackage: {r['postgis'] / r['gpkg']:.2f}  (target ≤ 1.5); "
        f"{r['row_bytes']:,.0f} bytes per row in PostGIS with its indexes"
    )


def variant_animation(answer):
    """A day of 10,000 cells as a 24-frame GIF of 1,000 × 750 px (no basemap: no network here):
    the frames rendered, then the GIF written, each timed."""
    from crowdheat.plugin.core import heat_answer
    from crowdheat.plugin.core.gif import write_gif
    from crowdheat.plugin.gis import animation, heat_layers

    data = heat_answer.parse_heat_response(answer.read_bytes())
    hourly, _ = heat_layers.memory_layers()
    heat_layers.HeatWriter(hourly.dataProvider())(data)
    hourly.updateExtents()
    heat_layers.style_hourly(hourly, heat_layers.class_breaks(data.day_heat))
    from crowdheat.plugin.gis.render import render_layers

    hours = animation.last_day_hours(hourly)
    started = time.perf_counter()
    frames = animation.render_frames(hourly, hours, (1000, 750))
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    size = write_gif(scratch() / "day.gif", frames, 500)
    encoded = time.perf_counter() - started
    # Side by side: the same 24 frames drawn from the whole layer (every day's rows filtered per
    # frame), as before the frames read a copy of the day's rows; no overlay drawn here.
    extent = animation.frame_extent(hourly, (1000, 750))
    started = time.perf_counter()
    for hour in hours:
        render_layers([hourly], extent, (1000, 750), frame_start=hour, crs=animation.WEB_MERCATOR)
    whole = time.perf_counter() - started
    return {"frames": len(frames), "render": rendered, "encode": encoded, "bytes": size, "whole": whole}


VARIANTS["animation"] = variant_animation


def animation_part(measure):
    r = measure("animation")
    print(
        f"A day's animation ({CELLS:,} cells, {r['frames']} frames of 1,000 × 750 px): "
        f"rendered in {r['render']:.1f} s, GIF written in {r['encode']:.1f} s ({r['bytes'] / 1e6:.1f} MB); "
        f"peak RSS {r['peak_mb']:,.0f} MB"
    )
    print(
        f"  the same frames drawn from the whole 10-day layer: {r['whole']:.1f} s; "
        f"whole layer / the day's copy: {r['whole'] / r['render']:.2f}"
    )


PROVINCE_KM2 = 180_000  # Guangdong


def variant_province_plan(_answer):
    """Plan a province at level 16: the 16 synthetic districts scaled to Guangdong's area, then
    split into 10 shards; seconds and what the plan costs."""
    from shapely import affinity

    from crowdheat.plugin.core import shards
    from crowdheat.plugin.core.heat_plan import FeatureShape, plan_requests
    from tests.boundaries import city_districts

    districts = [affinity.translate(d, 113.3 - 116.4, 23.1 - 40.0) for d in city_districts()]
    factor = (PROVINCE_KM2 / sum(_km2(d) for d in districts)) ** 0.5
    districts = [affinity.scale(d, factor, factor, origin=(113.3, 23.1)) for d in districts]
    shapes = [FeatureShape(n + 1, f"p{n + 1:02d}", d) for n, d in enumerate(districts)]
    started = time.perf_counter()
    plan = plan_requests(shapes, 16, 1000)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    assigned = shards.assign(plan, 10)
    split = time.perf_counter() - started
    cells = plan.expected_cells()
    per_shard = [assigned.count(k) for k in range(1, 11)]
    return {
        "km2": sum(_km2(d) for d in districts),
        "requests": len(plan.requests),
        "cells": cells,
        "plan_s": planned,
        "split_s": split,
        "per_shard": per_shard,
    }


VARIANTS["province_plan"] = variant_province_plan


def province_part(measure):
    r = measure("province_plan")
    print(
        f"A province at level 16 ({r['km2']:,.0f} km², 16 prefectures): planned in {r['plan_s']:.1f} s, "
        f"split into 10 shards in {r['split_s']:.2f} s (requests per shard {min(r['per_shard'])}–"
        f"{max(r['per_shard'])}); peak RSS {r['peak_mb']:,.0f} MB"
    )
    print(
        f"  cost of one 10-day window: {r['requests']:,} requests, about {r['cells']:,} cells, "
        f"{10 * r['cells']:,} cell-days (archive rows), {10 * r['cells']:,} hourly rows of a heat layer"
    )


def _km2(geometry):
    from crowdheat.plugin.core.heat_plan import geodesic_area_m2

    return geodesic_area_m2(geometry) / 1e6


def stream_part(work, measure_in):
    print(f"Streaming: {STREAM_FENCES} fences × {CELLS:,} cells × 10 days through qgis_process (S2 level 18)")
    idle, rows = stream_bench(work)
    gpkg_floor = measure_in(work, "gpkg_floor")
    print(f"  idle qgis_process (plugin loaded): peak RSS {idle[1]:,.0f} MB")
    for name, (seconds, peak, res) in rows.items():
        print(
            f"  {name:10s} {seconds:6.1f} s  {res.get('HOURLY_COUNT', 0):,} hourly rows, "
            f"{res.get('CELL_COUNT', 0):,} "
            f"cells, peak RSS {peak:,.0f} MB = +{peak - idle[1]:,.0f} MB over idle  (target ≤ +300 MB)"
        )
    seconds = rows["GeoPackage"][0]
    print(
        f"  GeoPackage floor (addFeatures of the same {gpkg_floor['rows']:,} rows, precomputed): "
        f"{gpkg_floor['seconds']:.1f} s; whole qgis_process run (start, HTTP, parse, write) / floor: "
        f"{seconds / gpkg_floor['seconds']:.2f}"
    )


def zones_part(measure):
    ours, native = measure("zones_crowdheat"), measure("zones_native")
    print(
        f"Heat by zone: {ours['cell_days']:,} cell-days of {ZONE_CELLS_SIDE**2:,} level-17 cells against "
        f"{ours['zones']:,} zones (EPSG:3857)"
    )
    print(
        f"  crowdheat:heatbyzone           {ours['seconds']:6.2f} s  total {ours['total']:,.0f} (conserved: area "
        f"shares on the ellipsoid, each cell-day once, 24 hours and the zone-hour table too)"
    )
    print(
        f"  qgis:joinbylocationsummary     {native['seconds']:6.2f} s  total {native['total']:,.0f} (every touching "
        f"cell counted whole in every zone, day_heat only)"
    )
    print(
        f"  ratio summary join / crowdheat time: {native['seconds'] / ours['seconds']:.2f}; "
        f"the summary join's total over-counts by {native['total'] / ours['total'] - 1:.0%}"
    )


def read_part(measure):
    r = measure("read")
    print(
        f"Reading: {r['rows']:,} CSV rows ({r['file_mb']:.0f} MB) read and validated in {r['seconds']:.1f} s "
        f"({r['rows'] / r['seconds']:,.0f} rows/s), {r['valid']:,} valid; peak RSS {r['peak_mb']:.0f} MB "
        f"(of which writing the file: {r['peak_before_read_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    sys.exit(main())
