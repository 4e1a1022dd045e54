"""crowdheat:geolocatescans end to end: real QGIS, real files, the Baidu simulator on loopback."""

import json

import processing
import pytest
from qgis.core import QgsProcessingException, QgsProject, QgsVectorLayer

from crowdheat.plugin.core import coords, scan_formats
from crowdheat.plugin.core.fence import haversine_m
from crowdheat.plugin.core.scans import read_scans
from tests import scan_exports
from tests.helpers import RecordingFeedback
from tests.hostile import HostileServer
from tests.scan_exports import NOTE_HEADER as HEADER
from tests.scan_exports import NOTE_ROW as ROW

FIXED = [
    "status",
    "err_code",
    "err_msg",
    "notes",
    "loc_type",
    "radius_m",
    "lon",
    "lat",
    "lon_raw",
    "lat_raw",
    "raw_crs",
    "country",
    "province",
    "city",
    "citycode",
    "district",
    "road",
    "indoor",
    "bldg",
    "bldgid",
    "bldgname",
    "floor",
]
CSV = (
    "id,bts,macs,lng,lat,status\n"
    '1,"460,0,4189,8869,-63","70:ba:ef:d0:87:91,-42,|70:ba:ef:d1:0e:01,-45,",114.0551,22.5401,truth-a\n'
    '2,,"aa:bb:cc:dd:ee:01,-50,x",,,truth-b\n'
    '3,"510,11,25182,40081,-83",,,,truth-c\n'
    '4,,"aa:bb:cc:dd:ee:05,-50,|aa:bb:cc:dd:ee:06,-55,",114.06,22.55,truth-d\n'
    '5,,"de:ad:be:ef:00:01,-50,|de:ad:be:ef:00:02,-55,",,,truth-e\n'
)


@pytest.fixture
def baidu(baidu):
    """The shared simulator (tests/conftest.py), knowing where this module's access points are."""
    baidu.known_aps = {"70:ba:ef:d0:87:91": (114.0552, 22.5402), "aa:bb:cc:dd:ee:05": (114.0601, 22.5501)}
    baidu.not_found_macs = {"de:ad:be:ef:00:01", "de:ad:be:ef:00:02"}
    return baidu


def run(tmp_path, text=CSV, **params):
    path = tmp_path / "scans.csv"
    path.write_text(text, encoding="utf-8")
    feedback = RecordingFeedback()
    result = processing.run(
        "crowdheat:geolocatescans",
        {"INPUT": str(path), "CACHE": str(tmp_path / "c.sqlite"), "OUTPUT": "memory:", **params},
        feedback=feedback,
    )
    return result, feedback.text()


def test_every_row_once_in_order_with_fixed_fields(baidu, provider, tmp_path):
    result, log = run(tmp_path)
    layer = result["OUTPUT"]
    names = [f.name() for f in layer.fields()]
    # the input's `lat` and `status` columns are kept under suffixed names; fixed names follow
    assert names == ["id", "bts", "macs", "lng", "lat_input", "status_input"] + FIXED + ["truth_dist_m", "input_rows"]
    assert "'lat' is kept as 'lat_input'" in log and "'status' is kept as 'status_input'" in log
    features = list(layer.getFeatures())
    assert [f["id"] for f in features] == ["1", "2", "3", "4", "5"]
    assert [f["status"] for f in features] == ["ok", "invalid", "ok", "ok", "not_found"]
    assert [f["status_input"] for f in features] == ["truth-a", "truth-b", "truth-c", "truth-d", "truth-e"]
    assert "needs at least 2" in features[1]["err_msg"]
    assert [f.hasGeometry() for f in features] == [True, False, True, True, False]
    assert result["OK"] == 3 and result["INVALID"] == 1 and result["NOT_FOUND"] == 1 and result["REQUESTS"] == 2
    assert "5 scans: 5 valid" not in log and "4 valid, 1 invalid" in log and "about 2 requests" in log


