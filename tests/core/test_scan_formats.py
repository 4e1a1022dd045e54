"""Scan files as real apps export them (tests/scan_exports.py): each layout recognised without
any mapping, every row accounted for, and the Baidu document's own example answered in full."""

import pytest

from crowdheat.plugin.core import scan_formats
from crowdheat.plugin.core.baidu import BaiduClient, prepare
from crowdheat.plugin.core.config import BaiduConfig
from crowdheat.plugin.core.scan_job import OK, ScanReport, geolocate
from crowdheat.plugin.core.scans import read_scans
from simulator.baidu import AK
from tests import scan_exports


def scans_of(path, **kwargs):
    fmt = scan_formats.sniff(path, **kwargs)
    return fmt, [prepare(scan) for scan in read_scans(path, fmt)]


# -- the provider's own example --------------------------------------------------------------------


# -- layouts, each recognised without a mapping ----------------------------------------------------


def test_cellmapper_export_without_header(tmp_path):
    path = tmp_path / "cellmapper.csv"
    rows = scan_exports.cellmapper(path)
    fmt, found = scans_of(path)
    assert fmt.layout == "CellMapper CSV export" and not fmt.has_header
    assert fmt.header[:3] == ["col1", "col2", "col3"] and "no header row" in fmt.why
    assert len(found) == rows and not [s.invalid for s in found if s.invalid]
    assert found[0].body["bts"].startswith("460,0,9520,21297,-") and found[1].body["bts"].startswith(
        "460,0,9520,125643777,-"
    )
    assert found[0].body["network"] == "GSM" and found[1].body["network"] == "LTE"
    assert found[0].truth == pytest.approx((114.0578, 22.5431))


def test_an_unknown_headerless_layout_is_mapped_by_column_numbers(tmp_path):
    """The same rows with one column more are no known layout: col1…colN, mapped by hand."""
    path = tmp_path / "other.csv"
    scan_exports.cellmapper(path, rows=5)
    path.write_text("".join(line + ",x\n" for line in path.read_text().splitlines()))
    fmt = scan_formats.sniff(path)
    assert fmt.layout == "" and fmt.mapping == {} and any("No column is mapped" in w for w in fmt.warnings)
    assert all("no column is mapped" in s.invalid for s in (prepare(s) for s in read_scans(path, fmt)))
    mapping = dict(lat="col1", lng="col2", mcc="col4", mnc="col5", lac="col6", cellid="col7", signal="col8")
    fmt, found = scans_of(path, mapping=mapping)
    assert [s.body["accesstype"] for s in found] == [0] * 5 and fmt.warnings == []


def test_header_choice_overrides_the_guess(tmp_path):
    path = tmp_path / "numbers-as-names.csv"
    path.write_text("1,2,3\n4,5,6\n")
    assert not scan_formats.sniff(path).has_header
    chosen = scan_formats.sniff(path, header="yes")
    assert chosen.has_header and chosen.header == ["1", "2", "3"]
    named = tmp_path / "named.csv"
    named.write_text("mac,rssi\naa:bb:cc:dd:ee:01,-50\n")
    forced = scan_formats.sniff(named, header="no")
    assert not forced.has_header and forced.header == ["col1", "col2"]
    with pytest.raises(scan_formats.ScanFileError, match="Header must be one of"):
        scan_formats.sniff(named, header="maybe")


def test_netmonster_ntm_cell_file(tmp_path):
    path = tmp_path / "cells.ntm"
    scan_exports.netmonster_ntm(path)
    fmt, found = scans_of(path)
    assert fmt.layout == "NetMonster NTM" and fmt.delimiter == ";" and not fmt.has_header
    networks = [s.body["network"] if s.body else None for s in found]
    assert networks[:5] == ["LTE", "LTE", "WCDMA", "GSM", "NR"]
    assert found[3].body["bts"] == "460,0,4189,8869,50"  # 2G: cid before lac; no signal in a cell list
    assert "lac/cellid are unknown" in found[5].invalid  # 2147483647 = unknown


