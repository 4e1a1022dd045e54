"""Features into a sink, chunk by chunk: the one place where an output that refuses them becomes
an OutputError, and where a database exporter's buffer is flushed."""

from qgis.core import QgsFeatureSink

from ..core.errors import OutputError


def write(sink, features, what):
    """Add ``features`` to ``sink`` and empty the list (returns how many it held), or raise
    OutputError naming ``what``."""
    count = len(features)
    if features and not (sink.addFeatures(features, QgsFeatureSink.FastInsert) and _flush_buffer(sink)):
        error = sink.lastError() if hasattr(sink, "lastError") else ""
        raise OutputError(
            f"Could not write {what}: {error or 'the output refused them'}. Choose another output (a folder "
            f"with free space, a writable file or table); what was written before stays."
        )
    features.clear()
    return count


def _flush_buffer(sink):
    """A PostGIS (any non-file) output of Processing is a QgsVectorLayerExporter, which keeps up to
    ~100 MB of features by its own estimate (~200 MB in fact) before inserting them. Chunks go to the
    database as they come. Processing wraps it in a proxy sink, which in QGIS 3.22 does not pass
    flushBuffer() on: flush the sink it wraps."""
    target = sink.destinationSink() if hasattr(sink, "destinationSink") else sink
    return target.flushBuffer() if target is not None else True
