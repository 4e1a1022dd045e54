"""Shared fixtures: the plugin importable as ``crowdheat`` (as QGIS installs it), the loopback
simulators, and (for the tests outside tests/core) QGIS with Processing and the provider and the
auth database unlocked. Nothing here imports QGIS at module level: tests/core runs without it."""

import os
import pathlib
import shutil
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The plugin folder is the repository root; QGIS imports it under the name "crowdheat".
PLUGINS_DIR = pathlib.Path(tempfile.mkdtemp(prefix="crowdheat-plugins-"))
(PLUGINS_DIR / "crowdheat").symlink_to(ROOT, target_is_directory=True)
sys.path.insert(0, str(PLUGINS_DIR))
sys.path.insert(0, str(ROOT))  # the simulator package

from simulator.baidu import AK, BaiduSimulator  # noqa: E402
from simulator.jike import TOKEN, JikeSimulator  # noqa: E402

SECRET_TOKEN = TOKEN  # made up: the simulator's own


@pytest.fixture(scope="session")
def plugins_dir():
    return PLUGINS_DIR


@pytest.fixture(scope="session")
def auth_unlocked(qgis_app):
    from qgis.core import QgsApplication

    manager = QgsApplication.authManager()
    manager.setPasswordHelperEnabled(False)
    manager.setMasterPassword("crowdheat-test-master", True)
    assert manager.masterPasswordIsSet()
    return manager


@pytest.fixture(scope="session")
def provider(qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from crowdheat.plugin.algorithms.provider import CrowdHeatProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("crowdheat") is None:
        registry.addProvider(CrowdHeatProvider())
    return registry.providerById("crowdheat")


@pytest.fixture(scope="session")
def jike_server():
    with JikeSimulator(timeout_fault_s=2.0) as sim:
        yield sim


@pytest.fixture
def jike_sim(jike_server):
    """The Jike simulator as made (no requests, faults or canned answer), for clients built by the test."""
    jike_server.reset()
    return jike_server


@pytest.fixture(scope="session")
def baidu_server():
    with BaiduSimulator(timeout_fault_s=2.0) as sim:
        yield sim


@pytest.fixture
def baidu(baidu_server, monkeypatch):
    """The Baidu simulator as made (documented limits, nothing learnt), with the plugin pointed at it."""
    baidu_server.reset()
    monkeypatch.setenv("CROWDHEAT_BAIDU_URL", baidu_server.url + "/locapi/v2")
    monkeypatch.setenv("CROWDHEAT_BAIDU_AK", AK)
    return baidu_server


@pytest.fixture
def jike(jike_server, monkeypatch, qgis_app, tmp_path):
    """The Jike simulator, fresh for the test, with the plugin pointed at it (fast retries, an
    answers cache of the test's own)."""
    from qgis.core import QgsSettings

    jike_server.reset()
    monkeypatch.setenv("CROWDHEAT_JIKE_URL", jike_server.url)
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", SECRET_TOKEN)
    settings = QgsSettings()
    saved = {k: settings.value(f"crowdheat/jike/{k}") for k in ("backoff_s", "read_timeout_s", "cache_path")}
    settings.setValue("crowdheat/jike/backoff_s", 0.01)
    settings.setValue("crowdheat/jike/read_timeout_s", 1.0)
    settings.setValue("crowdheat/jike/cache_path", str(tmp_path / "jike-answers.sqlite"))
    yield jike_server
    for key, value in saved.items():
        if value is None:
            settings.remove(f"crowdheat/jike/{key}")
        else:
            settings.setValue(f"crowdheat/jike/{key}", value)


@pytest.fixture(scope="session")
def postgis():
    """A real PostgreSQL/PostGIS cluster on loopback, for the session (tests/postgis_cluster.py)."""
    from tests.postgis_cluster import PostgisCluster

    with PostgisCluster() as cluster:
        yield cluster


@pytest.fixture
def full_disk(tmp_path, request):
    """A 1 MB file system (tmpfs, mounted as root; another size with ``parametrize("full_disk",
    ["192k"], indirect=True)``): a GeoPackage of a few thousand features fills it at the last
    commit, which GDAL reports only in its log."""
    import subprocess

    size = getattr(request, "param", "1m")
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)  # lazy: QGIS may still hold the file


@pytest.fixture(scope="session")
def hostile_servers():
    """Two loopback servers that misbehave on purpose (tests/hostile.py): the service, and elsewhere."""
    from tests.hostile import HostileServer

    with HostileServer() as main, HostileServer() as elsewhere:
        yield main, elsewhere


@pytest.fixture
def server(hostile_servers):
    return hostile_servers[0]


@pytest.fixture(autouse=True)
def no_task_left_running(request):
    """A test ends when the tasks it started have ended: QGIS's task manager runs them on Qt's
    global thread pool (one thread per core, shared with the map renderer's layer jobs), so work
    left running by one test made a later test's task wait, on a 2-core machine, past any
    deadline. A task still running a minute after its test is named here."""
    yield
    if "qgis.core" not in sys.modules:  # tests/core: no QGIS
        return
    import time

    from qgis.core import QgsApplication

    if QgsApplication.instance() is None:
        return
    from qgis.PyQt.QtCore import QThreadPool

    manager, pool = QgsApplication.taskManager(), QThreadPool.globalInstance()
    give_up = time.monotonic() + 60
    while (manager.countActiveTasks() or pool.activeThreadCount()) and time.monotonic() < give_up:
        QgsApplication.processEvents()
        time.sleep(0.02)
    left = [f"{task.description()} (status {int(task.status())})" for task in manager.activeTasks()]
    if pool.activeThreadCount() and not left:
        left = [f"{pool.activeThreadCount()} job(s) of Qt's global thread pool (a map render?)"]
    if left:
        manager.cancelAll()
        pytest.fail(f"{request.node.nodeid} left tasks running for a minute: {', '.join(left)}")


def pytest_sessionstart(session):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_unconfigure(config):
    shutil.rmtree(PLUGINS_DIR, ignore_errors=True)  # only the link: rmtree does not follow it
