"""Render layers to an image as the canvas would, optionally at one Temporal Controller frame
(the demo's pictures, the animation's frames).

The canvas and print layouts give the renderer the map-settings expression scope; a custom render
must add it too, or ``@map_start_time`` is NULL and the hourly layer shows each day's mean hour.
"""

from qgis.core import (
    QgsDateTimeRange,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def render_layers(layers, extent, size=(300, 300), frame_start=None, frame_seconds=3600, project=None, crs=None):
    """(QImage, QgsMapSettings) of ``layers`` (top first) over ``extent`` in ``crs`` (the first
    layer's by default).

    With ``frame_start`` (a QDateTime), the frame [start, start + frame_seconds) is shown.
    """
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs or layers[0].crs())
    settings.setOutputSize(QSize(*size))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(extent)
    if frame_start is not None:
        settings.setIsTemporal(True)
        settings.setTemporalRange(QgsDateTimeRange(frame_start, frame_start.addSecs(frame_seconds), True, False))
    context = QgsExpressionContext()
    context.appendScopes(
        [
            QgsExpressionContextUtils.globalScope(),
            QgsExpressionContextUtils.projectScope(project or QgsProject.instance()),
            QgsExpressionContextUtils.mapSettingsScope(settings),
        ]
    )
    settings.setExpressionContext(context)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), settings
