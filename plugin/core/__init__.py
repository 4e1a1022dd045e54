"""The pure core of CrowdHeat: no Qt, no QGIS. Testable alone, reused by Processing and the dock."""
