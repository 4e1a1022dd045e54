"""Small builders shared by the QGIS tests."""

import datetime as dt
import json

from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsProcessingFeedback, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant

from simulator.jike import SAMPLE_REQUEST

SAMPLE_RING = json.loads(SAMPLE_REQUEST.read_text())["fence"]
SAMPLE_WKT = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in SAMPLE_RING) + "))"
# A ~300 m × 220 m block in Futian, Shenzhen.
BLOCK_WKT = "POLYGON((114.055 22.540, 114.058 22.540, 114.058 22.542, 114.055 22.542, 114.055 22.540))"


def polygon_layer(wkts, crs="EPSG:4326", name="fences"):
    layer = QgsVectorLayer(f"Polygon?crs={crs}", name, "memory")
    layer.dataProvider().addAttributes([QgsField("name", QVariant.String)])
    layer.updateFields()
    features = []
    for n, wkt in enumerate(wkts):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt) if isinstance(wkt, str) else wkt)
        feature.setAttributes([f"fence {n}"])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


class RecordingFeedback(QgsProcessingFeedback):
    """Processing feedback that keeps every line it is given (info, warnings, errors)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):
        self.lines.append(info)

    def pushWarning(self, warning):
        self.lines.append(warning)

    def reportError(self, error, fatalError=False):
        self.lines.append(error)

    def text(self):
        return "\n".join(self.lines)


def planned(tab, qtbot, timeout=30000):
    """Wait until the dock's Heat tab has planned what Fetch would run (in a task, after a burst)."""
    qtbot.waitUntil(lambda: not tab.planning(), timeout=timeout)
    return tab.plan


def write_vector(layer, path, driver="GPKG", crs=None):
    """``layer`` written to ``path`` by QGIS's writer (``driver``), reprojected to ``crs`` if given."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = driver
    if crs:
        options.ct = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem(crs), QgsProject.instance())
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.NoError, error


def shapefile_without_prj(layer, path, crs=None):
    """``layer`` as an ESRI shapefile (reprojected to ``crs``), and its .prj removed, as when a
    shapefile is copied without it."""
    write_vector(layer, path, "ESRI Shapefile", crs)
    path.with_suffix(".prj").unlink()
    opened = QgsVectorLayer(str(path), path.stem, "ogr")
    assert opened.isValid() and not opened.crs().isValid()
    return opened


# -- archive runs days apart on the steady simulator -----------------------------------------------

ARCHIVE_LEVEL = 16
NOV = [dt.date(2025, 11, d) for d in range(1, 31)]


def window_ending(first_date):
    """The simulator's 'today' for which the service answers first_date … first_date + 9."""
    return first_date + dt.timedelta(days=14)


def forget_ledger(archive):
    """Empty the answers ledger of a PostgreSQL archive's database (runs on simulated days)."""
    from crowdheat.plugin.gis import archive_postgres
    from crowdheat.plugin.gis.heat_archive import Destination

    destination = Destination(str(archive))
    db = archive_postgres.connect(destination)
    try:
        with db, db.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", (f"{destination.schema}.crowdheat_answers",))
            if cursor.fetchone()[0] is not None:
                cursor.execute(f'DELETE FROM "{destination.schema}".crowdheat_answers')
    finally:
        db.close()


def archive_run(jike, tmp_path, archive, first_date, revised=(), layer=None, level=ARCHIVE_LEVEL, events=None):
    """One crowdheat:heatarchive run on the day the service answers ``first_date`` + 10 days; a
    fresh answers cache, as runs days apart ask on other days. (result, feedback)."""
    import processing
    from qgis.core import QgsSettings

    jike.steady, jike.today, jike.revised = True, window_ending(first_date), frozenset(revised)
    jike.events = dict(events or {})
    cache = tmp_path / f"answers-{first_date}-{len(list(tmp_path.glob('answers-*')))}.sqlite"
    QgsSettings().setValue("crowdheat/jike/cache_path", str(cache))
    if str(archive).startswith("postgres://"):
        forget_ledger(archive)  # its answers are keyed by the real day, and this run plays another
    feedback = RecordingFeedback()
    result = processing.run(
        "crowdheat:heatarchive",
        {"INPUT": layer or polygon_layer([BLOCK_WKT]), "CELL_LEVEL": level, "ARCHIVE": str(archive)},
        feedback=feedback,
    )
    return result, feedback
