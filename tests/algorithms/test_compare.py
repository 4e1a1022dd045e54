"""crowdheat:heatcompare on an archive built run after run (real QGIS, real HTTP on loopback,
real GeoPackage files): its means checked against SQL on the archive itself, an event day found."""

import sqlite3
import statistics

import processing
import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from tests.helpers import BLOCK_WKT, NOV, RecordingFeedback, archive_run, polygon_layer

EVENT = NOV[24]  # Tuesday 25 Nov 2025: three times the crowd


@pytest.fixture
def november(jike, provider, tmp_path):
    """An archive of 1–30 Nov from three runs ten days apart, with an event on 25 Nov."""
    archive = tmp_path / "november.gpkg"
    for first in (NOV[0], NOV[10], NOV[20]):
        archive_run(jike, tmp_path, archive, first, events={EVENT: 3.0})
    return archive


def run_compare(archive, tmp_path, **parameters):
    feedback = RecordingFeedback()
    result = processing.run(
        "crowdheat:heatcompare",
        {
            "INPUT": str(archive),
            "OUTPUT": str(tmp_path / "compared.gpkg"),
            "ANOMALIES": str(tmp_path / "anomalies.gpkg"),
            **parameters,
        },
        feedback=feedback,
    )
    return result, feedback


def features(path):
    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid()
    names = layer.fields().names()
    return layer, [dict(zip(names, f.attributes())) for f in layer.getFeatures()]


def sql_means(archive, first, last):
    """Per cell: the sum of day_heat over [first, last] / the dates with any data there, by SQL."""
    with sqlite3.connect(archive) as db:
        (days,) = db.execute(
            "SELECT count(DISTINCT date) FROM heat_archive WHERE date BETWEEN ? AND ?", (first, last)
        ).fetchone()
        sums = dict(
            db.execute(
                "SELECT c.cell_token, coalesce((SELECT sum(day_heat) FROM heat_archive h WHERE h.cell_token = "
                "c.cell_token AND h.date BETWEEN ? AND ?), 0) FROM (SELECT DISTINCT cell_token FROM heat_archive) c",
                (first, last),
            )
        )
    return {token: total / days for token, total in sums.items()}, days


def test_compared_means_equal_sql_on_the_archive_and_the_event_day_stands_out(november, tmp_path):
    result, feedback = run_compare(
        november, tmp_path, PERIOD_A="2025-11-01..2025-11-21", PERIOD_B="2025-11-22..2025-11-30"
    )
    assert (result["DAYS_A"], result["DAYS_B"]) == (21, 9)
    mean_a, _ = sql_means(november, "2025-11-01", "2025-11-21")
    mean_b, _ = sql_means(november, "2025-11-22", "2025-11-30")
    layer, rows = features(result["OUTPUT"])
    assert result["UNITS"] == len(rows) == len(mean_a) > 5
    for row in rows:
        token = row["cell_token"]
        assert row["mean_a"] == pytest.approx(mean_a[token], abs=1e-9)
        assert row["mean_b"] == pytest.approx(mean_b[token], abs=1e-9)
        assert row["diff"] == pytest.approx(mean_b[token] - mean_a[token], abs=1e-9)
        assert sum(row[f"diff_h{h:02d}"] for h in range(24)) == pytest.approx(row["diff"], abs=1e-6)
    assert layer.renderer().type() == "graduatedSymbol" and layer.renderer().classAttribute() == "diff"

    anomalies, days = features(result["ANOMALIES"])
    assert len(days) == 9 * len(rows)  # every cell on every date of B
    assert anomalies.renderer().classAttribute() == "z_day"
    anomalies.loadDefaultStyle()  # what restore_time_settings does for a layer made in Python (QGIS 3.22)
    assert anomalies.temporalProperties().isActive()
    by_date = {}
    for day in days:
        by_date.setdefault(str(day["date"].toPyDate()), []).append(day["z_day"])
    medians = {date: statistics.median(z) for date, z in by_date.items()}
    assert max(medians, key=medians.get) == str(EVENT) and medians[str(EVENT)] > 3
    assert all(abs(z) < 2 for date, z in medians.items() if date != str(EVENT))
    assert "The strongest day anomaly" in feedback.text() and "2025-11-25" in feedback.text()


def test_presets_and_zones_compare_the_same_heat(november, tmp_path):
    result, _ = run_compare(november, tmp_path, PRESET=2)  # the 7 days before against the last 7
    assert (result["DAYS_A"], result["DAYS_B"]) == (7, 7)
    mean_b, _ = sql_means(november, "2025-11-24", "2025-11-30")
    _, rows = features(result["OUTPUT"])
    assert {r["period_b"] for r in rows} == {"2025-11-24..2025-11-30"}
    assert all(r["mean_b"] == pytest.approx(mean_b[r["cell_token"]], abs=1e-9) for r in rows)

    # Per zone: two halves of the block; area-weighted shares conserve heat, so the zones' means add up.
    west = "POLYGON((114.050 22.535, 114.0565 22.535, 114.0565 22.547, 114.050 22.547, 114.050 22.535))"
    east = "POLYGON((114.0565 22.535, 114.063 22.535, 114.063 22.547, 114.0565 22.547, 114.0565 22.535))"
    zones = polygon_layer([west, east], name="halves")
    (tmp_path / "z").mkdir()
    by_zone, _ = run_compare(
        november,
        tmp_path / "z",
        ZONES=zones,
        PERIOD_A="2025-11-01..2025-11-21",
        PERIOD_B="2025-11-22..2025-11-30",
    )
    _, zone_rows = features(by_zone["OUTPUT"])
    cells_a, _ = sql_means(november, "2025-11-01", "2025-11-21")
    assert len(zone_rows) == 2 and {r["zone_fid"] for r in zone_rows} == {1, 2}
    assert sum(r["mean_a"] for r in zone_rows) == pytest.approx(sum(cells_a.values()), rel=1e-9)
    _, zone_days = features(by_zone["ANOMALIES"])
    assert len(zone_days) == 2 * 9


def test_an_hourly_layer_compares_weekdays_with_the_weekend(jike, provider, tmp_path):
    hourly = processing.run(
        "crowdheat:heatmap",
        {
            "INPUT": polygon_layer([BLOCK_WKT]),
            "OUTPUT": str(tmp_path / "hourly.gpkg"),
            "OUTPUT_CELLS": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    result, _ = run_compare(hourly, tmp_path, PRESET=1)
    assert result["DAYS_A"] + result["DAYS_B"] == 9 and result["DAYS_B"] >= 2  # the simulator leaves out one day
    _, rows = features(result["OUTPUT"])
    assert rows and all(r["period_a"] == "weekdays" for r in rows)


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"PERIOD_A": "1-21 Nov", "PERIOD_B": "2025-11-22..2025-11-30"}, "write it as YYYY-MM-DD..YYYY-MM-DD"),
        ({"PERIOD_A": "2025-10-01..2025-10-09", "PERIOD_B": "2025-11-22"}, "the input holds 2025-11-01 – 2025-11-30"),
    ],
)
def test_periods_that_cannot_be_used_say_how_to_write_them(november, tmp_path, parameters, message):
    with pytest.raises(QgsProcessingException, match=message):
        run_compare(november, tmp_path, **parameters)