def test_airodump_ap_section_with_unknown_power(tmp_path):
    path = tmp_path / "capture-01.csv"
    aps, unknown = scan_exports.airodump(path)
    fmt = scan_formats.sniff(path)
    assert fmt.layout == "airodump-ng CSV" and fmt.mapping["rssi"] == "Power" and fmt.mapping["ssid"] == "ESSID"
    skipped = []
    found = [prepare(s) for s in read_scans(path, fmt, on_skipped=skipped.append)]
    assert sum(len(s.rows) for s in found) == aps  # the AP section's rows, each once
    assert skipped and "4 row(s)" in skipped[0] and "station" in skipped[0]
    sent = [ap for s in found if s.body for ap in s.body["macs"].split("|")]
    assert len(sent) == aps - unknown and not any(",-1," in ap for ap in sent)  # -1 = no reading, never sent
    assert any("not sent: no signal reading" in n for s in found for n in s.notes)


def test_airodump_all_power_unknown_names_the_cause(tmp_path):
    path = tmp_path / "capture-02.csv"
    scan_exports.airodump(path, aps=5, unknown_power=5, stations=0)
    _, found = scans_of(path)
    assert len(found) == 1 and "none of its 5 WiFi AP(s) has a signal reading" in found[0].invalid
    assert "-1, 0 or above -10 dBm" in found[0].invalid


def test_no_signal_column_mapped_is_the_reason_given(tmp_path):
    path = tmp_path / "aps.csv"
    path.write_text("bssid,seen\naa:bb:cc:dd:ee:01,2024-05-01 10:00:00\naa:bb:cc:dd:ee:02,2024-05-01 10:00:01\n")
    fmt, found = scans_of(path)
    assert any("No signal column is mapped" in w for w in fmt.warnings)
    assert "no signal column is mapped (role rssi)" in found[0].invalid


@pytest.mark.parametrize("by_airodump", [False, True])
def test_kismet_csv(tmp_path, by_airodump):
    path = tmp_path / "Kismet-20240501.csv"
    aps = scan_exports.kismet(path, written_by_airodump=by_airodump)
    fmt, found = scans_of(path)
    assert fmt.layout == "Kismet CSV" and fmt.delimiter == ";"
    assert fmt.mapping["rssi"] == ("BestQuality" if by_airodump else "BestSignal")
    assert len(found) == 1 and len(found[0].rows) == aps and found[0].body["accesstype"] == 1
    assert found[0].body["macs"].startswith("6c:5a:b0:1b:e2:00,-45,Shop0|")
    assert (found[0].truth is None) == by_airodump  # airodump writes 0.000000 for GPS


@pytest.mark.parametrize("current", [False, True], ids=["18 columns", "40 columns"])
def test_tower_collector_measurements(tmp_path, current):
    """Recognised by its columns' names, whatever columns later versions add, and grouped into
    measurements by measured_at (discovered_at, when a cell was first seen, is not the scan's)."""
    path = tmp_path / "towercollector.csv"
    rows = scan_exports.tower_collector(path, current=current)
    fmt, found = scans_of(path)
    assert fmt.layout == "Tower Collector CSV" and fmt.shape == "observations"
    assert sum(len(s.rows) for s in found) == rows and len(found) == rows // 3
    first = found[0].body
    assert first["bts"] == "460,0,9520,125643777,-85"  # neighboring=false serves, though not the strongest
    assert first["nearbts"] == "460,0,9520,125643900,-101|460,0,9521,125644000,50" and first["network"] == "LTE"


def test_per_ap_rows_without_time_or_scan_id_warn(tmp_path):
    path = tmp_path / "aps.csv"
    path.write_text("mac,rssi\naa:bb:cc:dd:ee:01,-50\naa:bb:cc:dd:ee:02,-60\naa:bb:cc:dd:ee:03,-70\n")
    fmt, found = scans_of(path)
    assert any("ONE scan" in w for w in fmt.warnings)
    assert len(found) == 1 and any("the whole file is one scan" in n for n in found[0].notes)


