"""crowdheat:heatarchive: runs days apart build one archive (real QGIS, real HTTP on loopback,
real GeoPackage files): each (cell, date) once, equal to the latest answer."""

import datetime as dt
import sqlite3
import subprocess

import processing
import pytest
from qgis.core import QgsProcessingException, QgsProject, QgsVectorLayer

from crowdheat.plugin.gis.default_styles import restore_time_settings
from crowdheat.plugin.gis.heat_layers import HOUR_FIELDS
from tests.helpers import NOV, archive_run, polygon_layer


def rows(archive):
    with sqlite3.connect(archive) as db:
        return {
            (token, date): (hours, first, last, revisions)
            for token, date, *hours, first, last, revisions in db.execute(
                f"SELECT cell_token, date, {', '.join(HOUR_FIELDS)}, first_fetched, last_fetched, revisions "
                "FROM heat_archive"
            )
        }


def test_four_runs_days_apart_build_one_archive_of_the_latest_answers(jike, provider, tmp_path):
    archive = tmp_path / "archive.gpkg"
    first, feedback = archive_run(jike, tmp_path, archive, NOV[0])  # 1–10 Nov
    cells = first["ADDED"] // 10
    assert cells > 5 and first["ADDED"] == 10 * cells and first["UNCHANGED"] == first["REVISED"] == 0
    assert first["GAP_DAYS"] == 0
    second, _ = archive_run(jike, tmp_path, archive, NOV[5])  # 6–15 Nov
    assert (second["ADDED"], second["UNCHANGED"], second["REVISED"]) == (5 * cells, 5 * cells, 0)
    before = rows(archive)
    third, _ = archive_run(jike, tmp_path, archive, NOV[5], revised={NOV[7]})  # 8 Nov revised
    assert (third["ADDED"], third["UNCHANGED"], third["REVISED"]) == (0, 9 * cells, cells)
    fourth, feedback = archive_run(jike, tmp_path, archive, NOV[19])  # 20–29 Nov
    assert (fourth["ADDED"], fourth["REVISED"]) == (10 * cells, 0)
    assert fourth["GAP_DAYS"] == 4 and fourth["GAP_DATES"] == "2025-11-16,2025-11-17,2025-11-18,2025-11-19"
    assert "no data (runs more than 10 days apart): 2025-11-16" in feedback.text()

    after = rows(archive)
    dates = sorted({date for _, date in after})
    assert len(dates) == 25 and len(after) == 25 * cells  # each (cell, date) once
    for (token, date), (hours, first_at, last_at, revisions) in after.items():
        if date == "2025-11-08":
            old_hours = before[(token, date)][0]
            assert revisions == 1 and hours == [int(h * 1.5 + 1) for h in old_hours] and last_at > first_at
        else:
            assert revisions == 0 and last_at == first_at
    # The database itself refuses a cell-day twice: a unique index on (cell_token, date).
    with sqlite3.connect(archive) as db:
        unique = [name for _, name, is_unique, *_ in db.execute("PRAGMA index_list('heat_archive')") if is_unique]
        keys = [[column for *_, column in db.execute(f"PRAGMA index_info('{name}')")] for name in unique]
    assert ["cell_token", "date"] in keys


def test_an_archive_opens_styled_and_animated_over_its_whole_span(jike, provider, tmp_path):
    archive = tmp_path / "archive.gpkg"
    archive_run(jike, tmp_path, archive, NOV[0])
    archive_run(jike, tmp_path, archive, NOV[19])
    layer = QgsVectorLayer(str(archive), "archive", "ogr")
    assert layer.isValid() and layer.renderer().type() == "graduatedSymbol"
    project = QgsProject()
    project.addMapLayer(layer)
    restore_time_settings([layer], project)
    assert layer.temporalProperties().isActive()
    span = project.timeSettings().temporalRange()
    assert span.begin().date().toPyDate() == NOV[0] and span.end().date().toPyDate() == dt.date(2025, 11, 30)


