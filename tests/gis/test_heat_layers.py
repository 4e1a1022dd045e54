"""The hourly layer animated by time: real renders of real frames, pixel colours checked per cell."""

import json

import pytest
from qgis.core import QgsInterval, QgsPointXY, QgsProject, QgsTemporalNavigationObject, QgsUnitTypes
from qgis.PyQt.QtCore import QDate, QDateTime, QTime
from qgis.PyQt.QtGui import QColor

from crowdheat.plugin.core.fence import make_ring_fence
from crowdheat.plugin.core.heat_answer import parse_heat_response
from crowdheat.plugin.core.heat_job import HeatReport
from crowdheat.plugin.gis import heat_layers
from crowdheat.plugin.gis.render import render_layers
from simulator.jike import SAMPLE_REQUEST, SAMPLE_RESPONSE


def write_heat(results, hourly_sink=None, cells_sink=None):
    """Write HeatData held in memory; returns (hourly features, cell features) written."""
    writer = heat_layers.HeatWriter(hourly_sink, cells_sink)
    for data in results:
        writer(data)
    return writer.hourly, writer.cells


DAY = QDate(2025, 4, 16)
SAMPLE_FENCE = make_ring_fence(1, json.loads(SAMPLE_REQUEST.read_text())["fence"])


@pytest.fixture(scope="module")
def layers(qgis_app):
    data = parse_heat_response(SAMPLE_RESPONSE.read_bytes(), SAMPLE_FENCE)
    run = HeatReport()
    run.record(data)
    hourly, cells = heat_layers.memory_layers()
    write_heat([data], hourly.dataProvider(), cells.dataProvider())
    heat_layers.style_run_layers(run, hourly, cells)
    return run, hourly, cells


def render(layer, hour=None, size=300):
    start = QDateTime(DAY, QTime(hour, 0)) if hour is not None else None
    return render_layers([layer], layer.extent().buffered(0.00005), (size, size), frame_start=start)


def colour_at(image, settings, lng, lat):
    point = settings.mapToPixel().transform(QgsPointXY(lng, lat))
    return QColor(image.pixel(int(point.x()), int(point.y())))


def cell_values(layer, day, field):
    return {f["cell_token"]: (f[field], f) for f in layer.getFeatures() if f["date"] == day}


def expected_colour(layer, value):
    symbol = layer.renderer().symbolForValue(value)
    return symbol.color()


def test_two_hours_render_differently_and_show_the_expected_cells(layers):
    _, hourly, _ = layers
    night, night_settings = render(hourly, hour=3)
    noon, noon_settings = render(hourly, hour=12)
    assert night != noon
    for hour, image, settings in ((3, night, night_settings), (12, noon, noon_settings)):
        for token, (value, feature) in cell_values(hourly, DAY, f"h{hour:02d}").items():
            centre = feature.geometry().centroid().asPoint()
            got = colour_at(image, settings, centre.x(), centre.y())
            want = expected_colour(hourly, value)
            if value == 0:
                assert got.red() > 200 and got.green() > 200  # pale zero class over white
            else:
                assert (got.red(), got.green(), got.blue()) == (want.red(), want.green(), want.blue()), (hour, token)


def test_a_day_without_data_renders_nothing(layers):
    _, hourly, _ = layers
    global DAY
    saved, DAY = DAY, QDate(2025, 4, 23)  # after the data's last day
    try:
        image, _ = render(hourly, hour=12)
    finally:
        DAY = saved
    colours = {image.pixel(x, y) for x in range(0, 300, 10) for y in range(0, 300, 10)}
    assert colours == {QColor(255, 255, 255).rgb()}


def test_without_time_the_colour_is_a_day_mean(layers):
    _, hourly, _ = layers
    image, settings = render(hourly, hour=None)
    by_cell = {}
    for feature in hourly.getFeatures():
        colour = expected_colour(hourly, feature["day_heat"] / 24.0)
        by_cell.setdefault(feature["cell_token"], (feature, set()))[1].add(colour.rgb())
    for feature, colours in by_cell.values():
        centre = feature.geometry().centroid().asPoint()
        assert colour_at(image, settings, centre.x(), centre.y()).rgb() in colours


def test_canvas_temporal_controller_is_set_to_hours(layers, qgis_app):
    run, _, _ = layers
    navigation = QgsTemporalNavigationObject()
    project = QgsProject.instance()
    heat_layers.set_project_time(project, heat_layers.time_range(run))
    heat_layers.set_canvas_time(navigation, heat_layers.time_range(run))
    assert navigation.navigationMode() == QgsTemporalNavigationObject.Animated
    assert navigation.frameDuration() == QgsInterval(1, QgsUnitTypes.TemporalHours)
    assert navigation.totalFrameCount() == 9 * 24
    first = navigation.dateTimeRangeForFrameNumber(0)
    assert first.begin() == QDateTime(QDate(2025, 4, 14), QTime(0, 0))
    assert first.end() == QDateTime(QDate(2025, 4, 14), QTime(1, 0))
    assert project.timeSettings().timeStepUnit() == QgsUnitTypes.TemporalHours


def test_class_breaks_equal_numpy_quantiles():
    import numpy as np

    rng = np.random.default_rng(1)
    for values in (rng.poisson(3, 10_000), rng.integers(0, 500, 777), np.array([0, 0, 5]), np.array([7])):
        positive = values[values > 0].astype(float)
        expected = np.unique(np.quantile(positive, np.linspace(0, 1, 7)[1:], method="higher"))
        assert heat_layers.class_breaks(values) == [0.0] + [float(v) for v in expected]
    assert heat_layers.class_breaks([0, 0]) == [0.0]
    assert heat_layers.class_breaks([0.5, 1.5, 2.5])[-1] == 2.5  # non-integers: numpy's own quantiles


def test_a_second_run_widens_the_project_range_instead_of_replacing_it(qgis_app):
    from qgis.core import QgsDateTimeRange

    project = QgsProject()
    first = QgsDateTimeRange(QDateTime(QDate(2025, 4, 11), QTime(0, 0)), QDateTime(QDate(2025, 4, 20), QTime(0, 0)))
    second = QgsDateTimeRange(QDateTime(QDate(2025, 4, 12), QTime(0, 0)), QDateTime(QDate(2025, 4, 21), QTime(0, 0)))
    heat_layers.show_in_time(first, project)
    heat_layers.show_in_time(second, project)
    result = project.timeSettings().temporalRange()
    assert result.begin().date() == QDate(2025, 4, 11) and result.end().date() == QDate(2025, 4, 21)