# -- per-AP rows grouped into scans ----------------------------------------------------------------


def located_share(path, server, **sniff_args):
    fmt = scan_formats.sniff(path, **sniff_args)
    config = BaiduConfig(base_url=server.url + "/locapi/v2", ak=AK, rate=500, concurrency=4)
    stats = ScanReport()
    with BaiduClient(config) as client:
        outcomes = list(geolocate(read_scans(path, fmt), client, stats=stats))
    rows = sorted(r for o in outcomes for r in o.scan.rows)
    located_rows = sum(len(o.scan.rows) for o in outcomes if o.status == OK)
    return rows, located_rows / len(rows), outcomes


def test_a_wigle_walk_is_grouped_by_time_window_and_distance(baidu, tmp_path):
    path = tmp_path / "WigleWifi_20240501.csv"
    data_rows = scan_exports.wigle_walk(path)
    rows, share, outcomes = located_share(path, baidu)
    assert rows == list(range(1, data_rows + 1))  # every row, exactly once
    assert share >= 0.95, share
    # The exact second, as before: many scans of one AP, which cannot be located.
    _, exact_share, _ = located_share(path, baidu, window_s=0)
    assert exact_share < 0.9, exact_share
    # A cell row seen with WiFi rows joins their scan: hybrid requests.
    assert any(o.scan.body and o.scan.body["accesstype"] == 0 and "macs" in o.scan.body for o in outcomes)
    assert {o.scan.body["network"] for o in outcomes if o.scan.body and "bts" in o.scan.body} == {"LTE", "HSDPA"}


def test_grouping_respects_the_distance_between_rows(tmp_path):
    """Two phones' rows in the same seconds, 2 km apart, are two scans."""
    path = tmp_path / "two-places.csv"
    lines = [scan_exports.WIGLE14_PRE, scan_exports.WIGLE14_HEADER]
    for n, (lat, lon) in enumerate([(22.54, 114.05)] * 3 + [(22.56, 114.05)] * 3):
        lines.append(f"aa:bb:cc:dd:ee:{n:02x},n{n},[WPA2],2024-05-01 10:00:0{n % 2},6,-50,{lat},{lon},5,5,WIFI")
    path.write_text("\n".join(lines) + "\n")
    _, found = scans_of(path)
    assert sorted(s.rows for s in found) == [[1, 2, 3], [4, 5, 6]]
    _, merged = scans_of(path, distance_m=5000)
    assert [s.rows for s in merged] == [[1, 2, 3, 4, 5, 6]]


WIFIANALYZER = """Time Stamp|SSID|BSSID|Strength|Primary Channel|Primary Frequency|Center Channel|Center Frequency|Width (Range)|Distance|Timestamp|802.11mc|Security
2024/05/01 10:27:47|CMCC-5fA2|a4:1b:34:5f:a2:10|-45dBm|6|2437MHz|6|2437MHz|20MHz (2427 - 2447)|~1,6m|1714530467000|false|[WPA2-PSK-CCMP][ESS]
2024/05/01 10:27:47|ChinaNet-x9|10:47:80:3c:aa:01|-67dBm|11|2462MHz|11|2462MHz|20MHz (2452 - 2472)|~22,4m|1714530467000|false|[WPA2-PSK-CCMP][ESS]
2024/05/01 10:27:47|TP-LINK_88|50:bd:5f:12:88:e0|-85dBm|1|2412MHz|1|2412MHz|20MHz (2402 - 2422)|~173,7m|1714530467000|false|[WPA-PSK-TKIP][ESS]
2024/05/01 10:27:47|broken|50:bd:5f:12:88:e1|strong|1|2412MHz|1|2412MHz|20MHz (2402 - 2422)|~9,0m|1714530467000|false|[ESS]
"""


