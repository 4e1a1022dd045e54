"""Several machines on one PostgreSQL archive, tried the way a team runs them: qgis_process
processes, each with its own QGIS profile (no shared local cache), on a real PostGIS cluster,
against the strict Jike simulator. A city's 16 districts (some over the area limit, one
self-intersecting) at level 13."""

import shutil
import signal
import subprocess
import time

import pytest

from simulator.jike import TOKEN
from tests.algorithms.test_qgis_process import QGIS_PROCESS, enable_plugin, profile_env
from tests.boundaries import city_file
from tests.helpers import NOV, window_ending

pytestmark = pytest.mark.slow
HOURS = ", ".join(f"h{h:02d}" for h in range(24))


@pytest.fixture(scope="module")
def machine_profile(plugins_dir, tmp_path_factory):
    profile = tmp_path_factory.mktemp("machine-profile")
    enable_plugin(profile_env(profile, plugins_dir))
    return profile


@pytest.fixture
def launch(jike, city, machine_profile, plugins_dir, tmp_path):
    """launch(name, archive, *extra): heatarchive of the city at level 13 started on one more
    machine (a copy of the enabled profile: its own answers cache), not waited for."""

    def launch(name, archive, *extra):
        profile = tmp_path / f"profile-{name}"
        shutil.copytree(machine_profile, profile)
        env = profile_env(profile, plugins_dir, CROWDHEAT_JIKE_URL=jike.url, CROWDHEAT_JIKE_TOKEN=TOKEN)
        return subprocess.Popen(
            [
                QGIS_PROCESS,
                "--json",
                "run",
                "crowdheat:heatarchive",
                "--",
                f"INPUT={city}",
                "CELL_LEVEL=13",
                f"ARCHIVE={archive}",
                *extra,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return launch


def finish(process):
    out, err = process.communicate(timeout=600)
    return process.returncode, out + err


@pytest.fixture
def city(jike, tmp_path):
    jike.steady, jike.today = True, window_ending(NOV[0])
    return city_file(tmp_path)


def ledger_rows(postgis):
    return int(postgis.sql(postgis.dbname, "SELECT count(*) FROM crowdheat_answers")[0][0])


def cell_days(postgis, table):
    rows = postgis.sql(postgis.dbname, f"SELECT cell_token, date, {HOURS} FROM {table} ORDER BY cell_token, date")
    return [tuple(row) for row in rows]


def gpkg_cell_days(path):
    import sqlite3

    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT cell_token, date, {HOURS} FROM heat_archive ORDER BY cell_token, date").fetchall()
    return [tuple(str(v) for v in row) for row in rows]


def test_three_shards_at_once_equal_one_run_and_pay_no_more(jike, postgis, launch, tmp_path):
    archive = "postgres://" + postgis.uri("city_shards")
    postgis.sql(postgis.dbname, "DROP TABLE IF EXISTS crowdheat_answers")  # another test's answers
    shards = [launch(f"m{k}", archive, f"SHARD={k}/3") for k in (1, 2, 3)]
    outcomes = [finish(p) for p in shards]
    for code, text in outcomes:
        assert code == 0, text[-3000:]
        assert "Traceback" not in text and TOKEN not in text
    shares = [
        next(line for line in text.splitlines() if "Shard " in line and "request(s)" in line) for _, text in outcomes
    ]
    assert all("of the plan's" in share for share in shares)
    by_shards = len(jike.requests)

    jike.requests.clear()
    single = tmp_path / "single.gpkg"
    code, text = finish(launch("single", single))
    assert code == 0, text[-3000:]
    assert by_shards <= len(jike.requests)
    rows = cell_days(postgis, "city_shards")
    assert len(rows) > 1000 and rows == gpkg_cell_days(single)
    assert ledger_rows(postgis) == by_shards


def test_a_killed_shard_rerun_on_another_machine_pays_only_what_was_in_flight(jike, postgis, launch):
    archive = "postgres://" + postgis.uri("city_killed")
    postgis.sql(postgis.dbname, "DROP TABLE IF EXISTS crowdheat_answers")
    jike.latency_s = 0.3  # answers take a while: the kill lands mid-run
    first = launch("doomed", archive)
    give_up = time.monotonic() + 300
    while time.monotonic() < give_up:
        if first.poll() is not None:
            pytest.fail("the run ended before it could be killed: " + first.communicate()[1][-2000:])
        exists = postgis.sql(postgis.dbname, "SELECT to_regclass('crowdheat_answers') IS NOT NULL") == [["t"]]
        if exists and ledger_rows(postgis) >= 4:  # a few answers stored
            break
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    sent_before = len(jike.requests)
    stored = ledger_rows(postgis)
    jike.latency_s = 0.0

    code, text = finish(launch("rescuer", archive))
    assert code == 0, text[-3000:]
    total = ledger_rows(postgis)
    assert stored < total  # it died mid-run
    paid_twice = len(jike.requests) - total
    in_flight = sent_before - stored
    assert 0 <= paid_twice <= in_flight <= 2  # the default concurrency: two requests on their way


def test_two_workers_given_the_same_shard_send_each_request_once(jike, postgis, launch):
    archive = "postgres://" + postgis.uri("city_twice")
    postgis.sql(postgis.dbname, "DROP TABLE IF EXISTS crowdheat_answers")
    jike.latency_s = 0.1
    both = [launch(f"w{k}", archive, "SHARD=2/3") for k in (1, 2)]
    outcomes = [finish(p) for p in both]
    jike.latency_s = 0.0
    for code, text in outcomes:
        assert code == 0, text[-3000:]
    assert len(jike.requests) == ledger_rows(postgis)
