"""The algorithms headless through qgis_process, with the plugin enabled in a fresh profile and
the environment pointing it at the loopback simulator — the way batch users run it."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from qgis.core import (
    QgsVectorLayer,
)

from simulator.jike import TOKEN
from tests.helpers import BLOCK_WKT, SAMPLE_WKT, polygon_layer, write_vector

pytestmark = pytest.mark.slow
QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"


def profile_env(profile, plugins_dir, **extra):
    """qgis_process's environment with its own profile folder and the plugin on its path."""
    return dict(
        os.environ,
        QGIS_CUSTOM_CONFIG_PATH=str(profile),
        QGIS_PLUGINPATH=str(plugins_dir),
        QT_QPA_PLATFORM="offscreen",
        # qgis_process's embedded Python does not see the venv by itself.
        PYTHONPATH=os.pathsep.join(p for p in sys.path if "site-packages" in p),
        **extra,
    )


def enable_plugin(env):
    subprocess.run(
        [QGIS_PROCESS, "plugins", "enable", "crowdheat"], env=env, check=True, capture_output=True, timeout=120
    )


@pytest.fixture(scope="module")
def qgis_process_env(plugins_dir, tmp_path_factory):
    env = profile_env(tmp_path_factory.mktemp("qgis-process-profile"), plugins_dir)
    enable_plugin(env)
    return env


def run(env, algorithm, *args):
    return subprocess.run(
        [QGIS_PROCESS, "--json", "run", algorithm, "--", *args], env=env, capture_output=True, text=True, timeout=300
    )


def write_gpkg(layer, path, crs=None):
    write_vector(layer, path, "GPKG", crs)


def test_heatmap_headless(jike, qgis_process_env, tmp_path):
    mercator = tmp_path / "fence_3857.gpkg"
    write_gpkg(polygon_layer([SAMPLE_WKT]), mercator, "EPSG:3857")
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    hourly, cells = tmp_path / "hourly.gpkg", tmp_path / "cells.gpkg"
    done = run(
        env, "crowdheat:heatmap", f"INPUT={mercator}", "CELL_LEVEL=0", f"OUTPUT={hourly}", f"OUTPUT_CELLS={cells}"
    )
    assert done.returncode == 0, done.stderr + done.stdout
    results = json.loads(done.stdout)["results"]
    assert results["CELL_COUNT"] == 5 and results["HOURLY_COUNT"] == 45
    assert QgsVectorLayer(str(hourly), "h", "ogr").featureCount() == 45
    assert QgsVectorLayer(str(cells), "c", "ogr").featureCount() == 5
    assert len(jike.requests) == 1
    # Map-ready even from the command line: the GeoPackage carries its style and time settings.
    opened = QgsVectorLayer(str(hourly), "hourly", "ogr")
    assert "map_start_time" in opened.renderer().classAttribute()
    assert opened.loadDefaultStyle()[1] and opened.temporalProperties().isActive()  # the time settings are in it
    cells_layer = QgsVectorLayer(str(cells), "c", "ogr")  # kept: a layer's renderer dies with it
    assert cells_layer.renderer().classAttribute() == '"cell_heat"'
    assert TOKEN not in done.stdout + done.stderr
    assert "ResourceWarning" not in done.stderr


def test_headless_a_layer_whose_prj_was_lost_is_refused_in_a_sentence(jike, qgis_process_env, tmp_path):
    from tests.helpers import shapefile_without_prj

    shapefile_without_prj(polygon_layer([BLOCK_WKT]), tmp_path / "blocks_utm.shp", "EPSG:32650")
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    done = run(
        env, "crowdheat:heatmap", f"INPUT={tmp_path / 'blocks_utm.shp'}", "OUTPUT=memory:", "OUTPUT_CELLS=memory:"
    )
    text = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in text and "AssertionError" not in text
    assert "'blocks_utm' has no coordinate reference system" in text and "Set Layer CRS" in text
    assert jike.requests == []


