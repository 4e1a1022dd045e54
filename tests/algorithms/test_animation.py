"""crowdheat:heatanimation: the day's hours as an animated GIF over a basemap served on loopback;
read back frame by frame with Qt's own GIF reader (an implementation that is not ours)."""

import numpy as np
import processing
import pytest
from qgis.core import QgsProcessingException
from qgis.PyQt.QtGui import QImage, QImageReader

from crowdheat.plugin.gis.animation import rgb_array
from simulator.tiles import STREET, TileServer
from tests.helpers import BLOCK_WKT, polygon_layer


@pytest.fixture(scope="module")
def tiles():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture
def hourly(jike, provider):
    return processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )["OUTPUT"]


def frames_of(path):
    reader = QImageReader(str(path))
    frames = []
    while True:
        image = reader.read()
        if image.isNull():
            break
        frames.append(rgb_array(image.convertToFormat(QImage.Format.Format_RGB888)))
    return frames


def test_a_days_gif_over_a_loopback_basemap(hourly, tiles, tmp_path):
    path = tmp_path / "day.gif"
    result = processing.run(
        "crowdheat:heatanimation",
        {
            "INPUT": hourly,
            "BASEMAP": tiles.template,
            "WIDTH": 1000,
            "HEIGHT": 700,
            "FRAME_MS": 400,
            "OUTPUT": str(path),
        },
    )
    assert result["FRAMES"] == 24
    frames = frames_of(path)
    assert len(frames) == 24 and frames[0].shape == (700, 1000, 3)
    assert tiles.served  # the basemap was asked for, from loopback only
    for frame in frames:  # the streets show in every frame, around the heat
        streets = (np.abs(frame.astype(int) - STREET).sum(axis=2) < 40).mean()
        assert streets > 0.01
    middle = (slice(150, 550), slice(200, 800))  # where the heat is drawn: it changes with the hour
    differing = sum(1 for a, b in zip(frames, frames[1:]) if (a[middle] != b[middle]).any(axis=2).mean() > 0.001)
    assert differing >= 20
    # The legend's classes are the same in every frame (fixed colours): its corner is identical.
    corner = (slice(500, 640), slice(770, 980))
    assert all((f[corner] == frames[0][corner]).all() for f in frames)


