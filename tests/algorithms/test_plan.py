"""crowdheat:heatplan: the requests of a run as a layer, with their shards, and no request sent."""

import processing

from tests.boundaries import city_file


def test_the_plan_layer_has_one_polygon_per_request_with_its_shard(jike, provider, tmp_path):
    result = processing.run(
        "crowdheat:heatplan",
        {"INPUT": str(city_file(tmp_path)), "CELL_LEVEL": 13, "SHARDS": 3, "OUTPUT": "memory:"},
    )
    features = list(result["OUTPUT"].getFeatures())
    assert len(features) == result["REQUESTS"] > 16  # districts over the limit are cut into tiles
    assert sorted(f["request"] for f in features) == list(range(len(features)))
    assert {f["shard"] for f in features} == {1, 2, 3}
    assert all(f.geometry().area() > 0 and f["area_km2"] <= 640 for f in features)
    assert result["EXPECTED_CELLS"] == sum(f["expected_cells"] for f in features)
    assert result["HOURLY_ROWS"] == 10 * result["EXPECTED_CELLS"]
    assert jike.requests == []  # planning spends nothing
