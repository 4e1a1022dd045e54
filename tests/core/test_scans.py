"""Reading scan files: encodings, delimiters, shapes, normalisation, validation, streaming."""

import tracemalloc

import pytest

from crowdheat.plugin.core import baidu, scans
from crowdheat.plugin.core.baidu import prepare
from crowdheat.plugin.core.scan_formats import ScanFileError, sniff
from crowdheat.plugin.core.scans import read_scans

WIGLE14 = """WigleWifi-1.4,appRelease=2.26,model=Pixel,release=11,device=x,display=y,board=z,brand=google
MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,AccuracyMeters,Type
70:BA:EF:D0:87:91,TP-LINK,[WPA2],2024-05-01 10:00:00,6,-42,22.5401,114.0551,10,5,WIFI
70:ba:ef:d1:0e:01,CMCC,[WPA2],2024-05-01 10:00:00,11,-45,22.5401,114.0551,10,5,WIFI
46000_4189_8869,China Mobile,GSM;46000,2024-05-01 10:00:00,0,-63,22.5401,114.0551,10,5,GSM
11:22:33:44:55:66,Buds,[BLE],2024-05-01 10:00:00,0,-80,22.5401,114.0551,10,5,BLE
aa:bb:cc:dd:ee:01,Cafe,[OPEN],2024-05-01 10:00:07,1,-50,22.5410,114.0560,10,5,WIFI
aa:bb:cc:dd:ee:02,Cafe_nomap,[OPEN],2024-05-01 10:00:07,1,-55,22.5410,114.0560,10,5,WIFI
aa:bb:cc:dd:ee:03,Shop,[OPEN],2024-05-01 10:00:07,1,-60,22.5410,114.0560,10,5,WIFI
"""
WIGLE16 = """WigleWifi-1.6,appRelease=2.70,model=Pixel 7,release=14,device=p,display=d,board=b,brand=google,star=Sol,body=3,subBody=0
MAC,SSID,AuthMode,FirstSeen,Channel,Frequency,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,AccuracyMeters,RCOIs,MfgrId,Type
46011_25182_40081,,LTE;46011,2024-05-02 09:00:00.123,1850,0,-90,22.55,114.06,5,4,,,LTE
46011_25182_40082,,LTE;46011,2024-05-02 09:00:00.456,1850,0,-70,22.55,114.06,5,4,,,LTE
"""
GMON = """00:11:22:33:44:55;22.5401;114.0551;Home;WPA2;100;Infrastructure;6;-48;2024/05/01;10:00:00
00:11:22:33:44:56;22.5401;114.0551;Home5G;WPA2;100;Infrastructure;36;-52;2024/05/01;10:00:00
00:11:22:33:44:57;22.5502;114.0652;Shop;WPA2;100;Infrastructure;1;-60;2024/05/01;10:00:09
"""
NETWORK_SURVEY = """# Network Survey LTE export
deviceTime,latitude,longitude,altitude,speed,accuracy,missionId,recordNumber,groupNumber,mcc,mnc,tac,eci,earfcn,pci,rsrp,rsrq,ta,servingCell,lteBandwidth,provider,signalStrength,cqi,slot,snr,deviceSerialNumber,locationAge
# comment in the middle is skipped too
1714550400000,22.54,114.05,10,0,5,m1,1,1,460,0,9001,123456789,1850,12,-95,-10,,true,20,CMCC,,,,,dev,0
1714550400000,22.54,114.05,10,0,5,m1,2,1,460,0,9001,123456790,1850,13,-105,-12,,false,20,CMCC,,,,,dev,0
1714550401000,22.54,114.05,10,0,5,m1,3,2,460,0,9002,223456789,1850,14,-99,-11,,true,20,CMCC,,,,,dev,0
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def all_scans(path, **kwargs):
    """The file's format and its scans, each with the request it makes (or why none)."""
    fmt = sniff(path, **kwargs)
    return fmt, [prepare(scan) for scan in read_scans(path, fmt)]


