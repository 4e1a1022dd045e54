"""Animated GIFs written without any imaging library: QGIS's Python has no Pillow, and Qt reads
GIF but does not write it.

Frames are RGB arrays (height × width × 3, uint8). One palette of 256 colours serves every frame
(the most used colours, at 5 bits a channel, of a sample of all frames), so a colour means the same
in every frame; pixels are mapped to their nearest palette colour through a 32×32×32 table. Each
frame is LZW-compressed as the GIF89a specification describes (variable code width up to 12
bits, a clear code when the table is full).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

MAX_BITS = 12
MAX_CODES = 1 << MAX_BITS


def palette_for(frames: Sequence[np.ndarray], colours: int = 256) -> np.ndarray:
    """(colours × 3) uint8: the most used colours of the frames, each the mean of its 5-bit bin."""
    sample = np.concatenate([f[::3, ::3].reshape(-1, 3) for f in frames]).astype(np.int64)
    bins = (sample[:, 0] >> 3) << 10 | (sample[:, 1] >> 3) << 5 | (sample[:, 2] >> 3)
    order = np.argsort(bins, kind="stable")
    bins, sample = bins[order], sample[order]
    unique, starts, counts = np.unique(bins, return_index=True, return_counts=True)
    sums = np.add.reduceat(sample, starts, axis=0)
    means = (sums / counts[:, None]).round().astype(np.uint8)
    chosen = np.argsort(-counts, kind="stable")[:colours]
    palette = np.zeros((colours, 3), dtype=np.uint8)
    palette[: chosen.size] = means[chosen]
    return palette


def _lookup(palette: np.ndarray) -> np.ndarray:
    """The nearest palette index of every 5-bit colour bin (32,768 entries)."""
    levels = (np.arange(32) << 3) + 4
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
    centres = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1).astype(np.int32)
    table = np.empty(centres.shape[0], dtype=np.uint8)
    colours = palette.astype(np.int32)
    for start in range(0, centres.shape[0], 4096):  # 4,096 × 256 distances at a time
        block = centres[start : start + 4096]
        distance = ((block[:, None, :] - colours[None, :, :]) ** 2).sum(axis=2)
        table[start : start + 4096] = distance.argmin(axis=1)
    return table


def indexed(frame: np.ndarray, table: np.ndarray) -> np.ndarray:
    """A frame's palette indices (height × width, uint8)."""
    f = frame.astype(np.int32)
    return table[(f[:, :, 0] >> 3) << 10 | (f[:, :, 1] >> 3) << 5 | (f[:, :, 2] >> 3)]


def lzw(indices: bytes, min_code_size: int = 8) -> bytes:
    """The GIF LZW code stream of ``indices`` (codes packed least significant bit first)."""
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    out = bytearray()
    state = {"accum": 0, "bits": 0, "width": min_code_size + 1, "limit": (1 << (min_code_size + 1)) - 1}
    table: dict[int, int] = {}  # (value << MAX_BITS | prefix) -> code
    next_code = end + 1
    reset = False

    def emit(code):
        nonlocal reset
        state["accum"] |= code << state["bits"]
        state["bits"] += state["width"]
        while state["bits"] >= 8:
            out.append(state["accum"] & 0xFF)
            state["accum"] >>= 8
            state["bits"] -= 8
        # The width grows once the next code to be made no longer fits (after this code is out).
        if reset:
            state["width"] = min_code_size + 1
            state["limit"] = (1 << state["width"]) - 1
            reset = False
        elif next_code > state["limit"]:
            state["width"] += 1
            state["limit"] = MAX_CODES if state["width"] == MAX_BITS else (1 << state["width"]) - 1

    emit(clear)
    if not indices:
        emit(end)
    else:
        prefix = indices[0]
        for value in indices[1:]:
            key = value << MAX_BITS | prefix
            code = table.get(key)
            if code is not None:
                prefix = code
                continue
            emit(prefix)
            prefix = value
            if next_code < MAX_CODES:
                table[key] = next_code
                next_code += 1
            else:  # the table is full: start again
                table.clear()
                next_code = end + 1
                reset = True
                emit(clear)
        emit(prefix)
        emit(end)
    if state["bits"]:
        out.append(state["accum"] & 0xFF)
    return bytes(out)


def _blocks(data: bytes) -> bytes:
    parts = [bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)]
    return b"".join(parts) + b"\x00"


def write_gif(path, frames: Sequence[np.ndarray], delay_ms: int = 500, loop: int = 0) -> int:
    """Write ``frames`` (RGB arrays of one size) as an animated GIF shown ``delay_ms`` each, looped
    for ever (``loop`` 0). Returns the file's size in bytes."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    height, width = frames[0].shape[:2]
    palette = palette_for(frames)
    table = _lookup(palette)
    parts = [
        b"GIF89a",
        struct.pack("<HHBBB", width, height, 0xF7, 0, 0),  # a global table of 256 colours
        palette.tobytes(),
        b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\x00",
    ]
    delay = max(2, round(delay_ms / 10))  # hundredths of a second (browsers treat 0–1 as 10)
    for frame in frames:
        if frame.shape[:2] != (height, width):
            raise ValueError("every frame of an animation must have the same size")
        parts.append(b"\x21\xf9\x04\x04" + struct.pack("<H", delay) + b"\x00\x00")  # keep the frame
        parts.append(b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0))
        parts.append(b"\x08" + _blocks(lzw(indexed(frame, table).tobytes())))
    parts.append(b"\x3b")
    data = b"".join(parts)
    with open(path, "wb") as file:
        file.write(data)
    return len(data)