def test_an_mp4_without_ffmpeg_says_what_to_do(hourly, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg here
    with pytest.raises(QgsProcessingException, match="ffmpeg"):
        processing.run("crowdheat:heatanimation", {"INPUT": hourly, "OUTPUT": str(tmp_path / "day.mp4")})


def test_an_unknown_basemap_is_refused_with_examples(hourly, tmp_path):
    with pytest.raises(QgsProcessingException, match="osm, gaode"):
        processing.run(
            "crowdheat:heatanimation", {"INPUT": hourly, "BASEMAP": "bing", "OUTPUT": str(tmp_path / "a.gif")}
        )


def test_a_gcj02_basemap_lands_gcj02_heat_on_its_streets_and_warns_about_wgs84(jike, provider, tmp_path):
    """A synthetic GCJ-02 basemap: one street where GCJ-02 puts the middle of a cell. Heat written in
    GCJ-02 numbers lies on it; WGS84 heat lies hundreds of metres off, and the run says so."""
    import numpy as np

    from crowdheat.plugin.core import coords, s2cells
    from crowdheat.plugin.gis.heat_layers import numbers_of
    from tests.helpers import RecordingFeedback

    def heat(coord_out):
        return processing.run(
            "crowdheat:heatmap",
            {
                "INPUT": polygon_layer([BLOCK_WKT]),
                "CELL_LEVEL": 17,
                "COORD_OUT": coord_out,
                "OUTPUT": "memory:",
                "OUTPUT_CELLS": "memory:",
            },
        )["OUTPUT"]

    wgs84, gcj02 = heat(0), heat(1)
    assert (numbers_of(wgs84), numbers_of(gcj02)) == (coords.WGS84, coords.GCJ02)
    cell = next(gcj02.getFeatures())
    ring = s2cells.cell_rings(np.array([int(cell["cell_id"])], dtype=np.uint64))[0]
    street_lng, _ = coords.convert(ring[:4, 0].mean(), ring[:4, 1].mean(), coords.WGS84, coords.GCJ02)
    tiles = TileServer(street_lng=street_lng)
    try:
        base = "gcj02:" + tiles.template

        def crosses_street(layer):
            token = cell["cell_token"]
            same = next(f for f in layer.getFeatures() if f["cell_token"] == token)
            box = same.geometry().boundingBox()
            return box.xMinimum() <= street_lng <= box.xMaximum()

        assert crosses_street(gcj02) and not crosses_street(wgs84)
        streets = {}
        for name, layer, warned in (("gcj02", gcj02, False), ("wgs84", wgs84, True)):
            feedback = RecordingFeedback()
            path = tmp_path / f"{name}.gif"
            processing.run(
                "crowdheat:heatanimation",
                {"INPUT": layer, "BASEMAP": base, "WIDTH": 400, "HEIGHT": 300, "OUTPUT": str(path)},
                feedback=feedback,
            )
            assert ("a few hundred metres apart" in feedback.text()) is warned
            frame = frames_of(path)[0].astype(int)[40:150]  # above the legend, below the heading
            street = (np.abs(frame - STREET).sum(axis=2) < 40).any(axis=0).nonzero()[0]
            heat = ((frame[:, :, 0] - frame[:, :, 1] > 60) & (frame[:, :, 0] > 150)).any(axis=0).nonzero()[0]
            streets[name] = (street.mean(), heat.min(), heat.max())
        # Under GCJ-02 heat the street runs through the heat; WGS84 heat is drawn beside it.
        x, left, right = streets["gcj02"]
        assert left < x < right
        x, left, right = streets["wgs84"]
        assert x > right or x < left
    finally:
        tiles.close()


def test_heatmap_follows_a_gcj02_basemap_unless_told_otherwise(jike, provider):
    from crowdheat.plugin.core import coords
    from crowdheat.plugin.gis.heat_layers import numbers_of
    from tests.helpers import RecordingFeedback

    def fetch(**extra):
        feedback = RecordingFeedback()
        layer = processing.run(
            "crowdheat:heatmap",
            {
                "INPUT": polygon_layer([BLOCK_WKT]),
                "CELL_LEVEL": 17,
                "BASEMAP": "gaode",
                "OUTPUT": "memory:",
                "OUTPUT_CELLS": "memory:",
                **extra,
            },
            feedback=feedback,
        )["OUTPUT"]
        return numbers_of(layer), feedback.text()

    system, text = fetch()  # COORD_OUT left out, as qgis_process or a script leaves it
    assert system == coords.GCJ02 and "written in GCJ-02 numbers" in text
    system, text = fetch(COORD_OUT=0)  # asked for explicitly: done, with a warning
    assert system == coords.WGS84 and "a few hundred metres apart" in text


def test_two_days_of_a_geopackage_each_frame_from_its_own_hour(jike, provider, tmp_path):
    """A heat GeoPackage (the frames read only the asked days' rows, filtered by the provider):
    48 frames from START to END, each showing heat; the user's layer is left as it was."""
    from qgis.core import QgsVectorLayer

    gpkg = tmp_path / "hourly.gpkg"
    processing.run(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([BLOCK_WKT]), "CELL_LEVEL": 17, "OUTPUT": str(gpkg), "OUTPUT_CELLS": "memory:"},
    )
    layer = QgsVectorLayer(str(gpkg), "hourly", "ogr")
    days = sorted({f["date"] for f in layer.getFeatures()})
    first = days[-2].toString("yyyy-MM-dd")
    path = tmp_path / "two.gif"
    result = processing.run(
        "crowdheat:heatanimation",
        {
            "INPUT": layer,
            "START": f"{first}T00:00:00",
            "END": f"{days[-1].addDays(1).toString('yyyy-MM-dd')}T00:00:00",
            "BASEMAP": "none",
            "WIDTH": 400,
            "HEIGHT": 300,
            "OUTPUT": str(path),
        },
    )
    frames = frames_of(path)
    assert result["FRAMES"] == len(frames) == 48
    heat = [((f[:, :, 0].astype(int) - f[:, :, 2]) > 60).mean() for f in frames]  # warm colours drawn
    assert min(heat) > 0.01
    assert layer.opacity() == 1.0 and not layer.subsetString()