def test_baidu_shape_in_gbk_with_chinese_headers(tmp_path):
    text = (
        "编号,bts,nearbts,macs,经度,纬度,备注\n"
        '1,"460,0,4189,8869,-63","460,0,4189,33989,-81|460,0,4189,8868,-83",'
        '"70:BA:EF:D0:87:91,-42,星巴克|70-ba-ef-d1-0e-01,-45,",114.05,22.54,首行\n'
    )
    fmt, found = all_scans(write(tmp_path, "gbk.csv", text, "gbk"))
    assert fmt.encoding == "gb18030" and fmt.shape == "baidu"
    assert fmt.mapping["lng"] == "经度" and fmt.mapping["lat"] == "纬度"
    scan = found[0]
    assert scan.values[-1] == "首行" and scan.truth == (114.05, 22.54)
    assert scan.body["accesstype"] == 0 and scan.body["bts"] == "460,0,4189,8869,-63"
    assert scan.body["nearbts"] == "460,0,4189,33989,-81|460,0,4189,8868,-83"
    assert scan.body["macs"] == "70:ba:ef:d0:87:91,-42,星巴克|70:ba:ef:d1:0e:01,-45,"


@pytest.mark.parametrize(
    "encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("gb18030", "gb18030")]
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_encodings_and_delimiters(tmp_path, encoding, expected, delimiter):
    rows = [
        ["id", "mcc", "mnc", "lac", "ci", "rssi", "wifi名称"],
        ["a", "460", "0", "4189", "8869", "-63", "咖啡"],
        ["b", "", "", "4190", "8870", "", "茶"],
    ]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    fmt, found = all_scans(write(tmp_path, "f.csv", text, encoding))
    assert fmt.encoding == expected and fmt.delimiter == delimiter and fmt.shape == "split"
    assert [s.body["bts"] for s in found] == ["460,0,4189,8869,-63", "-1,-1,4190,8870,50"]
    assert found[0].values == rows[1]


def test_quoted_newlines_and_comments(tmp_path):
    text = (
        "# exported by a tool\nid,macs,note\n"
        '1,"aa:bb:cc:dd:ee:01,-50,a|aa:bb:cc:dd:ee:02,-60,b","two\nlines"\n'
        "# a comment line\n"
        '2,"aa:bb:cc:dd:ee:03,-50,|aa:bb:cc:dd:ee:04,-70,",x\n'
    )
    fmt, found = all_scans(write(tmp_path, "q.csv", text))
    assert len(found) == 2 and found[0].values[2] == "two\nlines" and found[1].rows == [2]
    assert found[1].body == {"accesstype": 1, "macs": "aa:bb:cc:dd:ee:03,-50,|aa:bb:cc:dd:ee:04,-70,"}


def test_wigle_14_groups_wifi_and_cell_rows_of_one_second(tmp_path):
    fmt, found = all_scans(write(tmp_path, "wigle.csv", WIGLE14))
    assert fmt.layout == "WiGLE 1.4" and fmt.shape == "observations"
    assert [s.rows for s in found] == [[1, 2, 3, 4], [5, 6, 7]]
    first, second = found
    assert first.body["accesstype"] == 0 and first.body["bts"] == "460,0,4189,8869,-63"
    assert first.body["macs"] == "70:ba:ef:d0:87:91,-42,TP-LINK|70:ba:ef:d1:0e:01,-45,CMCC"
    assert first.truth == (114.0551, 22.5401)
    assert {k: second.body[k] for k in ("accesstype", "macs")} == {
        "accesstype": 1,
        "macs": "aa:bb:cc:dd:ee:01,-50,Cafe|aa:bb:cc:dd:ee:03,-60,Shop",
    }
    assert any("_nomap" in n for n in second.notes)


def test_wigle_16_cells_strongest_serves(tmp_path):
    fmt, found = all_scans(write(tmp_path, "wigle16.csv", WIGLE16))
    assert fmt.layout == "WiGLE 1.6" and len(found) == 1  # same second, milliseconds apart
    body = found[0].body
    assert body["bts"] == "460,11,25182,40082,-70" and body["nearbts"] == "460,11,25182,40081,-90"
    assert body["network"] == "LTE"


def test_gmon_without_header(tmp_path):
    """Row 3 is 9 s after the others and 1 km away: a scan of its own, and one AP cannot be located."""
    fmt, found = all_scans(write(tmp_path, "gmon.txt", GMON))
    assert fmt.layout == "G-MoN (no header)" and not fmt.has_header and fmt.delimiter == ";"
    assert [s.rows for s in found] == [[1, 2], [3]]
    assert found[0].body["accesstype"] == 1 and found[1].invalid.startswith("only 1 usable WiFi AP")


def test_network_survey_lte(tmp_path):
    fmt, found = all_scans(write(tmp_path, "ns.csv", NETWORK_SURVEY))
    assert fmt.layout == "Network Survey LTE" and fmt.mapping["scan_id"] == "groupNumber"
    assert [s.rows for s in found] == [[1, 2], [3]]
    assert found[0].body["bts"] == "460,0,9001,123456789,-95"
    assert found[0].body["nearbts"] == "460,0,9001,123456790,-105"
    assert found[0].body["network"] == "LTE"


def test_explicit_mapping_overrides_the_guess(tmp_path):
    text = "ap,strength,when,x,y\naa:bb:cc:dd:ee:01,-40,t1,1,2\naa:bb:cc:dd:ee:02,-45,t1,1,2\n"
    path = write(tmp_path, "m.csv", text)
    with pytest.raises(ScanFileError, match="not in the file's header"):
        sniff(path, mapping={"mac": "nope"})
    fmt, found = all_scans(path, mapping={"mac": "ap", "rssi": "strength", "scan_id": "when"})
    assert fmt.shape == "observations" and len(found) == 1
    assert found[0].body["macs"] == "aa:bb:cc:dd:ee:01,-40,|aa:bb:cc:dd:ee:02,-45,"


def test_normalisation_rules():
    notes = []
    aps = [
        ("AABBCCDDEEFF", "-40", "a|b,c"),
        ("aa-bb-cc-dd-ee-ff", "-30", "dup"),
        ("00:00:00:00:00:00", "-1", ""),
        ("ff:ff:ff:ff:ff:ff", "-1", ""),
        ("zz:bb:cc:dd:ee:ff", "-1", ""),
        ("11:22:33:44:55:66", "x", ""),
        ("11:22:33:44:55:67", "-50", "x" * 40),
        ("11:22:33:44:55:68", "-20", "home_nomap"),
    ]
    aps += [(f"02:00:00:00:00:{k:02x}", str(-60 - k), f"n{k}") for k in range(40)]
    cleaned = scans.clean_aps(aps, notes)
    assert len(cleaned) == 42  # 40 + the two distinct good ones; the API's limit of 30 is applied when sending
    assert cleaned[0] == scans.AccessPoint("aa:bb:cc:dd:ee:ff", -30, "dup")  # the stronger sighting of the AP
    assert scans.AccessPoint("11:22:33:44:55:67", -50, "x" * 32) in cleaned
    assert all("|" not in ap.ssid and "," not in ap.ssid for ap in cleaned)
    assert not any(ap.mac == "11:22:33:44:55:68" for ap in cleaned)
    assert any("_nomap" in n for n in notes)
    scan = prepare(scans.Scan(index=0, rows=[1], values=[], wifi=cleaned))
    assert scan.body["macs"].count("|") == 29 and scan.body["macs"].startswith("aa:bb:cc:dd:ee:ff,-30,dup|")
    assert any("12 weakest AP(s) not sent (at most 30)" in n for n in scan.notes)
    cell = scans.split_cell("", "", "4189", "8869", "")
    assert baidu.cell_text(cell) == "-1,-1,4189,8869,50"
    with pytest.raises(ValueError, match="cellid 'abc' is not a whole number"):
        scans.split_cell("460", "0", "4189", "abc", "-60")


def test_invalid_rows_keep_their_reason(tmp_path):
    text = 'id,bts,macs\n1,"460,0,x,1,-60",\n2,,"aa:bb:cc:dd:ee:01,-50,"\n3,,\n4,"460,0,1,2",\n'
    _, found = all_scans(write(tmp_path, "bad.csv", text))
    reasons = [s.invalid for s in found]
    assert "lac 'x' is not a whole number" in reasons[0]
    assert "needs at least 2" in reasons[1]
    assert reasons[2] == "no usable WiFi AP and no cell"
    assert "not mcc,mnc,lac,cellid,signal" in reasons[3]


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(ScanFileError, match="is empty"):
        sniff(write(tmp_path, "e.csv", "\n\n"))


def test_reading_is_streamed(tmp_path):
    """50,000 rows are read with a Python memory peak far below the file's size."""
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write("id,mcc,mnc,lac,ci,rssi\n")
        for n in range(50_000):
            handle.write(f"{n},460,0,{n % 5000},{n},-70\n")
    fmt = sniff(path)
    tracemalloc.start()
    count = sum(1 for _ in read_scans(path, fmt))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 50_000
    assert path.stat().st_size > 1_200_000 and peak < 400_000  # a few read buffers, not the file


def test_grouping_per_ap_rows_keeps_numbers_not_rows(tmp_path):
    """50,000 WiGLE rows (4 APs a second): grouping keeps a few numbers per row (about 150 bytes),
    never the rows' text (which alone would take several times the file)."""
    path = tmp_path / "wigle.csv"
    with open(path, "w") as handle:
        handle.write(WIGLE14.splitlines()[0] + "\n" + WIGLE14.splitlines()[1] + "\n")
        for n in range(50_000):
            t = n // 4
            handle.write(
                f"aa:bb:cc:{n >> 16:02x}:{n >> 8 & 255:02x}:{n & 255:02x},net{n},[WPA2],"
                f"2024-05-01 {10 + t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d},6,-{50 + n % 40},"
                f"{22.54 + t * 1e-5:.7f},114.0500000,5,5,WIFI\n"
            )
    fmt = sniff(path)
    tracemalloc.start()
    scans_read = rows = 0
    for scan in read_scans(path, fmt):
        scans_read, rows = scans_read + 1, rows + len(scan.rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows == 50_000 and scans_read == -(-50_000 // 24)  # 6 whole seconds (0…5 s) of 4 APs each
    assert path.stat().st_size > 4_000_000 and peak < 12_000_000, peak


def test_wifi_list_with_split_cell_columns(tmp_path):
    text = 'id,mcc,mnc,lac,ci,signal,macs\n1,460,1,4189,8869,-70,"aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"\n'
    _, found = all_scans(write(tmp_path, "mix.csv", text))
    assert found[0].body["bts"] == "460,1,4189,8869,-70" and found[0].body["accesstype"] == 0
    assert found[0].body["macs"] == "aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"


# -- scan times (Baidu's current page: bts_time, wifi_s_time, wifi_e_time) -------------------------

BEIJING_10AM_MAY_1 = 1714528800  # 2024-05-01 10:00:00 +08:00


def test_a_per_ap_file_sends_when_its_cell_and_its_wifi_were_heard(tmp_path):
    """Times without a zone are Beijing time (the service's); WiFi start/end span the scan's AP
    rows, the cell time is its serving cell's row; as epoch seconds, the form of ctime."""
    text = WIGLE14.replace(
        "aa:bb:cc:dd:ee:03,Shop,[OPEN],2024-05-01 10:00:07", "aa:bb:cc:dd:ee:03,Shop,[OPEN],2024-05-01 10:00:09"
    )
    _, (first, second) = all_scans(write(tmp_path, "wigle.csv", text))
    assert first.body["bts_time"] == str(BEIJING_10AM_MAY_1)
    assert (first.body["wifi_s_time"], first.body["wifi_e_time"]) == (str(BEIJING_10AM_MAY_1),) * 2
    assert "bts_time" not in second.body  # WiFi only
    assert (second.body["wifi_s_time"], second.body["wifi_e_time"]) == (
        str(BEIJING_10AM_MAY_1 + 7),
        str(BEIJING_10AM_MAY_1 + 9),
    )


def test_epoch_times_and_zones_are_taken_as_written(tmp_path):
    _, found = all_scans(write(tmp_path, "ns.csv", NETWORK_SURVEY))
    assert found[0].body["bts_time"] == "1714550400" and found[1].body["bts_time"] == "1714550401"
    assert "wifi_s_time" not in found[0].body  # no WiFi in the scan
    assert scans.parse_time("2024-05-01T02:00:00Z") == scans.parse_time("2024-05-01 10:00:00") == BEIJING_10AM_MAY_1


def test_a_scan_per_row_file_sends_its_row_time_and_no_time_when_unreadable(tmp_path):
    text = (
        "time,bts,macs\n"
        '2024-05-01 10:00:00,"460,0,4189,8869,-63","aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"\n'
        '31:45.1,"460,0,4189,8869,-63","aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"\n'
    )
    fmt, (timed, untimed) = all_scans(write(tmp_path, "rows.csv", text))
    assert fmt.shape == "baidu" and fmt.mapping["time"] == "time"
    assert {k: timed.body[k] for k in ("bts_time", "wifi_s_time", "wifi_e_time")} == dict.fromkeys(
        ("bts_time", "wifi_s_time", "wifi_e_time"), str(BEIJING_10AM_MAY_1)
    )
    assert not {"bts_time", "wifi_s_time", "wifi_e_time"} & set(untimed.body)


def test_scan_times_are_not_part_of_what_a_scan_asks():
    """Two scans heard alike at other moments are one question to the answers cache."""
    one = {"accesstype": 1, "macs": "aa:bb:cc:dd:ee:01,-50,|aa:bb:cc:dd:ee:02,-60,"}
    later = dict(one, wifi_s_time="1714528800", wifi_e_time="1714528809")
    assert baidu.request_key(one) == baidu.request_key(later)