def test_wifianalyzer_exports_with_units_are_read(tmp_path):
    """WiFiAnalyzer (Android) writes '|'-separated rows, RSSI as '-85dBm' and distances as
    '~173,7m' (a decimal comma): every AP was dropped as "unusable", and the reason thrown away."""
    from crowdheat.plugin.core import scans

    path = tmp_path / "wifianalyzer.txt"
    path.write_text(WIFIANALYZER, encoding="utf-8")
    fmt = scan_formats.sniff(str(path))
    assert fmt.mapping["rssi"] == "Strength" and not fmt.warnings
    (scan,) = list(scans.read_scans(str(path), fmt))
    assert [ap.rssi for ap in scan.wifi] == [-45, -67, -85]
    assert any(
        "1 AP(s) with an unusable MAC or RSSI dropped (the first: RSSI 'strong' is not a number)" in n
        for n in scan.notes
    )
    assert scans.number_with_unit("~173,7m") == 173.7 and scans.number_with_unit("22,5431") == 22.5431


def test_of_two_coordinate_columns_of_one_name_the_one_with_data_wins(tmp_path):
    """A joined export carries 'lat,lon' of one table (all zeros) and 'Lat,Lon' of the other: the
    zeros were taken, so no scan had a position to compare with."""
    path = tmp_path / "joined.csv"
    path.write_text(
        "bssid,rssi,lat,lon,time,Lat,Lon\n"
        "a4:1b:34:5f:a2:10,-45,0.000000,0.000000,2024-05-01 10:27:47,22.5431,114.0579\n"
        "10:47:80:3c:aa:01,-67,0.000000,0.000000,2024-05-01 10:27:47,22.5431,114.0579\n",
        encoding="utf-8",
    )
    fmt = scan_formats.sniff(str(path))
    assert (fmt.mapping["lat"], fmt.mapping["lng"]) == ("Lat", "Lon")


def test_an_unreadable_time_column_is_a_warning_before_anything_is_sent(tmp_path):
    """A spreadsheet rewrote the times as '31:45.1' (minutes:seconds): every row became a scan of
    one AP, 2,761 of them failed, and nothing warned before the quota was spent."""
    path = tmp_path / "mangled.csv"
    path.write_text(
        "bssid,rssi,time\n"
        "a4:1b:34:5f:a2:10,-45,31:45.1\n"
        "10:47:80:3c:aa:01,-67,31:45.1\n"
        "50:bd:5f:12:88:e0,-85,31:46.3\n",
        encoding="utf-8",
    )
    fmt = scan_formats.sniff(str(path))
    (warning,) = [w for w in fmt.warnings if "cannot be read as a time" in w]
    assert "'time'" in warning and "'31:45.1'" in warning and "scan_id" in warning
    path.write_text(
        path.read_text().replace("31:45.1", "2024-05-01 10:31:45").replace("31:46.3", "2024-05-01 10:31:46")
    )
    assert not [w for w in scan_formats.sniff(str(path)).warnings if "cannot be read as a time" in w]


def test_a_file_whose_every_row_would_be_a_one_ap_scan_is_warned_about_before_sending(tmp_path):
    """Readable times, but every row seconds from the next: each AP would be a scan of its own,
    one AP is too few for Baidu, and the quota would go on scans that cannot be positioned."""
    path = tmp_path / "spread.csv"
    rows = [f"aa:bb:cc:00:00:{k:02x},-5{k},2024-05-01 10:{k:02d}:00" for k in range(8)]
    path.write_text("bssid,rssi,time\n" + "\n".join(rows) + "\n", encoding="utf-8")
    fmt = scan_formats.sniff(str(path))
    (warning,) = [w for w in fmt.warnings if "a scan of its own" in w]
    assert "first 8 rows" in warning and "'time'" in warning and "scan_id" in warning
    grouped = [f"aa:bb:cc:00:00:{k:02x},-5{k},2024-05-01 10:00:{k // 4:02d}" for k in range(8)]
    path.write_text("bssid,rssi,time\n" + "\n".join(grouped) + "\n", encoding="utf-8")
    assert not [w for w in scan_formats.sniff(str(path)).warnings if "a scan of its own" in w]
