"""An output that refuses features (disk full, a database constraint, a read-only file) stops the
write with an OutputError, a CrowdHeatError with the output's own words: each door (Processing,
the dock's tasks) shows it as a message, never as a Python error."""

import json

import pytest
from qgis.core import QgsFeature, QgsFeatureSink

from crowdheat.plugin.core import coords
from crowdheat.plugin.core.errors import CrowdHeatError, OutputError
from crowdheat.plugin.core.fence import make_ring_fence
from crowdheat.plugin.core.heat_answer import parse_heat_response
from crowdheat.plugin.core.scan_job import NOT_FOUND, ScanOutcome
from crowdheat.plugin.core.scans import AccessPoint, Scan
from crowdheat.plugin.gis import heat_layers, scan_layers, sinks
from simulator.jike import SAMPLE_REQUEST, SAMPLE_RESPONSE


class RefusingSink(QgsFeatureSink):
    """A real QgsFeatureSink that refuses every feature, as a full disk does."""

    def addFeature(self, feature, flags=None):
        return False

    def addFeatures(self, features, flags=None):
        return False

    def lastError(self):
        return "No space left on device"


def sample_heat():
    fence = make_ring_fence(1, json.loads(SAMPLE_REQUEST.read_text())["fence"])
    return parse_heat_response(SAMPLE_RESPONSE.read_bytes(), fence)


@pytest.mark.parametrize("which", ["hourly", "cells"])
def test_a_heat_output_that_refuses_features_is_an_output_error(qgis_app, which):
    sinks = {"hourly_sink": RefusingSink()} if which == "hourly" else {"cells_sink": RefusingSink()}
    with pytest.raises(OutputError) as info:
        heat_layers.HeatWriter(**sinks)(sample_heat())
    assert isinstance(info.value, CrowdHeatError) and "No space left on device" in str(info.value)


def test_the_one_writer_names_what_it_could_not_write_and_keeps_nothing_pending(qgis_app):
    features = [QgsFeature()]
    with pytest.raises(OutputError, match="Could not write heat by zone: No space left on device"):
        sinks.write(RefusingSink(), features, "heat by zone")
    empty = []
    sinks.write(RefusingSink(), empty, "nothing")  # nothing to write is not a refusal


def test_a_scan_output_that_refuses_features_is_an_output_error(qgis_app):
    scan = Scan(index=0, rows=[1], values=["1"])
    scan.aps = [AccessPoint("aa:bb:cc:dd:ee:01", -50), AccessPoint("aa:bb:cc:dd:ee:02", -60)]
    writer = scan_layers.ScanWriter(["id"], RefusingSink(), coords.WGS84, with_truth=False, chunk=1)
    with pytest.raises(OutputError, match="located scans"):
        writer.add(ScanOutcome(scan, NOT_FOUND, err_code="-1"), coords.WGS84)
