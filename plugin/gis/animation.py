"""The Temporal Controller's animation as a file: one frame per hour of an hourly heat layer, each
with its date and hour, the layer's legend (the same classes in every frame, so that colours
compare across hours), a scale bar and the attribution of the data and the basemap; written as
an animated GIF (``core/gif.py``), or an MP4 when ffmpeg is on the PATH."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsMapLayerStyle,
    QgsMemoryProviderUtils,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QDateTime, QPointF, QRectF, Qt, QTime
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter, QPen

from ..core.errors import CancelledError, InputError
from ..core.gif import write_gif
from ..i18n import tr
from . import basemaps, heat_layers, print_layout
from .render import render_layers

WEB_MERCATOR = QgsCoordinateReferenceSystem("EPSG:3857")  # the tiles' own: a basemap is never resampled
MARGIN = 0.06  # of the heat's extent, around it


def last_day_hours(layer):
    """The 24 hours of the layer's last date (the last complete day: every row holds a whole day)."""
    index = layer.fields().indexOf("date")
    if index < 0:
        raise InputError(tr("'{0}' is not an hourly heat layer (it has no date field).").format(layer.name()))
    last = layer.maximumValue(index)
    if last is None or (hasattr(last, "isNull") and last.isNull()):
        raise InputError(tr("'{0}' holds no heat.").format(layer.name()))
    start = QDateTime(last, QTime(0, 0))
    return [start.addSecs(3600 * h) for h in range(24)]


def hours_between(time_range: QgsDateTimeRange):
    """The start of each hour from the range's beginning to its end (excluded)."""
    start, end = time_range.begin(), time_range.end()
    hours = []
    while start < end and len(hours) < 24 * 31:
        hours.append(start)
        start = start.addSecs(3600)
    return hours