def test_coordinates_wgs84_default_and_indonesia_unshifted(baidu, provider, tmp_path):
    result, log = run(tmp_path)
    first, _, bandung, fourth, _ = result["OUTPUT"].getFeatures()
    assert first["raw_crs"] == "GCJ02"
    expected = coords.gcj02_to_wgs84(first["lon_raw"], first["lat_raw"])
    assert (first["lon"], first["lat"]) == pytest.approx(expected, abs=1e-9)
    point = first.geometry().asPoint()
    assert (point.x(), point.y()) == pytest.approx(expected, abs=1e-9)
    assert bandung["raw_crs"] == "WGS84" and bandung["country"] == "Indonesia"
    assert (bandung["lon"], bandung["lat"]) == (bandung["lon_raw"], bandung["lat_raw"])
    # ground truth: the known AP sits ~15 m from the truth, the simulator adds ≤ 30 m of noise
    assert first["truth_dist_m"] == pytest.approx(haversine_m(expected, (114.0551, 22.5401)), abs=0.01)
    assert first["truth_dist_m"] < 60 and fourth["truth_dist_m"] < 60
    assert "median" in log and "90th percentile" in log


@pytest.mark.parametrize("choice, system", [(1, coords.GCJ02), (2, coords.BD09)])
def test_gcj02_and_bd09_outputs(baidu, provider, tmp_path, choice, system):
    result, _ = run(tmp_path, COORD_OUT=choice)
    first = next(result["OUTPUT"].getFeatures())
    expected = coords.convert(first["lon_raw"], first["lat_raw"], coords.GCJ02, system)
    assert (first["lon"], first["lat"]) == pytest.approx(expected, abs=1e-9)


