"""The thin QGIS layer: geometries to fences, answers to layers, settings and secrets."""
