"""Heat shared out to zones, in the pure core: areas measured on the ellipsoid."""

import math

import pytest


def test_area_shares_are_measured_on_the_ellipsoid():
    """Halves in degrees are not halves on the ellipsoid: the southern half of a box at 60°N is
    wider, so it holds a little more than half the box's area (the core, directly)."""
    import numpy as np
    from shapely.geometry import box

    from crowdheat.plugin.core import zones

    cell = box(10.0, 60.0, 10.02, 60.02)
    south_half = box(10.0, 60.0, 10.02, 60.01)
    centre = (10.01, 60.01)
    cells = zones.project_geometries([cell], centre)
    parts = zones.project_geometries([south_half], centre)
    share = zones.shares(cells, parts)
    expected = math.cos(math.radians(60.005)) / (2 * math.cos(math.radians(60.01)))
    assert share.weight[0] == pytest.approx(expected, rel=1e-4) and share.weight[0] > 0.5
    # The box's area on the WGS84 ellipsoid, exactly: Rq² Δλ (sin β2 − sin β1), β authalic latitudes.
    beta = zones._authalic(np.array([60.0, 60.02]))
    exact = zones._RQ**2 * math.radians(0.02) * (math.sin(beta[1]) - math.sin(beta[0]))
    assert cells[0].area == pytest.approx(exact, rel=1e-5)
    sphere = 6371008.8**2 * math.radians(0.02) * (math.sin(math.radians(60.02)) - math.sin(math.radians(60.0)))
    assert abs(cells[0].area / sphere - 1) > 1e-3  # a sphere would be 0.6% off there