def frame_extent(layer, size, project=None, legend_pixels=0):
    """The heat's extent in Web Mercator, with a margin, widened to the frame's proportions; with
    ``legend_pixels``, that many columns on the right are left to the legend, clear of the data."""
    transform = QgsCoordinateTransform(layer.crs(), WEB_MERCATOR, project or QgsProject.instance())
    box = transform.transformBoundingBox(layer.extent())
    box.grow(max(box.width(), box.height()) * MARGIN + 50)
    width, height = size[0] - min(legend_pixels, size[0] // 2), size[1]
    if box.width() / box.height() < width / height:
        grow = (box.height() * width / height - box.width()) / 2
        box = QgsRectangle(box.xMinimum() - grow, box.yMinimum(), box.xMaximum() + grow, box.yMaximum())
    else:
        grow = (box.width() * height / width - box.height()) / 2
        box = QgsRectangle(box.xMinimum(), box.yMinimum() - grow, box.xMaximum(), box.yMaximum() + grow)
    right = box.width() * (size[0] - width) / width  # the legend's columns, in map units
    return QgsRectangle(box.xMinimum(), box.yMinimum(), box.xMaximum() + right, box.yMaximum())


def legend_items(layer):
    """(colour, label) of each class of the layer's graduated renderer."""
    renderer = layer.renderer()
    ranges = renderer.ranges() if hasattr(renderer, "ranges") else []
    return [(r.symbol().color(), r.label()) for r in ranges]


def _ground_metres_per_pixel(settings):
    centre = settings.extent().center()
    latitude = math.degrees(2 * math.atan(math.exp(centre.y() / 6378137.0)) - math.pi / 2)
    return settings.mapUnitsPerPixel() * math.cos(math.radians(latitude))


def _nice_length(metres):
    """The largest 1, 2 or 5 × 10^n not over ``metres``."""
    power = 10 ** math.floor(math.log10(max(metres, 1e-9)))
    return max(m * power for m in (1, 2, 5) if m * power <= metres)


def hour_heading(hour):
    """A frame's date and hour, as its heading says them."""
    return tr("{0}, {1:02d}:00–{2:02d}:00 Beijing time").format(
        hour.date().toString("yyyy-MM-dd ddd"), hour.time().hour(), hour.time().hour() + 1
    )


class Overlay:
    """What a map picture carries besides the map: a heading, the legend, a scale bar and the
    attribution (the animation's frames, the demo's picture of located scans)."""

    def __init__(self, legend, attribution_text, legend_title):
        """``legend``: (colour, label) or (colour, label, "line") each."""
        self.legend, self.attribution, self.legend_title = legend, attribution_text, legend_title

    def draw(self, image, settings, heading):
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = image.width(), image.height()
        unit = self.unit(width)
        self._heading(painter, heading, unit)
        self._legend(painter, width, height, unit)
        self._scale_bar(painter, settings, height, unit)
        self._attribution(painter, width, height, unit)
        painter.end()

    @staticmethod
    def _box(painter, rect):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 220))
        painter.drawRoundedRect(rect, 4, 4)

    @staticmethod
    def _font(painter, size, bold=False):
        font = QFont()
        font.setPixelSize(int(size))
        font.setBold(bold)
        painter.setFont(font)
        return painter.fontMetrics()

    def _heading(self, painter, text, unit):
        metrics = self._font(painter, unit * 1.5, bold=True)
        rect = QRectF(unit, unit, metrics.horizontalAdvance(text) + unit, metrics.height() + unit / 2)
        self._box(painter, rect)
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    @staticmethod
    def unit(width):
        return max(10, width // 70)  # text size follows the frame's width

    def legend_pixels(self, width):
        """The columns the legend takes on the right of a frame ``width`` wide (0 without one)."""
        if not self.legend:
            return 0
        canvas = QImage(1, 1, QImage.Format.Format_RGB32)  # held: a painter outliving its image crashes
        painter = QPainter(canvas)
        unit = self.unit(width)
        box_width = self._legend_width(painter, unit)
        painter.end()
        return int(box_width + unit * 2)

    def _legend_width(self, painter, unit):
        title_width = self._font(painter, unit, bold=True).horizontalAdvance(self.legend_title)
        return max(self._labels_width(painter, unit) + unit * 3, title_width) + unit * 1.5

    def _labels_width(self, painter, unit):
        metrics = self._font(painter, unit)
        return max([metrics.horizontalAdvance(item[1]) for item in self.legend] + [0])

    def _legend(self, painter, width, height, unit):
        if not self.legend:
            return
        box_width = self._legend_width(painter, unit)
        text_width = self._labels_width(painter, unit)
        line = painter.fontMetrics().height() + unit * 0.3
        box_height = line * (len(self.legend) + 1) + unit
        rect = QRectF(width - box_width - unit, height - box_height - unit * 3, box_width, box_height)
        self._box(painter, rect)
        painter.setPen(QColor(20, 20, 20))
        self._font(painter, unit, bold=True)
        painter.drawText(QRectF(rect.left() + unit / 2, rect.top() + unit / 2, box_width, line), 0, self.legend_title)
        self._font(painter, unit)
        for n, (colour, label, *kind) in enumerate(self.legend):
            top = rect.top() + unit / 2 + line * (n + 1)
            swatch = QColor(colour)
            swatch.setAlpha(max(swatch.alpha(), 120))  # the zero class, faint on the map, readable here
            if kind == ["line"]:
                painter.setPen(QPen(swatch, max(2, unit // 5)))
                y = top + line / 2
                painter.drawLine(QPointF(rect.left() + unit / 2, y), QPointF(rect.left() + unit * 2.1, y))
            else:
                painter.setPen(QPen(QColor(90, 90, 90), 1))
                painter.setBrush(swatch)
                painter.drawRect(QRectF(rect.left() + unit / 2, top + line * 0.15, unit * 1.6, line * 0.7))
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QRectF(rect.left() + unit * 2.6, top, text_width + unit, line), 0, label)

    def _scale_bar(self, painter, settings, height, unit):
        metres_per_pixel = _ground_metres_per_pixel(settings)
        length = _nice_length(metres_per_pixel * settings.outputSize().width() / 5)
        pixels = length / metres_per_pixel
        text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        metrics = self._font(painter, unit)
        rect = QRectF(
            unit, height - unit * 3 - metrics.height() - unit * 1.5, pixels + unit * 2, metrics.height() + unit * 1.5
        )
        self._box(painter, rect)
        painter.setPen(QPen(QColor(20, 20, 20), max(2, unit // 5)))
        y = rect.bottom() - unit * 0.5
        painter.drawLine(QPointF(rect.left() + unit, y), QPointF(rect.left() + unit + pixels, y))
        for x in (rect.left() + unit, rect.left() + unit + pixels):
            painter.drawLine(QPointF(x, y), QPointF(x, y - unit * 0.5))
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), metrics.height()), Qt.AlignmentFlag.AlignCenter, text
        )

    def _attribution(self, painter, width, height, unit):
        metrics = self._font(painter, unit * 0.8)
        while metrics.horizontalAdvance(self.attribution) > width - unit * 2 and painter.font().pixelSize() > 9:
            metrics = self._font(painter, painter.font().pixelSize() - 1)  # smaller, then on two lines: never cut
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        needed = painter.boundingRect(QRectF(unit / 2, 0, width - unit, height), flags, self.attribution)
        rect = QRectF(0, height - needed.height() - unit / 2, width, needed.height() + unit / 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRect(rect)
        painter.setPen(QColor(40, 40, 40))
        painter.drawText(rect.adjusted(unit / 2, 0, -unit / 2, 0), flags, self.attribution)


def rgb_array(image):
    """A QImage's pixels as a height × width × 3 uint8 array."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def render_frames(layer, hours, size, basemap=None, is_cancelled=None, on_progress=None, project=None):
    """One RGB frame per hour (``hours``: QDateTime starts) of ``layer``, over ``basemap``."""
    heat_layers.ensure_hourly_style(layer)
    heat = frames_layer(layer, hours)
    if basemap is not None:
        heat.setOpacity(basemaps.HEAT_OPACITY)  # the streets show through
    layers = [heat] + ([basemap.layer()] if basemap is not None else [])
    overlay = Overlay(legend_items(layer), frame_attribution(hours, basemap), tr("Hourly heat (relative, Jike)"))
    extent = frame_extent(layer, size, project, overlay.legend_pixels(size[0]))
    frames = []
    for n, hour in enumerate(hours):
        if is_cancelled is not None and is_cancelled():
            raise CancelledError()
        image, settings = render_layers(layers, extent, size, frame_start=hour, project=project, crs=WEB_MERCATOR)
        overlay.draw(image, settings, hour_heading(hour))
        frames.append(rgb_array(image))
        if on_progress is not None:
            on_progress(n + 1, len(hours))
    return frames


def frames_layer(layer, hours):
    """A memory copy of the rows of ``layer`` on the frames' dates, with its style and time
    settings: each frame then filters a day's rows, not every row of the layer (an archive holds
    months), and the user's layer is left as it is."""
    first, last = hours[0].date(), hours[-1].date()
    request = QgsFeatureRequest().setFilterExpression(
        f'"date" >= make_date({first.year()}, {first.month()}, {first.day()}) '
        f'AND "date" <= make_date({last.year()}, {last.month()}, {last.day()})'
    )
    copy = QgsMemoryProviderUtils.createMemoryLayer(layer.name(), layer.fields(), layer.wkbType(), layer.crs())
    copy.dataProvider().addFeatures(list(layer.getFeatures(request)))
    style = QgsMapLayerStyle()
    style.readFromLayer(layer)
    style.writeToLayer(copy)
    return copy


def frame_attribution(hours, basemap):
    """Under every frame: the data's source and dates (as the print layout says them), and the
    basemap's."""
    first, last = hours[0].date().toString("yyyy-MM-dd"), hours[-1].date().toString("yyyy-MM-dd")
    return basemaps.attribution_with(print_layout.attribution(first, last), basemap)


def write_animation(frames, path, frame_ms):
    """``frames`` to ``path``: .gif always; .mp4 through ffmpeg when it is on the PATH."""
    path = str(path)
    if path.lower().endswith(".mp4"):
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            raise InputError(
                tr("An MP4 needs ffmpeg, which is not on the PATH: install it (apt install ffmpeg) or choose a .gif.")
            )
        with tempfile.TemporaryDirectory(prefix="crowdheat-frames-") as folder:
            for n, frame in enumerate(frames):
                height, width = frame.shape[:2]
                image = QImage(frame.tobytes(), width, height, width * 3, QImage.Format.Format_RGB888)
                image.save(os.path.join(folder, f"frame_{n:04d}.png"))
            done = subprocess.run(
                [
                    ffmpeg,
                    "-y",
                    "-loglevel",
                    "error",
                    "-framerate",
                    f"{1000 / frame_ms:g}",
                    "-i",
                    os.path.join(folder, "frame_%04d.png"),
                    "-vf",
                    "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                    "-pix_fmt",
                    "yuv420p",
                    path,
                ],
                capture_output=True,
                text=True,
            )
        if done.returncode != 0:
            raise InputError(tr("ffmpeg could not write {0}: {1}").format(path, done.stderr.strip()[-300:]))
        return os.path.getsize(path)
    return write_gif(path, frames, frame_ms)