def test_headless_a_disk_that_fills_up_is_a_failure_not_done(jike, qgis_process_env, tmp_path, full_disk):
    """Exit 0, "done" and counts printed while the GeoPackage held no layer: now exit non-zero with
    what happened; a rerun elsewhere asks the service for nothing (the answers are cached)."""
    fence = tmp_path / "fence.gpkg"
    write_gpkg(
        polygon_layer(["POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.05 22.54, 114.05 22.53))"]), fence
    )
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    args = ("crowdheat:heatmap", f"INPUT={fence}", "CELL_LEVEL=18", "OUTPUT_CELLS=memory:")
    done = run(env, *args, f"OUTPUT={full_disk / 'hourly.gpkg'}")
    text = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in text
    assert "holds 0 of the" in text and "disk may be full" in text
    asked = len(jike.requests)
    again = run(env, *args, f"OUTPUT={tmp_path / 'hourly.gpkg'}")
    assert again.returncode == 0 and len(jike.requests) == asked


def test_headless_service_error_is_reported_with_codes(jike, qgis_process_env, tmp_path):
    path = tmp_path / "fence.gpkg"
    write_gpkg(polygon_layer([SAMPLE_WKT]), path)
    jike.push_faults("http:500", "http:500", "http:500")
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    done = run(env, "crowdheat:heatmap", f"INPUT={path}", "OUTPUT=TEMPORARY_OUTPUT", "OUTPUT_CELLS=TEMPORARY_OUTPUT")
    assert done.returncode != 0
    assert "HTTP 500" in done.stdout + done.stderr and "Traceback" not in done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr


