"""crowdheat:heatanimation: the day's hours as an animated GIF over a basemap served on loopback;
read back frame by frame with Qt's own GIF reader (an implementation that is not ours)."""

import numpy as np
import processing
import pytest
from qgis.core import QgsProcessingException
from qgis.PyQt.QtGui import QImage, QImageReader

from crowdheat.plugin.gis.animation import rgb_array
from tests.helpers import BLOCK_WKT, polygon_layer
from simulator.tiles import STREET, TileServer


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