def test_an_archive_refuses_another_level_or_other_features(jike, provider, tmp_path):
    archive = tmp_path / "archive.gpkg"
    archive_run(jike, tmp_path, archive, NOV[0])
    with pytest.raises(QgsProcessingException, match="level 16 .this run: 17."):
        archive_run(jike, tmp_path, archive, NOV[5], level=17)
    requests = len(jike.requests)
    with pytest.raises(QgsProcessingException, match="needs a fixed S2 cell level"):
        archive_run(jike, tmp_path, tmp_path / "auto.gpkg", NOV[5], level=0)
    assert len(jike.requests) == requests  # refused before anything is paid
    other = polygon_layer(["POLYGON((114.05 22.53, 114.06 22.53, 114.06 22.54, 114.05 22.54, 114.05 22.53))"])
    with pytest.raises(QgsProcessingException, match="never mixes"):
        archive_run(jike, tmp_path, archive, NOV[5], layer=other)
    # Kept apart: another table of the same file.
    result, _ = archive_run(jike, tmp_path, f"ogr:dbname='{archive}' table=\"other\" (geom)", NOV[5], layer=other)
    assert result["ADDED"] > 0
    assert len(rows(archive)) == 10 * (len(rows(archive)) // 10)


def test_an_archive_must_be_a_database(jike, provider, tmp_path):
    with pytest.raises(QgsProcessingException, match="GeoPackage"):
        archive_run(jike, tmp_path, tmp_path / "archive.shp", NOV[0])


def test_the_same_four_runs_into_postgis_keep_each_cell_day_once_by_the_database_key(jike, provider, postgis, tmp_path):
    archive = "postgres://" + postgis.uri("nov_archive")
    first, _ = archive_run(jike, tmp_path, archive, NOV[0])
    cells = first["ADDED"] // 10
    assert cells > 5 and first["ADDED"] == 10 * cells
    second, _ = archive_run(jike, tmp_path, archive, NOV[5])
    assert (second["ADDED"], second["UNCHANGED"], second["REVISED"]) == (5 * cells, 5 * cells, 0)
    third, _ = archive_run(jike, tmp_path, archive, NOV[5], revised={NOV[7]})
    assert (third["ADDED"], third["UNCHANGED"], third["REVISED"]) == (0, 9 * cells, cells)
    fourth, _ = archive_run(jike, tmp_path, archive, NOV[19])
    assert (fourth["ADDED"], fourth["REVISED"], fourth["GAP_DAYS"]) == (10 * cells, 0, 4)

    ((count, distinct, dates, revised),) = postgis.sql(
        postgis.dbname,
        "SELECT count(*), count(DISTINCT (cell_token, date)), count(DISTINCT date), "
        "sum(CASE WHEN revisions = 1 AND date = '2025-11-08' THEN 1 ELSE 0 END) FROM nov_archive",
    )
    assert (int(count), int(distinct), int(dates), int(revised)) == (25 * cells, 25 * cells, 25, cells)
    # The database refuses a second row for a cell-day, whoever writes it.
    with pytest.raises(subprocess.CalledProcessError) as refused:
        postgis.sql(
            postgis.dbname,
            "INSERT INTO nov_archive (cell_token, date, geom) SELECT cell_token, date, geom FROM nov_archive LIMIT 1",
        )
    assert "duplicate key" in refused.value.stderr
    assert postgis.sql(postgis.dbname, "SELECT count(*) FROM pg_tables WHERE tablename LIKE '%staging%'") == [["0"]]
    # Opened from the database (the Browser's way), it is styled and plays over its whole span.
    layer = QgsVectorLayer(postgis.uri("nov_archive"), "archive", "postgres")
    project = QgsProject()
    project.addMapLayer(layer)
    assert restore_time_settings([layer], project) == [layer]
    assert layer.renderer().type() == "graduatedSymbol"
    span = project.timeSettings().temporalRange()
    assert span.begin().date().toPyDate() == NOV[0] and span.end().date().toPyDate() == dt.date(2025, 11, 30)


def test_the_time_profile_and_heat_by_zone_read_an_archive(jike, provider, tmp_path):
    archive = tmp_path / "archive.gpkg"
    archive_run(jike, tmp_path, archive, NOV[0])
    archive_run(jike, tmp_path, archive, NOV[19])
    chart = tmp_path / "profile.png"
    processing.run("crowdheat:timeprofile", {"INPUT": str(archive), "OUTPUT": str(chart)})
    assert chart.stat().st_size > 5000
    zone = "POLYGON((114.05 22.53, 114.07 22.53, 114.07 22.55, 114.05 22.55, 114.05 22.53))"
    result = processing.run(
        "crowdheat:heatbyzone",
        {"INPUT": str(archive), "ZONES": polygon_layer([zone]), "OUTPUT": "memory:", "OUTPUT_HOURS": "memory:"},
    )
    (row,) = result["OUTPUT"].getFeatures()
    with sqlite3.connect(archive) as db:
        (total,) = db.execute("SELECT sum(day_heat) FROM heat_archive").fetchone()
    assert row["heat_total"] == pytest.approx(total) and row["mean_day"] == pytest.approx(total / 20)
    assert result["OUTPUT_HOURS"].featureCount() == 20 * 24