def test_headless_circle(jike, qgis_process_env, tmp_path):
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    cells = tmp_path / "cells.gpkg"
    done = run(
        env,
        "crowdheat:heatmapcircle",
        "CENTER=114.0565,22.541 [EPSG:4326]",
        "RADIUS=150",
        "CELL_LEVEL=18",
        "OUTPUT=TEMPORARY_OUTPUT",
        f"OUTPUT_CELLS={cells}",
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert QgsVectorLayer(str(cells), "c", "ogr").featureCount() == json.loads(done.stdout)["results"]["CELL_COUNT"] > 5


def test_geolocatescans_headless(qgis_process_env, tmp_path):
    from simulator.baidu import AK, BaiduSimulator

    scans = tmp_path / "scans.csv"
    scans.write_text('id,macs\n1,"aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"\n2,"aa:bb:cc:dd:ee:03,-50,"\n')
    out = tmp_path / "located.gpkg"
    with BaiduSimulator() as sim:
        env = dict(qgis_process_env, CROWDHEAT_BAIDU_URL=sim.url + "/locapi/v2", CROWDHEAT_BAIDU_AK=AK)
        done = run(
            env,
            "crowdheat:geolocatescans",
            f"INPUT={scans}",
            "COORD_OUT=0",
            f"CACHE={tmp_path / 'cache.sqlite'}",
            f"OUTPUT={out}",
        )
    assert done.returncode == 0, done.stderr + done.stdout
    results = json.loads(done.stdout)["results"]
    assert results["OK"] == 1 and results["INVALID"] == 1
    located = QgsVectorLayer(str(out), "s", "ogr")
    assert located.featureCount() == 2
    assert located.renderer().type() == "categorizedSymbol" and located.renderer().classAttribute() == "status"
    assert AK not in done.stdout + done.stderr


def system_python_lacks(*modules):
    """Which of ``modules`` QGIS's own Python (no venv on its path) cannot import."""
    probe = "import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if not importlib.util.find_spec(m)))"
    done = subprocess.run(["/usr/bin/python3", "-c", probe, *modules], capture_output=True, text=True, env={})
    return done.stdout.split()


def test_headless_without_the_packages_says_what_to_install_once(qgis_process_env, tmp_path):
    """QGIS's own Python (no venv on its path): Debian's QGIS has no s2sphere, and shapely only
    when python3-shapely is installed (as the README advises). The plugin loads, and the run is
    refused with the install command for exactly what is missing, printed once."""
    absent = system_python_lacks("s2sphere", "shapely")
    if not absent:
        pytest.skip("QGIS's Python has s2sphere and shapely here: nothing is missing")
    fence = tmp_path / "fence.gpkg"
    write_gpkg(polygon_layer([SAMPLE_WKT]), fence)
    env = dict(qgis_process_env, PYTHONPATH="")
    done = run(env, "crowdheat:heatmap", f"INPUT={fence}", "OUTPUT=memory:", "OUTPUT_CELLS=memory:")
    text = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in text
    assert text.count("pip install --user") == 1
    command = next(line for line in text.splitlines() if "pip install --user" in line)
    for package in ("s2sphere", "shapely"):
        assert (package in command) == (package in absent), command


def only_s2sphere_path(tmp_path):
    """A PYTHONPATH that adds only s2sphere (and future, where the system lacks it) from the
    venv, so that everything else, shapely included, is the distribution's."""
    import future
    import s2sphere

    extra = tmp_path / "only-s2sphere"
    extra.mkdir()
    for module in (s2sphere, future):
        folder = os.path.dirname(module.__file__)
        if "site-packages" in folder:
            (extra / module.__name__).symlink_to(folder, target_is_directory=True)
    return str(extra)


def test_heat_by_zone_headless_with_the_distributions_shapely_gives_the_same_table(
    jike, provider, qgis_process_env, tmp_path
):
    """Debian 12 and Ubuntu 22.04 ship shapely 1.8, which has none of 2.x's array functions:
    heat by zone through qgis_process on QGIS's own Python gives the table shapely 2 gives here."""
    import processing
    from shapely import __version__ as venv_shapely

    env = dict(qgis_process_env, PYTHONPATH=only_s2sphere_path(tmp_path))
    seen = subprocess.run(
        ["/usr/bin/python3", "-c", "import shapely, s2sphere; print(shapely.__version__)"],
        env=env,
        capture_output=True,
        text=True,
    )
    if seen.returncode != 0 or not seen.stdout.startswith("1."):
        pytest.skip(f"QGIS's Python has no shapely 1.x here (apt install python3-shapely): {seen.stdout}{seen.stderr}")
    assert venv_shapely.startswith("2.")
    hourly = tmp_path / "hourly.gpkg"
    processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": str(hourly), "OUTPUT_CELLS": "memory:"},
    )
    zones = tmp_path / "zones.gpkg"
    # two rectangles over the fence, and a curved zone (GEOS reads no curves: it is straightened)
    write_gpkg(
        polygon_layer(
            [
                "POLYGON((114.0540 22.5390, 114.0565 22.5390, 114.0565 22.5440, 114.0540 22.5440, 114.0540 22.5390))",
                "POLYGON((114.0565 22.5390, 114.0600 22.5390, 114.0600 22.5440, 114.0565 22.5440, 114.0565 22.5390))",
                "CURVEPOLYGON(CIRCULARSTRING(114.0555 22.5410, 114.0575 22.5410, 114.0555 22.5410))",
            ],
            name="zones",
        ),
        zones,
    )
    here = processing.run("crowdheat:heatbyzone", {"INPUT": str(hourly), "ZONES": str(zones), "OUTPUT": "memory:"})
    expected = [dict(zip(f.fields().names(), f.attributes())) for f in here["OUTPUT"].getFeatures()]
    assert len(expected) == 3 and all(row["heat_total"] for row in expected)
    out = tmp_path / "by_zone.gpkg"
    done = run(env, "crowdheat:heatbyzone", f"INPUT={hourly}", f"ZONES={zones}", f"OUTPUT={out}")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr + done.stdout
    got = [dict(zip(f.fields().names(), f.attributes())) for f in QgsVectorLayer(str(out), "z", "ogr").getFeatures()]
    assert len(got) == len(expected)
    for row, want in zip(got, expected):
        for name in set(want) - {"fid"}:  # the GeoPackage numbers its own features
            if isinstance(want[name], float):
                assert row[name] == pytest.approx(want[name], rel=1e-9, abs=1e-9), name
            else:
                assert row[name] == want[name], name


