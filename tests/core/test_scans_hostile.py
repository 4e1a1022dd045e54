"""Scan files that are hostile by accident: quoted line breaks, huge fields, mixed encodings,
extra values, formula-like texts. Real files on disk; each test's name is the rule it checks."""

import codecs

import pytest

from crowdheat.plugin.core import scan_formats, scans
from crowdheat.plugin.core.errors import CrowdHeatError
from tests.scan_exports import NOTE_HEADER as HEADER
from tests.scan_exports import NOTE_ROW as ROW


def read(path, **kwargs):
    fmt = scan_formats.sniff(path, **kwargs)
    return fmt, list(scans.read_scans(path, fmt))


def test_a_quoted_note_with_a_line_break_and_a_hash_does_not_swallow_the_next_row(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        HEADER
        + ROW.format(n=1, note='"x\n# y"')
        + ROW.format(n=2, note="plain")
        + "# a real comment line\n"
        + ROW.format(n=3, note='"a\n\nb"'),
        encoding="utf-8",
    )
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
    path.write_text(
        HEADER + ROW.format(n=1, note="fine") + '2,,,"never closed\n' + filler + ROW.format(n=3, note="after"),
        encoding="utf-8",
    )
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
    path.write_bytes(
        codecs.BOM_UTF8
        + (HEADER + ROW.format(n=1, note="咖啡")).encode("utf-8")
        + ROW.format(n=2, note="星巴克").encode("gbk")
        + ROW.format(n=3, note="ok").encode("utf-8")
    )
    with pytest.raises(scan_formats.ScanFileError) as info:
        scan_formats.sniff(path)
    assert "Line 3 " in str(info.value) and "mixes encodings" in str(info.value)
    fmt, got = read(path, encoding="utf-8-sig")  # chosen explicitly: read, with the replacement shown
    assert len(got) == 3 and "\ufffd" in got[1].values[3]


def test_values_past_the_header_are_noted_on_the_scan(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(
        HEADER + ROW.format(n=1, note="a").rstrip("\n") + ",surplus,more\n" + ROW.format(n=2, note="b"),
        encoding="utf-8",
    )
    _, got = read(path)
    assert got[0].notes == [
        "row 1 has 6 values but the header 4 columns: 2 value(s) past the last column are not in the output"
    ]
    assert got[1].notes == []


@pytest.mark.parametrize(
    "text, safe",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("+1+cmd", "'+1+cmd"),
        ("-67", "-67"),
        ("+86", "+86"),
        ("-1.5e3", "-1.5e3"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_defuses_formulas_but_not_numbers(text, safe):
    assert scans.spreadsheet_safe(text) == safe


# -- files that cannot be read: one error type, naming the file and what to do ---------------------


def test_a_missing_file_is_a_scan_file_error_naming_it(tmp_path):
    missing = tmp_path / "gone.csv"
    with pytest.raises(scan_formats.ScanFileError) as info:
        scan_formats.sniff(missing)
    assert isinstance(info.value, CrowdHeatError) and str(missing) in str(info.value)


def test_a_folder_chosen_as_the_file_is_a_scan_file_error(tmp_path):
    with pytest.raises(scan_formats.ScanFileError, match="cannot be read"):
        scan_formats.sniff(tmp_path)


def test_an_unknown_encoding_is_a_scan_file_error_not_a_lookup_error(tmp_path):
    path = tmp_path / "scans.csv"
    path.write_text(HEADER + ROW.format(n=1, note="x"), encoding="utf-8")
    with pytest.raises(scan_formats.ScanFileError, match="no-such-codec"):
        scan_formats.sniff(path, encoding="no-such-codec")


def test_a_file_deleted_after_it_was_sniffed_is_a_scan_file_error_when_read(tmp_path):
    path = tmp_path / "scans.csv"
    path.write_text(HEADER + ROW.format(n=1, note="x"), encoding="utf-8")
    fmt = scan_formats.sniff(path)
    path.unlink()
    with pytest.raises(scan_formats.ScanFileError, match="gone|cannot be read"):
        list(scans.read_scans(path, fmt))
    with pytest.raises(scan_formats.ScanFileError):
        scans.preview(path, fmt, 5)
