"""The time profile picture, drawn with QtGui alone (no widget: Processing draws it headless too):
24-hour curves, one thin line per day and the mean in bold, beside a day × hour matrix."""

from qgis.PyQt.QtCore import QPointF, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

from ..core.profile import HOURS
from ..i18n import tr

# YlOrRd, as the heat layers: the matrix reads like the map.
RAMP = [
    (255, 255, 204),
    (255, 237, 160),
    (254, 217, 118),
    (254, 178, 76),
    (253, 141, 60),
    (252, 78, 42),
    (227, 26, 28),
    (189, 0, 38),
    (128, 0, 38),
]
MARGIN = 8
AXIS = 46


def ramp_colour(share):
    """The ramp's colour at ``share`` (0…1)."""
    share = min(1.0, max(0.0, share))
    position = share * (len(RAMP) - 1)
    low = int(position)
    high = min(low + 1, len(RAMP) - 1)
    t = position - low
    return QColor(*(round(a + (b - a) * t) for a, b in zip(RAMP[low], RAMP[high])))


class ProfileChart:
    """A :class:`~..core.profile.Profile` as a picture of any size."""

    def __init__(self, profile=None):
        self.profile = profile

    def areas(self, width, height):
        """(curves rectangle, matrix rectangle) inside a picture of width × height."""
        half = (width - 3 * MARGIN) * 0.55
        curves = QRectF(MARGIN + AXIS, MARGIN + 18, half - AXIS, height - 2 * MARGIN - 18 - 18)
        matrix = QRectF(2 * MARGIN + half + 62, MARGIN + 18, width - 3 * MARGIN - half - 62, height - 2 * MARGIN - 36)
        return curves, matrix

    def hit(self, x, y, width, height):
        """(day index or -1 for the curves, hour) under a point of a picture of width × height, or None."""
        if self.profile is None or self.profile.is_empty():
            return None
        curves, matrix = self.areas(width, height)
        if curves.contains(QPointF(x, y)):
            return -1, min(HOURS - 1, int((x - curves.left()) / curves.width() * HOURS))
        if matrix.contains(QPointF(x, y)):
            hour = min(HOURS - 1, int((x - matrix.left()) / matrix.width() * HOURS))
            day = min(len(self.profile.days) - 1, int((y - matrix.top()) / matrix.height() * len(self.profile.days)))
            return day, hour
        return None

    def draw(self, painter, width, height):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor(255, 255, 255))
        font = QFont()
        font.setPointSizeF(8)
        painter.setFont(font)
        profile = self.profile
        if profile is None or profile.is_empty():
            painter.setPen(QColor(90, 90, 90))
            painter.drawText(
                QRectF(0, 0, width, height),
                Qt.AlignmentFlag.AlignCenter,
                tr("Fetch heat, or select cells or zones, to see their hours."),
            )
            return
        curves, matrix = self.areas(width, height)
        painter.setPen(QColor(40, 40, 40))
        painter.drawText(
            QRectF(MARGIN, 2, width - 2 * MARGIN, 16),
            Qt.AlignmentFlag.AlignLeft,
            tr(
                "Heat by hour, {0} (thin: each day, blue on weekdays, red on weekends; bold: the mean; peak {1:02d}:00)"
            ).format(profile.what, profile.peak_hour),
        )
        self._draw_curves(painter, curves)
        self._draw_matrix(painter, matrix)

    def _draw_curves(self, painter, area):
        profile = self.profile
        top = float(profile.heat.max()) or 1.0
        painter.setPen(QPen(QColor(160, 160, 160), 0.8))
        painter.drawRect(area)
        for hour in range(0, HOURS + 1, 6):
            x = area.left() + area.width() * hour / HOURS
            painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            painter.drawText(QRectF(x - 12, area.bottom() + 3, 24, 12), Qt.AlignmentFlag.AlignCenter, f"{hour:02d}")
        painter.drawText(QRectF(2, area.top() - 2, AXIS - 4, 12), Qt.AlignmentFlag.AlignRight, f"{top:,.0f}")
        painter.drawText(QRectF(2, area.bottom() - 10, AXIS - 4, 12), Qt.AlignmentFlag.AlignRight, "0")

        def path(values):
            line = QPainterPath()
            for hour, value in enumerate(values):
                point = QPointF(
                    area.left() + area.width() * (hour + 0.5) / HOURS,
                    area.bottom() - area.height() * float(value) / top,
                )
                line.lineTo(point) if hour else line.moveTo(point)
            return line

        for k, day in enumerate(profile.days):
            weekend = day.weekday() >= 5
            colour = QColor(214, 96, 77, 110) if weekend else QColor(67, 147, 195, 110)
            painter.setPen(QPen(colour, 1.0))
            painter.drawPath(path(profile.heat[k]))
        painter.setPen(QPen(QColor(20, 20, 20), 2.6))
        painter.drawPath(path(profile.mean))

    def _draw_matrix(self, painter, area):
        profile = self.profile
        top = float(profile.heat.max()) or 1.0
        rows = len(profile.days)
        cell_w, cell_h = area.width() / HOURS, area.height() / rows
        painter.setPen(Qt.PenStyle.NoPen)
        for r in range(rows):
            for hour in range(HOURS):
                painter.setBrush(ramp_colour(profile.heat[r, hour] / top))
                painter.drawRect(
                    QRectF(area.left() + hour * cell_w, area.top() + r * cell_h, cell_w + 0.5, cell_h + 0.5)
                )
        painter.setPen(QColor(60, 60, 60))
        step = max(1, rows // 10)
        for r in range(0, rows, step):
            day = profile.days[r]
            label = day.strftime("%m-%d %a")
            painter.drawText(
                QRectF(area.left() - 64, area.top() + r * cell_h, 60, max(cell_h, 10)),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        for hour in range(0, HOURS + 1, 6):
            x = area.left() + cell_w * hour
            painter.drawText(QRectF(x - 12, area.bottom() + 2, 24, 12), Qt.AlignmentFlag.AlignCenter, f"{hour:02d}")

    # -- export ---------------------------------------------------------------------------------
    def image(self, width=900, height=420):
        picture = QImage(width, height, QImage.Format.Format_ARGB32)
        painter = QPainter(picture)
        self.draw(painter, width, height)
        painter.end()
        return picture

    def export_png(self, path, width=900, height=420):
        return self.image(width, height).save(str(path), "PNG")

    def export_svg(self, path, width=900, height=420):
        from qgis.PyQt.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(tr("CrowdHeat time profile"))
        painter = QPainter(generator)
        self.draw(painter, width, height)
        painter.end()
        return True
