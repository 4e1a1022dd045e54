"""Scan files that are hostile by accident: quoted line breaks, huge fields, mixed encodings,
extra values, formula-like texts. Real files on disk; each test's name is the rule it checks."""

import codecs

import processing
import pytest

from crowdheat.plugin.core import scan_formats, scans
from tests.hostile import HostileServer

HEADER = "id,bts,macs,note\n"
ROW = '{n},,"aa:bb:cc:00:00:{n:02x},-50,|aa:bb:cc:01:00:{n:02x},-60,",{note}\n'


def read(path, **kwargs):
    fmt = scan_formats.sniff(path, **kwargs)
    return fmt, list(scans.read_scans(path, fmt))


def test_a_quoted_note_with_a_line_break_and_a_hash_does_not_swallow_the_next_row(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(HEADER + ROW.format(n=1, note='"x\n# y"') + ROW.format(n=2, note="plain")
                    + "# a real comment line\n" + ROW.format(n=3, note='"a\n\nb"'), encoding="utf-8")
    fmt, got = read(path)
    assert [s.rows for s in got] == [[1], [2], [3]]
    assert not any(s.invalid for s in got)
    assert got[0].values[3] == "x\n# y" and got[2].values[3] == "a\n\nb"


def test_a_field_longer_than_csvs_default_limit_is_read(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + ROW.format(n=1, note="z" * 200_000) + ROW.format(n=2, note="ok"), encoding="utf-8")
    _, got = read(path)
    assert [len(s.values[3]) for s in got] == [200_000, 2] and not any(s.invalid for s in got)


def test_an_unclosed_quote_past_the_field_limit_is_one_invalid_row_and_reading_goes_on(tmp_path):
    path = tmp_path / "unclosed.csv"
    filler = ("9,,," + "f" * 96 + "\n") * (scans.FIELD_LIMIT // 100 + 10)  # no quote to close it
    path.write_text(HEADER + ROW.format(n=1, note="fine") + '2,,,"never closed\n' + filler
                    + ROW.format(n=3, note="after"), encoding="utf-8")
    _, got = read(path)
    assert not got[0].invalid and got[1].invalid.startswith("lines 3–")
    assert "unclosed quote" in got[1].invalid
    assert got[-1].values[3] == "after" and not got[-1].invalid


def test_ascii_for_70_kb_then_gbk_is_read_as_gb18030_not_replaced(tmp_path):
    path = tmp_path / "late-gbk.csv"
    rows = "".join(ROW.format(n=n % 200, note="ascii") for n in range(1200))
    assert len(rows) > 70_000
    path.write_bytes((HEADER + rows).encode("ascii") + ROW.format(n=7, note="星巴克WiFi").encode("gbk"))
    fmt, got = read(path)
    assert fmt.encoding == "gb18030"
    assert got[-1].values[3] == "星巴克WiFi" and "\ufffd" not in got[-1].values[3]


def test_a_bom_file_with_one_gbk_row_stops_with_the_line_to_fix(tmp_path):
    path = tmp_path / "bom-gbk.csv"
    path.write_bytes(codecs.BOM_UTF8 + (HEADER + ROW.format(n=1, note="咖啡")).encode("utf-8")
                     + ROW.format(n=2, note="星巴克").encode("gbk") + ROW.format(n=3, note="ok").encode("utf-8"))
    with pytest.raises(scan_formats.ScanFileError) as info:
        scan_formats.sniff(path)
    assert "Line 3 " in str(info.value) and "mixes encodings" in str(info.value)
    fmt, got = read(path, encoding="utf-8-sig")  # chosen explicitly: read, with the replacement shown
    assert len(got) == 3 and "\ufffd" in got[1].values[3]


def test_values_past_the_header_are_noted_on_the_scan(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(HEADER + ROW.format(n=1, note="a").rstrip("\n") + ",surplus,more\n" + ROW.format(n=2, note="b"),
                    encoding="utf-8")
    _, got = read(path)
    assert got[0].notes == ["row 1 has 6 values but the header 4 columns: 2 value(s) past the last column "
                            "are not in the output"]
    assert got[1].notes == []


@pytest.mark.parametrize("text, safe", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("@SUM(1+1)", "'@SUM(1+1)"), ("+1+cmd", "'+1+cmd"),
    ("-67", "-67"), ("+86", "+86"), ("-1.5e3", "-1.5e3"), ("plain", "plain"), ("", ""),
])
def test_spreadsheet_safe_defuses_formulas_but_not_numbers(text, safe):
    assert scans.spreadsheet_safe(text) == safe


def test_formula_like_texts_are_defused_in_a_csv_output_only(provider, tmp_path, monkeypatch):
    def behave(reply, request):
        reply.send(200, {"errcode": 0, "msg": "ok", "body": [
            {"type": 2, "location": "114.05,22.54", "radius": 30, "ctime": b["ctime"], "error": 0,
             "country": "中国", "road": "=HYPERLINK(\"http://x\")"} for b in request.json()["body"]]})

    with HostileServer() as server:
        server.behave(behave)
        monkeypatch.setenv("CROWDHEAT_BAIDU_URL", server.url + "/locapi/v2")
        monkeypatch.setenv("CROWDHEAT_BAIDU_AK", "made-up-ak")
        path = tmp_path / "in.csv"
        path.write_text(HEADER + ROW.format(n=1, note="=cmd|' /C calc'!A0"), encoding="utf-8")
        out_csv, out_gpkg = tmp_path / "out.csv", tmp_path / "out.gpkg"
        for out in (out_csv, out_gpkg):
            processing.run("crowdheat:geolocatescans", {"INPUT": str(path), "CACHE": str(tmp_path / "c.sqlite"),
                                                        "OUTPUT": str(out)})
    text = out_csv.read_text(encoding="utf-8")
    assert "'=cmd|" in text and "'=HYPERLINK" in text and ",=" not in text
    from qgis.core import QgsVectorLayer

    feature = next(QgsVectorLayer(str(out_gpkg), "out", "ogr").getFeatures())
    assert feature["note"] == "=cmd|' /C calc'!A0"  # a GeoPackage keeps the data as it came


def test_a_scan_file_deleted_before_the_run_is_a_message_not_a_traceback(qgis_app, tmp_path, monkeypatch):
    from qgis.core import QgsApplication

    from crowdheat.plugin.core.config import BaiduConfig
    from crowdheat.plugin.core.errors import InputError
    from crowdheat.plugin.gis.tasks import ScanTask

    path = tmp_path / "gone.csv"
    path.write_text(HEADER + ROW.format(n=1, note="x"), encoding="utf-8")
    fmt = scan_formats.sniff(path)
    path.unlink()
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    config = BaiduConfig(base_url="http://127.0.0.1:9/locapi/v2", ak="made-up-ak",
                         cache_path=str(tmp_path / "c.sqlite"))
    task = ScanTask(str(path), fmt, "WGS84", False, done=lambda task: None, config=config)
    assert task.run() is False
    assert isinstance(task.error, InputError) and "gone.csv" in str(task.error)
    assert not any("Traceback" in message for message in logged)