def test_scheduled_archive_runs_exit_zero_when_done_even_with_nothing_new_and_non_zero_when_incomplete(
    jike, qgis_process_env, tmp_path
):
    """What a cron line or a systemd timer sees: 0 when the run is done (a run that finds nothing
    new included), non-zero with one line of reason when a request went unanswered."""
    from tests.helpers import NOV, window_ending

    jike.steady, jike.today = True, window_ending(NOV[0])
    env = dict(qgis_process_env, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
    blocks = tmp_path / "blocks.gpkg"
    east = "POLYGON((114.20 22.60, 114.203 22.60, 114.203 22.602, 114.20 22.602, 114.20 22.60))"
    write_gpkg(polygon_layer([BLOCK_WKT, east]), blocks)
    archive = tmp_path / "archive.gpkg"
    args = (f"INPUT={blocks}", "CELL_LEVEL=16", f"ARCHIVE={archive}")
    first = run(env, "crowdheat:heatarchive", *args)
    assert first.returncode == 0, first.stderr + first.stdout
    added = json.loads(first.stdout)["results"]["ADDED"]
    assert added > 10 and len(jike.requests) == 2

    again = run(env, "crowdheat:heatarchive", *args)  # the same day: nothing new, nothing paid
    assert again.returncode == 0, again.stderr + again.stdout
    results = json.loads(again.stdout)["results"]
    assert (results["ADDED"], results["UNCHANGED"]) == (0, added) and len(jike.requests) == 2

    other = tmp_path / "other.gpkg"
    south = "POLYGON((114.10 22.50, 114.103 22.50, 114.103 22.502, 114.10 22.502, 114.10 22.50))"
    write_gpkg(polygon_layer([east.replace("22.60", "22.61").replace("22.602", "22.612"), south]), other)
    jike.push_faults("biz:50001")
    incomplete = run(env, "crowdheat:heatarchive", f"INPUT={other}", "CELL_LEVEL=16", f"ARCHIVE={tmp_path / 'b.gpkg'}")
    assert incomplete.returncode != 0, incomplete.stderr[-600:]
    assert "Incomplete run: 1 of 2 request(s) not answered" in incomplete.stderr + incomplete.stdout
    assert "biz_code 50001" in incomplete.stderr + incomplete.stdout
    assert "Traceback" not in incomplete.stderr
    kept = QgsVectorLayer(f"{tmp_path / 'b.gpkg'}|layername=heat_archive", "b", "ogr")
    assert kept.featureCount() > 0  # the answered request is merged


def test_a_scheduled_run_reads_the_token_from_the_auth_database_with_a_master_password_file(
    jike, plugins_dir, tmp_path
):
    """The README's cron line without CROWDHEAT_JIKE_TOKEN: the token stays encrypted in the
    profile's auth database, unlocked by QGIS's own QGIS_AUTH_PASSWORD_FILE."""
    profile = tmp_path / "cron-profile"
    env = profile_env(profile, plugins_dir, CROWDHEAT_JIKE_URL=jike.url)
    env.pop("CROWDHEAT_JIKE_TOKEN", None)
    stored = subprocess.run(
        [
            sys.executable,
            str(pathlib.Path(__file__).parents[1] / "store_token.py"),
            str(profile / "profiles" / "default"),
            str(plugins_dir),
            "m4ster",
            TOKEN,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stored.returncode == 0, stored.stderr
    enable_plugin(env)
    blocks = tmp_path / "blocks.gpkg"
    write_gpkg(polygon_layer([BLOCK_WKT]), blocks)
    args = (f"INPUT={blocks}", "CELL_LEVEL=16", f"ARCHIVE={tmp_path / 'archive.gpkg'}")

    locked = run(env, "crowdheat:heatarchive", *args)  # no password file: the token cannot be read
    assert locked.returncode != 0 and "token" in (locked.stdout + locked.stderr).lower()

    password_file = tmp_path / "master.txt"
    password_file.write_text("m4ster\n")
    password_file.chmod(0o600)
    done = run(dict(env, QGIS_AUTH_PASSWORD_FILE=str(password_file)), "crowdheat:heatarchive", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert json.loads(done.stdout)["results"]["ADDED"] > 0
    assert TOKEN not in done.stdout + done.stderr + locked.stdout + locked.stderr
