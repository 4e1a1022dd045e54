"""The GIF writer (pure Python and numpy) read back by Qt's own GIF reader: exact palette indices,
through the LZW table's resets (noise fills it fastest) and every code width."""

import numpy as np
from qgis.PyQt.QtGui import QImage, QImageReader

from crowdheat.plugin.core.gif import _lookup, indexed, lzw, palette_for, write_gif
from crowdheat.plugin.gis.animation import rgb_array


def read_back(path):
    reader = QImageReader(str(path))
    frames = []
    while not (image := reader.read()).isNull():
        frames.append(rgb_array(image.convertToFormat(QImage.Format.Format_RGB888)))
    return frames


def test_noise_and_gradients_come_back_exactly_as_their_palette_colours(tmp_path):
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (300, 310, 3), dtype=np.uint8)
    gradient = np.zeros((300, 310, 3), dtype=np.uint8)
    gradient[:, :, 0] = np.arange(310) % 256
    gradient[:, :, 2] = (np.arange(300)[:, None] * 3) % 256
    flat = np.full((300, 310, 3), 200, dtype=np.uint8)
    frames = [noise, gradient, flat]
    write_gif(tmp_path / "a.gif", frames, delay_ms=250)
    palette = palette_for(frames)
    table = _lookup(palette)
    back = read_back(tmp_path / "a.gif")
    assert len(back) == 3
    for original, decoded in zip(frames, back):
        assert (decoded == palette[indexed(original, table)]).all()


def test_the_palette_keeps_the_colours_a_map_uses():
    frame = np.zeros((64, 64, 3), dtype=np.uint8)
    frame[:32] = (189, 0, 38)  # a heat class
    frame[32:] = (0, 150, 160)  # a street
    palette = palette_for([frame])
    table = _lookup(palette)
    assert {tuple(c) for c in palette[indexed(frame, table)].reshape(-1, 3)} == {(189, 0, 38), (0, 150, 160)}


def test_an_empty_frame_list_and_codes_of_nothing():
    assert lzw(b"")[:1]  # a clear code and the end code
    try:
        write_gif("/dev/null", [])
    except ValueError as exc:
        assert "at least one frame" in str(exc)
    else:
        raise AssertionError("no frame must be refused")