def test_loaded_layer_says_which_system_it_holds(baidu, provider, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(CSV)
    project = QgsProject.instance()
    project.clear()
    processing.runAndLoadResults(
        "crowdheat:geolocatescans",
        {"INPUT": str(path), "COORD_OUT": 1, "CACHE": str(tmp_path / "c.sqlite"), "OUTPUT": "memory:"},
    )
    layer = project.mapLayersByName("Located scans (GCJ-02 numbers)")[0]
    assert "GCJ-02" in layer.metadata().abstract() and "no EPSG code" in layer.metadata().abstract()
    project.clear()


def test_accuracy_circles(baidu, provider, tmp_path):
    result, _ = run(tmp_path, OUTPUT_CIRCLES="memory:")
    circles = list(result["OUTPUT_CIRCLES"].getFeatures())
    points = {f["input_rows"]: f for f in result["OUTPUT"].getFeatures() if f["status"] == "ok"}
    assert len(circles) == 3
    for circle in circles:
        point = points[circle["input_rows"]]
        assert circle.geometry().contains(point.geometry())
        ring = circle.geometry().asPolygon()[0]
        assert haversine_m((ring[0].x(), ring[0].y()), (point["lon"], point["lat"])) == pytest.approx(
            point["radius_m"], rel=0.01
        )


def test_rerun_spends_nothing(baidu, provider, tmp_path):
    run(tmp_path)
    spent = len(baidu.requests)
    result, log = run(tmp_path)
    assert len(baidu.requests) == spent and result["REQUESTS"] == 0
    assert result["CACHE_HITS"] == 4  # 3 located + 1 not found: both are answers
    assert "about 0 requests" in log


def test_unreadable_input_is_a_clear_error(baidu, provider, tmp_path):
    with pytest.raises(QgsProcessingException, match="is empty"):
        run(tmp_path, text="")
    with pytest.raises(QgsProcessingException, match="not role=column"):
        run(tmp_path, MAPPING="macs")


def test_gpkg_output(baidu, provider, tmp_path):
    out = tmp_path / "scans.gpkg"
    run(tmp_path, OUTPUT=str(out))
    layer = QgsVectorLayer(str(out), "s", "ogr")
    assert layer.featureCount() == 5


def test_a_nul_byte_in_a_text_field_does_not_cut_it_short(baidu, provider, tmp_path):
    """GDAL ends a text at a NUL byte: 'truth-a<NUL> and the rest' came back as 'truth-a'."""
    out = tmp_path / "scans.gpkg"
    run(tmp_path, CSV.replace("truth-a", "truth-a\0 and the rest"), OUTPUT=str(out))
    layer = QgsVectorLayer(str(out), "s", "ogr")
    first = next(layer.getFeatures())
    assert layer.featureCount() == 5 and first["status_input"] == "truth-a\ufffd and the rest"


def test_the_documents_own_example_is_answered_in_full(baidu, provider, tmp_path):
    path = tmp_path / "doc-example.csv"
    bodies = scan_exports.baidu_doc_example(path)
    features, log = run_algorithm(path, tmp_path, BATCH_SIZE=1)
    assert [f["status"] for f in features] == ["ok", "ok", "ok"], [f["err_msg"] for f in features]
    sent = [b for r in baidu.requests for b in json.loads(r["body"])["body"]]
    third = next(b for b in sent if b["bts"] == "460,0,4163,21297934,-124")
    # neighbours with unknown lac/cellid go as the document sends them
    assert third["nearbts"] == bodies[2]["nearbts"] == "460,0,-1,-1,13|460,0,-1,-1,29"
    assert {b["network"] for b in sent} == {"GPRS", "GSM"}
    assert next(b for b in sent if b["bts"].startswith("510"))["macs"] == "e0:36:76:e8:11:78,-18,1"


@pytest.mark.parametrize(
    "maker, layout",
    [
        (scan_exports.cellmapper, "CellMapper CSV export"),
        (scan_exports.netmonster_ntm, "NetMonster NTM"),
        (scan_exports.airodump, "airodump-ng CSV"),
        (scan_exports.kismet, "Kismet CSV"),
        (scan_exports.tower_collector, "Tower Collector CSV"),
        (scan_exports.wigle_walk, "WiGLE 1.4"),
    ],
)
def test_each_layout_imports_through_processing_with_every_row_once(baidu, provider, tmp_path, maker, layout):
    path = tmp_path / "export.csv"
    maker(path)
    features, log = run_algorithm(path, tmp_path)
    assert layout in log
    fmt = scan_formats.sniff(path)
    expected = sorted(r for s in read_scans(path, fmt) for r in s.rows)
    assert expected == list(range(1, len(expected) + 1)) and rows_of(features) == expected  # each row once
    assert sum(f["status"] == "ok" for f in features) >= 1


def test_processing_header_mapping_and_window_parameters(baidu, provider, tmp_path):
    named = tmp_path / "named.csv"
    named.write_text("lat,lon,alt,mcc,mnc,tac,cid,dbm\n22.54,114.05,5,460,0,9520,125643777,-95\n")
    features, log = run_algorithm(
        named, tmp_path, HEADER=2, MAPPING="lat=col1;lng=col2;mcc=col4;mnc=col5;lac=col6;cellid=col7;signal=col8"
    )
    # the first row read as data: an invalid scan (its values are not numbers), the second located
    assert [f["status"] for f in features] == ["invalid", "ok"] and "no header row, as chosen" in log
    assert "col1" in [f.name() for f in features[0].fields()]
    walk = tmp_path / "walk.csv"
    scan_exports.wigle_walk(walk, seconds=120)
    default, _ = run_algorithm(walk, tmp_path)
    exact, _ = run_algorithm(walk, tmp_path, WINDOW=0, DISTANCE=0)
    assert len(exact) > len(default)


def test_gps_columns_that_cannot_be_right_are_warned_about(baidu, provider, tmp_path):
    """The same CellMapper rows with the longitude's sign lost (west instead of east): 12,000 km
    from where the service puts the cells. The run works; the summary says the GPS is suspect."""
    path = tmp_path / "cellmapper.csv"
    scan_exports.cellmapper(path, rows=6)
    lines = path.read_text().splitlines()
    rows = [line.split(",") for line in lines]
    baidu.known_cells = {f"460,0,{v[5]},{v[6]}": (float(v[1]), float(v[0])) for v in rows}
    good, log = run_algorithm(path, tmp_path)
    assert "median" in log and "probably not what they seem" not in log
    signless = tmp_path / "signless.csv"
    signless.write_text("".join(",".join([v[0], "-" + v[1]] + v[2:]) + "\n" for v in rows))
    wrong, log = run_algorithm(signless, tmp_path)
    assert [f["status"] for f in wrong] == ["ok"] * 6
    assert "probably not what they seem" in log and "'col2' holds longitudes" in log


def test_formula_like_texts_are_defused_in_a_csv_output_only(provider, tmp_path, monkeypatch):
    def behave(reply, request):
        reply.send(
            200,
            {
                "errcode": 0,
                "msg": "ok",
                "body": [
                    {
                        "type": 2,
                        "location": "114.05,22.54",
                        "radius": 30,
                        "ctime": b["ctime"],
                        "error": 0,
                        "country": "中国",
                        "road": '=HYPERLINK("http://x")',
                    }
                    for b in request.json()["body"]
                ],
            },
        )

    with HostileServer() as server:
        server.behave(behave)
        monkeypatch.setenv("CROWDHEAT_BAIDU_URL", server.url + "/locapi/v2")
        monkeypatch.setenv("CROWDHEAT_BAIDU_AK", "made-up-ak")
        path = tmp_path / "in.csv"
        path.write_text(HEADER + ROW.format(n=1, note="=cmd|' /C calc'!A0"), encoding="utf-8")
        out_csv, out_gpkg = tmp_path / "out.csv", tmp_path / "out.gpkg"
        for out in (out_csv, out_gpkg):
            processing.run(
                "crowdheat:geolocatescans",
                {"INPUT": str(path), "CACHE": str(tmp_path / "c.sqlite"), "OUTPUT": str(out)},
            )
    text = out_csv.read_text(encoding="utf-8")
    assert "'=cmd|" in text and "'=HYPERLINK" in text and ",=" not in text
    from qgis.core import QgsVectorLayer

    feature = next(QgsVectorLayer(str(out_gpkg), "out", "ogr").getFeatures())
    assert feature["note"] == "=cmd|' /C calc'!A0"  # a GeoPackage keeps the data as it came


def test_a_scan_file_deleted_before_the_run_is_a_message_not_a_traceback(qgis_app, tmp_path, monkeypatch):
    from qgis.core import QgsApplication

    from crowdheat.plugin.core.config import BaiduConfig
    from crowdheat.plugin.core.errors import InputError
    from crowdheat.plugin.gis.tasks import ScanTask

    path = tmp_path / "gone.csv"
    path.write_text(HEADER + ROW.format(n=1, note="x"), encoding="utf-8")
    fmt = scan_formats.sniff(path)
    path.unlink()
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    config = BaiduConfig(
        base_url="http://127.0.0.1:9/locapi/v2", ak="made-up-ak", cache_path=str(tmp_path / "c.sqlite")
    )
    task = ScanTask(str(path), fmt, "WGS84", False, done=lambda task: None, config=config)
    assert task.run() is False
    assert isinstance(task.error, InputError) and "gone.csv" in str(task.error)
    assert not any("Traceback" in message for message in logged)


def run_algorithm(path, tmp_path, **params):
    feedback = RecordingFeedback()
    result = processing.run(
        "crowdheat:geolocatescans",
        {"INPUT": str(path), "CACHE": str(tmp_path / "c.sqlite"), "OUTPUT": "memory:", **params},
        feedback=feedback,
    )
    return list(result["OUTPUT"].getFeatures()), feedback.text()


def rows_of(features):
    """Every data row number named by the features' input_rows, as a sorted list."""
    rows = []
    for feature in features:
        for part in str(feature["input_rows"]).split(","):
            first, _, last = part.partition("-")
            rows.extend(range(int(first), int(last or first) + 1))
    return sorted(rows)


@pytest.mark.parametrize("full_disk", ["192k"], indirect=True)
def test_accuracy_circles_on_a_full_disk_are_a_failure_not_done(baidu, provider, tmp_path, full_disk):
    """The circles output was not checked: a disk that filled up at its last commit lost every circle
    of a run that said done (after paying for the requests)."""
    rows = ["id,macs"] + [
        f'{k},"70:ba:ef:d0:87:91,-{40 + k % 40},|02:00:00:{k // 256 % 256:02x}:{k % 256:02x}:01,-{50 + k % 30},"'
        for k in range(250)
    ]
    with pytest.raises(QgsProcessingException) as failed:
        run(tmp_path, "\n".join(rows) + "\n", OUTPUT_CIRCLES=str(full_disk / "circles.gpkg"))
    assert "accuracy circles" in str(failed.value) and "disk may be full" in str(failed.value)


def test_error_lines_run_from_the_files_position_to_the_services(baidu, provider, tmp_path):
    result, _ = run(tmp_path, OUTPUT_LINES="memory:", OUTPUT_CIRCLES="memory:")
    lines = {f["input_rows"]: f for f in result["OUTPUT_LINES"].getFeatures()}
    points = {f["input_rows"]: f for f in result["OUTPUT"].getFeatures()}
    with_truth = {rows for rows, f in points.items() if f["status"] == "ok" and isinstance(f["truth_dist_m"], float)}
    assert set(lines) == with_truth and len(lines) == 2  # rows 1 and 4: located, and the file has a position
    for rows, line in lines.items():
        start, end = line.geometry().asPolyline()
        point = points[rows]
        assert (end.x(), end.y()) == pytest.approx((point["lon"], point["lat"]))
        row = CSV.splitlines()[int(rows)]
        assert (start.x(), start.y()) == pytest.approx(tuple(float(v) for v in row.split(",")[-3:-1]))
        assert line["truth_dist_m"] == point["truth_dist_m"]
