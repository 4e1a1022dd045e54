"""The time profile chart in the dock: the picture of ``gis/profile_chart.py`` at the widget's
size; a click on an hour (or on a day × hour square) asks for that frame."""

from qgis.PyQt.QtCore import QSize, pyqtSignal
from qgis.PyQt.QtGui import QPainter
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from ..gis.profile_chart import ProfileChart
from ..i18n import tr


class TimeProfileChart(QWidget):
    """``hourClicked(day_index or -1, hour)``: -1 when the click was on the curves (no day)."""

    hourClicked = pyqtSignal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.picture = ProfileChart()
        self.setMinimumSize(QSize(320, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(tr("Click an hour to show it on the map (Temporal Controller)."))

    @property
    def profile(self):
        return self.picture.profile

    def set_profile(self, profile):
        self.picture.profile = profile
        self.update()

    def areas(self):
        return self.picture.areas(self.width(), self.height())

    def mousePressEvent(self, event):
        found = self.picture.hit(event.pos().x(), event.pos().y(), self.width(), self.height())
        if found is not None:
            self.hourClicked.emit(*found)

    def paintEvent(self, event):
        painter = QPainter(self)
        self.picture.draw(painter, self.width(), self.height())
        painter.end()

    def export_png(self, path):
        return self.picture.export_png(path)

    def export_svg(self, path):
        return self.picture.export_svg(path)
