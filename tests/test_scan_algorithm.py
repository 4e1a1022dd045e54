"""crowdheat:geolocatescans end to end: real QGIS, real files, the Baidu simulator on loopback."""

import processing
import pytest
from qgis.core import QgsProcessingException, QgsProject, QgsVectorLayer

from crowdheat.plugin.core import coords
from crowdheat.plugin.core.fence import haversine_m
from helpers import RecordingFeedback
from simulator.baidu import AK, BaiduSimulator

FIXED = ["status", "err_code", "err_msg", "notes", "loc_type", "radius_m", "lon", "lat", "lon_raw", "lat_raw", "raw_crs",
         "country", "province", "city", "citycode", "district", "road", "indoor", "bldg", "bldgid", "bldgname",
         "floor"]
CSV = ("id,bts,macs,lng,lat,status\n"
       "1,\"460,0,4189,8869,-63\",\"70:ba:ef:d0:87:91,-42,|70:ba:ef:d1:0e:01,-45,\",114.0551,22.5401,truth-a\n"
       "2,,\"aa:bb:cc:dd:ee:01,-50,x\",,,truth-b\n"
       "3,\"510,11,25182,40081,-83\",,,,truth-c\n"
       "4,,\"aa:bb:cc:dd:ee:05,-50,|aa:bb:cc:dd:ee:06,-55,\",114.06,22.55,truth-d\n"
       "5,,\"de:ad:be:ef:00:01,-50,|de:ad:be:ef:00:02,-55,\",,,truth-e\n")


@pytest.fixture(scope="module")
def baidu_server():
    with BaiduSimulator() as server:
        yield server


@pytest.fixture
def baidu(baidu_server, monkeypatch, tmp_path):
    baidu_server.clear()
    baidu_server.known_aps = {"70:ba:ef:d0:87:91": (114.0552, 22.5402), "aa:bb:cc:dd:ee:05": (114.0601, 22.5501)}
    baidu_server.not_found_macs = {"de:ad:be:ef:00:01", "de:ad:be:ef:00:02"}
    monkeypatch.setenv("CROWDHEAT_BAIDU_URL", baidu_server.url + "/locapi/v2")
    monkeypatch.setenv("CROWDHEAT_BAIDU_AK", AK)
    return baidu_server


def run(tmp_path, text=CSV, **params):
    path = tmp_path / "scans.csv"
    path.write_text(text, encoding="utf-8")
    feedback = RecordingFeedback()
    result = processing.run("crowdheat:geolocatescans", {"INPUT": str(path), "CACHE": str(tmp_path / "c.sqlite"),
                                                         "OUTPUT": "memory:", **params}, feedback=feedback)
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
    processing.runAndLoadResults("crowdheat:geolocatescans", {"INPUT": str(path), "COORD_OUT": 1,
                                                              "CACHE": str(tmp_path / "c.sqlite"),
                                                              "OUTPUT": "memory:"})
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
            point["radius_m"], rel=0.01)


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
