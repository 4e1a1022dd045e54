"""Memory layers kept: written into one GeoPackage, each then reading from its own table there
(memory layers are lost with the session)."""

from qgis.core import QgsVectorFileWriter

from ..core.errors import OutputError
from ..i18n import tr


def table_name(layer):
    return layer.name().lower().replace(" ", "_")


def save_layers(layers, path, transform_context):
    """Write ``layers`` into the GeoPackage ``path`` (created or replaced; '.gpkg' added when
    missing) and point each layer at its table. Returns the path; OutputError when GDAL refuses."""
    path = str(path)
    if not path.lower().endswith(".gpkg"):
        path += ".gpkg"
    for n, layer in enumerate(layers):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = table_name(layer)
        options.actionOnExistingFile = (
            QgsVectorFileWriter.CreateOrOverwriteFile if n == 0 else QgsVectorFileWriter.CreateOrOverwriteLayer
        )
        error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, transform_context, options)
        if error != QgsVectorFileWriter.NoError:
            raise OutputError(tr("Could not save {0} into {1}: {2}").format(layer.name(), path, message))
        layer.setDataSource(f"{path}|layername={options.layerName}", layer.name(), "ogr")
    return path
