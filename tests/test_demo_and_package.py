"""`make demo` and `make zip` as a new user meets them: the demo's files open in QGIS with the
expected contents; the zip is what the plugin repository accepts."""

import configparser
import os
import re
import subprocess
import sys
import zipfile

import pytest
from qgis.core import QgsProject, QgsVectorLayer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCAN_COUNTS = {
    "baidu_gbk": (36, {"ok": 32, "not_found": 2, "invalid": 2}),
    "wigle16": (24, {"ok": 24}),
    "gmon": (20, {"ok": 20}),
    "network_survey_lte": (15, {"ok": 15}),
    "cellmapper": (18, {"ok": 18}),
    "airodump-01": (2, {"ok": 2}),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-output")
    env = dict(os.environ, CROWDHEAT_DEMO_OUTPUT=str(out))
    for name in list(env):
        if name.startswith("CROWDHEAT_") and name != "CROWDHEAT_DEMO_OUTPUT":
            env.pop(name)  # the demo sets its own (the simulators')
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", os.path.join(ROOT, "demo", "run_demo.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done.stdout


pytestmark = pytest.mark.slow


def layer(path, table):
    loaded = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert loaded.isValid(), f"{path} {table}"
    return loaded


def test_demo_writes_geopackages_with_the_expected_contents(demo, qgis_app):
    out, stdout = demo
    for name in ("shenzhen_block", "park_blocks"):
        hourly, cells = layer(out / f"heat_{name}.gpkg", "hourly_heat"), layer(out / f"heat_{name}.gpkg", "cells")
        assert cells.featureCount() > 10
        days = {f["date"] for f in hourly.getFeatures()}
        assert 9 <= len(days) <= 10
        assert hourly.featureCount() == sum(f["days"] for f in cells.getFeatures())
        assert f"heat, {name.replace('_', ' ').capitalize()}: {cells.featureCount():,} cells" in stdout
    for name, (total, statuses) in SCAN_COUNTS.items():
        scans = layer(out / f"located_scans_{name}.gpkg", "located_scans")
        assert scans.featureCount() == total  # every input scan, once
        found = {}
        for feature in scans.getFeatures():
            found[feature["status"]] = found.get(feature["status"], 0) + 1
        assert found == statuses
        assert f"{total} scans: {statuses.get('ok', 0)} ok" in stdout


def test_demo_project_is_styled_grouped_timed_and_labelled_simulated(demo, qgis_app):
    out, _ = demo
    project = QgsProject()
    assert project.read(str(out / "crowdheat-demo.qgz"))
    layers = list(project.mapLayers().values())
    assert all(one.isValid() for one in layers)
    heat = [one for one in layers if one.name().startswith("Hourly heat")]
    assert len(heat) == 2
    for hourly in heat:
        assert "(simulated)" in hourly.name() and "SIMULATED" in hourly.metadata().abstract()
        assert hourly.temporalProperties().isActive()
        assert hourly.renderer().type() == "graduatedSymbol"
        group = project.layerTreeRoot().findLayer(hourly.id()).parent()
        assert group.name().startswith("Heat ") and group.name().endswith("(simulated)")
    scans = [one for one in layers if one.name().startswith("Located scans")]
    assert len(scans) == 6 and all("(simulated)" in one.name() for one in scans)
    time_range = project.timeSettings().temporalRange()
    dates = sorted({f["date"] for layer in heat for f in layer.getFeatures()})
    assert time_range.begin().date() <= dates[0] and dates[-1] < time_range.end().date()
    assert time_range.begin().daysTo(time_range.end()) <= 11  # both runs' days (T-14..T-3, asked on one day)
    assert project.timeSettings().timeStep() == 1
    layout = project.layoutManager().layoutByName("CrowdHeat")  # the print layout travels with the project
    assert layout is not None and layout.itemById("heat map") is not None


def test_demo_renders_three_hours_and_the_scans(demo):
    out, _ = demo
    hours = sorted(p.name for p in out.glob("heat_*h.png"))
    assert len(hours) == 3 and [h[-7:] for h in hours] == ["08h.png", "12h.png", "19h.png"]
    sizes = {p.name: p.stat().st_size for p in out.glob("*.png")}
    assert sizes["heat_three_hours.png"] > 20_000 and sizes["located_scans.png"] > 10_000
    images = [(out / h).read_bytes() for h in hours]
    assert len(set(images)) == 3  # the hours differ: the time filter took effect
    assert "scans, scans_airodump-01.csv: 2 scans: 2 ok" in (out / "summary.txt").read_text(encoding="utf-8")
    pdf = out / "crowdheat-demo.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


def test_zip_for_the_plugin_repository(tmp_path):
    target = tmp_path / "crowdheat.zip"
    subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "package.py"), str(target)], check=True, capture_output=True
    )
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        metadata_text = archive.read("crowdheat/metadata.txt").decode("utf-8")
        archive.extractall(tmp_path / "unpacked")
    assert {name.split("/")[0] for name in names} == {"crowdheat"}
    assert "crowdheat/__init__.py" in names and "crowdheat/LICENSE" in names
    assert "crowdheat/resources/i18n/crowdheat_zh_CN.qm" in names
    for forbidden in (
        "tests/",
        "simulator/",
        "demo/",
        "bench/",
        "tools/",
        ".venv",
        "__pycache__",
        ".ci/",
        "Makefile",
        ".git",
    ):
        assert not any(forbidden in name for name in names), forbidden
    binaries = [n for n in names if n.endswith((".pyc", ".so", ".dll", ".exe", ".dylib", ".pyd"))]
    assert binaries == []
    assert target.stat().st_size < 2_000_000
    metadata = configparser.ConfigParser()
    metadata.read_string(metadata_text)
    general = metadata["general"]
    for key in (
        "name",
        "qgisMinimumVersion",
        "description",
        "about",
        "version",
        "author",
        "email",
        "repository",
        "tracker",
        "icon",
    ):
        assert general.get(key, "").strip(), key
    assert re.fullmatch(r"\d+\.\d+\.\d+", general["version"])
    assert f"crowdheat/{general['icon']}" in names
    # every module compiles in the unpacked plugin
    done = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(tmp_path / "unpacked")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
