"""Map tool: press at the centre, drag to the radius, release. The radius shows while dragging."""

import math

from qgis.core import QgsDistanceArea, QgsGeometry, QgsPointXY, QgsProject, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor


class CircleMapTool(QgsMapTool):
    # centre (map CRS), radius in metres
    circleDrawn = pyqtSignal(QgsPointXY, float)
    radiusChanged = pyqtSignal(float)

    def __init__(self, canvas):
        super().__init__(canvas)
        self.center = None
        self.band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.band.setColor(QColor(215, 48, 31, 160))
        self.band.setFillColor(QColor(252, 141, 89, 60))
        self.band.setWidth(2)
        self.measure = QgsDistanceArea()
        self.setCursor(Qt.CursorShape.CrossCursor)

    def _radius_m(self, point):
        self.measure.setSourceCrs(
            self.canvas().mapSettings().destinationCrs(), QgsProject.instance().transformContext()
        )
        self.measure.setEllipsoid(QgsProject.instance().ellipsoid() or "WGS84")
        return self.measure.measureLine(self.center, point)

    def canvasPressEvent(self, event):
        self.center = self.toMapCoordinates(event.pos())

    def canvasMoveEvent(self, event):
        if self.center is None:
            return
        point = self.toMapCoordinates(event.pos())
        radius_map = math.hypot(point.x() - self.center.x(), point.y() - self.center.y())
        self.band.setToGeometry(QgsGeometry.fromPointXY(self.center).buffer(radius_map, 36), None)
        self.radiusChanged.emit(self._radius_m(point))

    def canvasReleaseEvent(self, event):
        if self.center is None:
            return
        point = self.toMapCoordinates(event.pos())
        radius = self._radius_m(point)
        center, self.center = self.center, None
        if radius > 0:
            self.circleDrawn.emit(center, radius)

    def clear(self):
        self.band.reset(QgsWkbTypes.PolygonGeometry)

    def deactivate(self):
        self.center = None
        super().deactivate()
