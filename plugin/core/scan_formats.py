"""How a scan file is written: encoding, delimiter, header row or none, shape, which column holds
what, and the layout of the app that wrote it. Nothing here reads past the first 64 KB, except
the encoding check (streamed over the whole file).

Shapes (docs/reference.md, "Scan files"):
  baidu         one row per scan, the API's own columns (bts, nearbts, macs, mmac, …)
  split         one row per scan, split cell columns (mcc, mnc, lac, ci, signal) and/or a WiFi list
  observations  one row per access point or cell, grouped into scans (see ``scans.py``)

Layouts are recognised from the apps' own documentation or source (each entry names it). A file
without a header row has columns ``col1`` … ``colN``: the names the output and the mapping use,
whether or not its layout is recognised.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from .errors import InputError

SAMPLE_BYTES = 64 * 1024
SAMPLE_ROWS = 50
DELIMITERS = ",;\t|"
ENCODING_CHUNK = 1 << 20


class Shape(str, Enum):
    """How a file holds its scans (see the module's docstring); the values are what users type."""

    BAIDU = "baidu"
    SPLIT = "split"
    OBSERVATIONS = "observations"

    def __str__(self):
        return self.value


SHAPE_BAIDU, SHAPE_SPLIT, SHAPE_OBSERVATIONS = Shape
SHAPES = tuple(Shape)
HEADER_AUTO, HEADER_YES, HEADER_NO = "auto", "yes", "no"
HEADER_CHOICES = (HEADER_AUTO, HEADER_YES, HEADER_NO)
# Grouping of per-AP rows into scans (a setting, and a parameter of the algorithm).
DEFAULT_WINDOW_S = 5.0
DEFAULT_DISTANCE_M = 50.0

# role -> header aliases (lower case; spaces, underscores, dashes and brackets ignored). First
# match wins, so the more specific names come first.
ALIASES = {
    "macs": ["macs", "wifilist", "wifis", "wifi", "bssids", "wifi列表", "热点列表"],
    "bts": ["bts", "基站"],
    "nearbts": ["nearbts", "周边基站", "邻区"],
    "mmac": ["mmac", "已连热点", "connectedmac"],
    "mac": ["mac", "bssid", "apmac", "wifimac", "mac地址"],
    "ssid": ["ssid", "essid", "wifi名称", "热点名称"],
    "rssi": ["rssi", "rxl", "level", "power", "bestsignal", "strength", "信号强度", "wifi信号"],
    "mcc": ["mcc", "移动国家码"],
    "mnc": ["mnc", "移动网络码", "运营商代码"],
    "lac": ["lac", "tac", "位置区码", "跟踪区码"],
    "cellid": ["ci", "cid", "cellid", "eci", "小区id", "小区号", "基站id"],
    "signal": ["signal", "rsrp", "dbm", "signalstrength", "信号"],
    "radio": ["type", "radio", "nettype", "technology", "网络制式", "制式"],
    "network": ["network", "网络类型"],
    "cdma": ["cdma"],
    "serving": ["servingcell", "serving", "主服务小区"],
    "neighbour": ["neighboring", "neighbouring", "neighbor", "neighbour", "邻区标志"],
    "scan_id": ["scanid", "scan", "groupnumber", "扫描id", "扫描编号", "批次"],
    "time": [
        "firstseen",
        "measuredat",
        "timestamp",
        "time",
        "devicetime",
        "datetime",
        "lasttimeseen",
        "lasttime",
        "时间",
        "采集时间",
    ],
    "date": ["date", "日期"],
    "lng": ["lng", "lon", "longitude", "currentlongitude", "gpsbestlon", "经度"],
    "lat": ["lat", "latitude", "currentlatitude", "gpsbestlat", "纬度"],
    "imei": ["imei"],
    "imsi": ["imsi"],
    "clientip": ["clientip"],
    "ctime": ["ctime"],
    "accesstype": ["accesstype"],
}
ROLES = tuple(ALIASES)
WIFI_ROLES = ("macs", "mac", "mmac")
CELL_ROLES = ("bts", "nearbts", "cellid")


class ScanFileError(InputError):
    """The file cannot be read at all (not a row problem)."""


@contextlib.contextmanager
def reading(path: str | os.PathLike) -> Iterator[None]:
    """Any OSError while ``path`` is opened or read (deleted, a folder, locked, unplugged) becomes a
    ScanFileError that names the file: the one place where file-system errors get their message."""
    try:
        yield
    except OSError as exc:
        raise ScanFileError(
            f"{path} cannot be read ({exc.strerror or exc}): check that it exists, is a file, and is not "
            f"open in another program."
        ) from None


def check_encoding(encoding: str) -> str:
    """``encoding`` as Python names it, or a ScanFileError if Python does not know it."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ScanFileError(
            f"Unknown encoding '{encoding}': choose one of utf-8, utf-8-sig, gb18030, gbk, big5 or latin-1."
        ) from None


# -- layouts of the apps ------------------------------------------------------------------------


def _norm(name):
    return re.sub(r"[\s_\-()（）#]", "", str(name).strip().lower().lstrip("\ufeff"))


def col(number: int) -> str:
    return f"col{number}"


@dataclass(frozen=True)
class Layout:
    """One app's export, as its documentation or source writes it."""

    name: str
    source: str  # where the layout is documented
    shape: str
    mapping: dict  # role -> column (a header name, or colN for a headerless layout)
    header: tuple = ()  # the header row, when the app writes one
    delimiter: str = ","
    columns: int = 0  # headerless: how many values a row has
    default_network: str = ""  # the technology of every row when no column says it
    section_end: str = ""  # a first value that ends the data (airodump's station section)
    # An app that adds columns from version to version (Tower Collector: 18, then 35, then 40):
    # its header is recognised when it holds every column the mapping reads, in any order.
    grows: bool = False

    def matches_header(self, names):
        ours = [_norm(h) for h in self.header]
        theirs = [_norm(n) for n in names]
        while theirs and not theirs[-1]:  # a trailing delimiter makes an empty last name
            theirs.pop()
        if self.grows:
            return bool(ours) and {_norm(c) for c in self.mapping.values()} <= set(theirs)
        return bool(ours) and theirs == ours


AIRODUMP_HEADER = (
    "BSSID",
    "First time seen",
    "Last time seen",
    "channel",
    "Speed",
    "Privacy",
    "Cipher",
    "Authentication",
    "Power",
    "# beacons",
    "# IV",
    "LAN IP",
    "ID-length",
    "ESSID",
    "Key",
)
KISMET_HEADER = (
    "Network",
    "NetType",
    "ESSID",
    "BSSID",
    "Info",
    "Channel",
    "Cloaked",
    "Encryption",
    "Decrypted",
    "MaxRate",
    "MaxSeenRate",
    "Beacon",
    "LLC",
    "Data",
    "Crypt",
    "Weak",
    "Total",
    "Carrier",
    "Encoding",
    "FirstTime",
    "LastTime",
    "BestQuality",
    "BestSignal",
    "BestNoise",
    "GPSMinLat",
    "GPSMinLon",
    "GPSMinAlt",
    "GPSMinSpd",
    "GPSMaxLat",
    "GPSMaxLon",
    "GPSMaxAlt",
    "GPSMaxSpd",
    "GPSBestLat",
    "GPSBestLon",
    "GPSBestAlt",
    "DataSize",
    "IPType",
    "IP",
)
TOWER_COLLECTOR_HEADER = (
    "mcc",
    "mnc",
    "lac",
    "cell_id",
    "psc",
    "asu",
    "dbm",
    "ta",
    "lat",
    "lon",
    "accuracy",
    "speed",
    "bearing",
    "altitude",
    "measured_at",
    "net_type",
    "neighboring",
    "device",
)
GMON_HEADER = (
    "BSSID",
    "LAT",
    "LON",
    "SSID",
    "Crypt",
    "Beacon Interval",
    "Connection Mode",
    "Channel",
    "RXL",
    "Date",
    "Time",
)
NETWORK_SURVEY_LTE_HEADER = (
    "deviceTime",
    "latitude",
    "longitude",
    "altitude",
    "speed",
    "accuracy",
    "missionId",
    "recordNumber",
    "groupNumber",
    "mcc",
    "mnc",
    "tac",
    "eci",
    "earfcn",
    "pci",
    "rsrp",
    "rsrq",
    "ta",
    "servingCell",
    "lteBandwidth",
    "provider",
    "signalStrength",
    "cqi",
    "slot",
    "snr",
    "deviceSerialNumber",
    "locationAge",
)
WIGLE14_HEADER = (
    "MAC",
    "SSID",
    "AuthMode",
    "FirstSeen",
    "Channel",
    "RSSI",
    "CurrentLatitude",
    "CurrentLongitude",
    "AltitudeMeters",
    "AccuracyMeters",
    "Type",
)
WIGLE16_HEADER = (
    "MAC",
    "SSID",
    "AuthMode",
    "FirstSeen",
    "Channel",
    "Frequency",
    "RSSI",
    "CurrentLatitude",
    "CurrentLongitude",
    "AltitudeMeters",
    "AccuracyMeters",
    "RCOIs",
    "MfgrId",
    "Type",
)
_WIGLE_MAPPING = {
    "mac": "MAC",
    "ssid": "SSID",
    "time": "FirstSeen",
    "rssi": "RSSI",
    "lat": "CurrentLatitude",
    "lng": "CurrentLongitude",
    "radio": "Type",
}

LAYOUTS = (
    Layout(
        "WiGLE 1.4", "WiGLE CSV 1.4 (wigle.net, Android app export)", SHAPE_OBSERVATIONS, _WIGLE_MAPPING, WIGLE14_HEADER
    ),
    Layout(
        "WiGLE 1.6", "WiGLE CSV 1.6 (wigle.net, Android app export)", SHAPE_OBSERVATIONS, _WIGLE_MAPPING, WIGLE16_HEADER
    ),
    # "Power -1 means the driver gave no reading"; the station section after the APs is skipped.
    Layout(
        "airodump-ng CSV",
        "aircrack-ng: airodump-ng --output-format csv",
        SHAPE_OBSERVATIONS,
        {"mac": "BSSID", "time": "Last time seen", "rssi": "Power", "ssid": "ESSID"},
        AIRODUMP_HEADER,
        section_end="Station MAC",
    ),
    Layout(
        "Kismet CSV",
        "Kismet's .csv network log (also written by airodump-ng)",
        SHAPE_OBSERVATIONS,
        {
            "mac": "BSSID",
            "ssid": "ESSID",
            "time": "LastTime",
            "rssi": "BestSignal",
            "lat": "GPSBestLat",
            "lng": "GPSBestLon",
        },
        KISMET_HEADER,
        delimiter=";",
    ),
    Layout(
        "Tower Collector CSV",
        "Tower Collector (zamojski/TowerCollector) CSV export",
        SHAPE_OBSERVATIONS,
        {
            "mcc": "mcc",
            "mnc": "mnc",
            "lac": "lac",
            "cellid": "cell_id",
            "signal": "dbm",
            "lat": "lat",
            "lng": "lon",
            "time": "measured_at",
            "radio": "net_type",
            "neighbour": "neighboring",
        },
        TOWER_COLLECTOR_HEADER,
        grows=True,
    ),
    Layout(
        "G-MoN",
        "G-MoN WLAN export",
        SHAPE_OBSERVATIONS,
        {"mac": "BSSID", "lat": "LAT", "lng": "LON", "ssid": "SSID", "rssi": "RXL", "date": "Date", "time": "Time"},
        GMON_HEADER,
        delimiter=";",
    ),
    Layout(
        "Network Survey LTE",
        "Network Survey (Android) LTE CSV",
        SHAPE_OBSERVATIONS,
        {
            "time": "deviceTime",
            "lat": "latitude",
            "lng": "longitude",
            "scan_id": "groupNumber",
            "mcc": "mcc",
            "mnc": "mnc",
            "lac": "tac",
            "cellid": "eci",
            "signal": "rsrp",
            "serving": "servingCell",
        },
        NETWORK_SURVEY_LTE_HEADER,
        default_network="LTE",
    ),
    # Headerless layouts: recognised by what their rows hold (see _HEADERLESS_TESTS).
    Layout(
        "G-MoN (no header)",
        "G-MoN WLAN export",
        SHAPE_OBSERVATIONS,
        {"mac": col(1), "lat": col(2), "lng": col(3), "ssid": col(4), "rssi": col(9), "date": col(10), "time": col(11)},
        delimiter=";",
        columns=11,
    ),
    Layout(
        "CellMapper CSV export",
        "CellMapper CSV export: lat, lon, altitude, mcc, mnc, tac/lac, cid, signal dBm, "
        "technology, technology, channel, pci",
        SHAPE_SPLIT,
        {
            "lat": col(1),
            "lng": col(2),
            "mcc": col(4),
            "mnc": col(5),
            "lac": col(6),
            "cellid": col(7),
            "signal": col(8),
            "radio": col(9),
        },
        columns=12,
    ),
    # NetMonster's NTM cell file: tech;mcc;mnc;cid;lac;rnc/enb;psc/pci;lat;lon;location;arfcn
    # (2147483647 = unknown). A cell list without signals: each row is one cell, located alone.
    Layout(
        "NetMonster NTM",
        "NetMonster NTM cell file (tech;mcc;mnc;cid;lac;rnc;psc;lat;lon;location;arfcn)",
        SHAPE_SPLIT,
        {"radio": col(1), "mcc": col(2), "mnc": col(3), "cellid": col(4), "lac": col(5), "lat": col(8), "lng": col(9)},
        delimiter=";",
        columns=11,
    ),
)
LAYOUT_NAMES = tuple(layout.name for layout in LAYOUTS)
LAYOUT_BY_NAME = {layout.name: layout for layout in LAYOUTS}

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # a number as text, nothing around it
_MAC_TEXT = re.compile(r"([0-9A-Fa-f]{2}[:\-]){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{12}")
_TECHNOLOGIES = {
    "GSM",
    "GPRS",
    "EDGE",
    "UMTS",
    "WCDMA",
    "HSPA",
    "HSPA+",
    "HSDPA",
    "HSUPA",
    "LTE",
    "NR",
    "CDMA",
    "TDSCDMA",
    "TD-SCDMA",
    "NBIOT",
    "5G",
    "4G",
    "3G",
    "2G",
}


def is_number(text: object) -> bool:
    return bool(NUMBER.fullmatch(str(text).strip()))


def _is_mac(text):
    return bool(_MAC_TEXT.fullmatch(str(text).strip()))


def _lat_lng(a, b):
    try:
        lat, lng = float(a), float(b)
    except ValueError:
        return False
    return -90 <= lat <= 90 and -180 <= lng <= 180


def _cellmapper_row(values):
    return (
        len(values) == 12
        and _lat_lng(values[0], values[1])
        and all(is_number(v) for v in values[3:8])
        and values[8].strip().upper() in _TECHNOLOGIES
    )


def _ntm_row(values):
    return (
        len(values) == 11
        and values[0].strip().upper() in {"2G", "3G", "4G", "5G", "CD2"}
        and all(is_number(v) for v in values[1:5])
    )


def _gmon_row(values):
    return len(values) == 11 and _is_mac(values[0]) and _lat_lng(values[1], values[2]) and is_number(values[8])


_HEADERLESS_TESTS = {
    "G-MoN (no header)": (_gmon_row, "a MAC, then latitude and longitude, RXL in column 9"),
    "CellMapper CSV export": (
        _cellmapper_row,
        "12 values: latitude, longitude, altitude, then MCC, MNC, TAC, CID, signal and a technology name in column 9",
    ),
    "NetMonster NTM": (_ntm_row, "11 values starting with 2G/3G/4G/5G/CD2, then MCC, MNC, CID, LAC"),
}


def looks_like_data(values: Sequence[str]) -> bool:
    """A first row that holds a number or a MAC address is data, not a header."""
    return any(is_number(v) or _is_mac(v) for v in values if v.strip())


# -- the format of one file -------------------------------------------------------------------------


@dataclass
class FileFormat:
    encoding: str
    delimiter: str
    header: list
    shape: str
    mapping: dict  # role -> column name
    skip_lines: int = 0  # lines before the header (WiGLE's pre-header)
    has_header: bool = True
    layout: str = ""  # a name of LAYOUT_NAMES, or ""
    why: str = ""  # how the layout or the header decision was made
    default_network: str = ""
    section_end: str = ""
    window_s: float = DEFAULT_WINDOW_S
    distance_m: float = DEFAULT_DISTANCE_M
    warnings: list = field(default_factory=list)
    sample: list = field(default_factory=list, repr=False)  # the first data rows, as sniff read them

    def chosen(self, mapping: dict, shape: str | None = None, keep_guesses: bool = True) -> FileFormat:
        """This format with the user's choices: ``mapping`` (role -> column) merged into the
        guessed one (a column or role it names leaves the guess), or, without ``keep_guesses``,
        instead of it; ``shape`` (None: the layout's, else guessed from the mapping). The warnings follow."""
        unknown = [c for c in mapping.values() if c and c not in self.header]
        if unknown:
            raise ScanFileError(
                f"Column(s) {', '.join(unknown)} are not in the file's "
                + ("header" if self.has_header else "columns")
                + f" ({', '.join(self.header)})."
            )
        bad_roles = [r for r in mapping if r not in ROLES]
        if bad_roles:
            raise ScanFileError(f"Unknown mapping role(s) {', '.join(bad_roles)}; roles are {', '.join(ROLES)}.")
        kept = (
            {r: c for r, c in self.mapping.items() if c not in mapping.values() and r not in mapping}
            if keep_guesses
            else {}
        )
        kept.update({r: c for r, c in mapping.items() if c})
        layout = LAYOUT_BY_NAME.get(self.layout)
        fmt = replace(self, mapping=kept, shape=shape or (layout.shape if layout else guess_shape(kept)), warnings=[])
        fmt.warnings.extend(format_warnings(fmt))
        return fmt

    def describe(self):
        what = f"{self.layout} " if self.layout else ""
        header = "" if self.has_header else ", no header row"
        return (
            f"{what}{self.shape} shape, {self.encoding}, delimiter {self.delimiter!r}, "
            f"{len(self.header)} columns{header}"
        )


def detect_encoding(raw: bytes) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030 from the first bytes of a file."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if raw and raw.count(b"\x00") > len(raw) // 4:  # UTF-16 without a BOM
        return "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3:  # a character cut by the sample's end
            return "utf-8"
    return "gb18030"  # rows with broken bytes get reported


def first_undecodable_line(path: str | os.PathLike, encoding: str) -> int | None:
    """The line number of the first byte that is not ``encoding``, or None (whole file, streamed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    with reading(path), open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(ENCODING_CHUNK), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: max(0, exc.start)].count(b"\n")
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def decide_encoding(path: str | os.PathLike, sample: bytes) -> str:
    """The encoding that decodes the whole file: the sample's guess, else GB18030. Raises
    ScanFileError, naming the line, when no candidate does (a file that mixes encodings)."""
    guess = detect_encoding(sample)
    bad_line = first_undecodable_line(path, guess)
    if bad_line is None:
        return guess
    if guess == "utf-8" and first_undecodable_line(path, "gb18030") is None:
        return "gb18030"
    raise ScanFileError(
        f"Line {bad_line:,} of {path} is not {guess} although the lines before it are: the file "
        "mixes encodings. Save it in one encoding (UTF-8), or choose the encoding explicitly "
        "(characters that do not decode are then shown as �)."
    )


def guess_mapping(header: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """role -> column, from the header's names (English and Chinese aliases). Where several
    columns carry one name (a joined export's 'lat' and 'Lat'), the first with data in ``rows``
    (the sample) wins: a column of zeros or blanks is no position."""
    normalised = [_norm(h) for h in header]
    mapping = {}
    used = set()
    for role, aliases in ALIASES.items():
        for alias in aliases:
            if alias in normalised:
                candidates = [k for k, name in enumerate(normalised) if name == alias and header[k] not in used]
                if candidates:
                    k = next((k for k in candidates if _has_data(rows, k)), candidates[0])
                    mapping[role] = header[k]
                    used.add(header[k])
                break
    return mapping


def _has_data(rows, k):
    """Whether column ``k`` holds a value other than blank or zero in any sampled row."""
    for row in rows:
        value = row[k].strip() if k < len(row) else ""
        if value and value.strip("0.,+-") != "":
            return True
    return False


def guess_shape(mapping: dict[str, str]) -> str:
    if any(role in mapping for role in ("macs", "bts", "nearbts", "mmac")):
        return SHAPE_BAIDU
    if "mac" in mapping or "scan_id" in mapping:
        return SHAPE_OBSERVATIONS
    return SHAPE_SPLIT


def _delimiter_of(content):
    try:
        return csv.Sniffer().sniff("\n".join(content[:20]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: content[0].count(d) for d in DELIMITERS}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _kismet_power_column(sample_rows, header):
    """airodump-ng writes Kismet CSV with the power in BestQuality and 0 in BestSignal."""
    try:
        quality, signal = header.index("BestQuality"), header.index("BestSignal")
    except ValueError:
        return None
    rows = [r for r in sample_rows if len(r) > max(quality, signal)]
    if (
        rows
        and all(r[signal].strip() in ("0", "") for r in rows)
        and any(is_number(r[quality]) and float(r[quality]) < 0 for r in rows)
    ):
        return "BestQuality"
    return None


def sniff(
    path,
    *,
    mapping=None,
    shape=None,
    encoding=None,
    delimiter=None,
    header=HEADER_AUTO,
    window_s=DEFAULT_WINDOW_S,
    distance_m=DEFAULT_DISTANCE_M,
):
    """The :class:`FileFormat` of a file; the arguments given override the guesses (``mapping``
    merged into the guessed one: see :meth:`FileFormat.chosen`). ``header`` is 'auto' (decide from
    the first row), 'yes' or 'no'."""
    if header not in HEADER_CHOICES:
        raise ScanFileError(f"Header must be one of {', '.join(HEADER_CHOICES)}, not {header!r}.")
    if encoding:
        check_encoding(encoding)
    encoding, lines = _sample_lines(path, encoding)
    skip, pre_header = (1, "WiGLE " + lines[0].split(",")[0].split("-")[1]) if _is_wigle(lines) else (0, "")
    content = [line for line in lines[skip:] if line.strip() and not line.lstrip().startswith("#")][:SAMPLE_ROWS]
    if not content:
        raise ScanFileError(f"{path} has no data rows.")
    delimiter = delimiter or _delimiter_of(content)
    rows = list(csv.reader(content, delimiter=delimiter, skipinitialspace=True))
    table = _table_of(rows, header, delimiter, pre_header)
    layout = table.layout
    fmt = FileFormat(
        encoding=encoding,
        delimiter=delimiter,
        header=table.names,
        shape="",
        mapping=_guessed_mapping(table),
        skip_lines=skip,
        has_header=table.has_header,
        layout=layout.name if layout else pre_header,
        why=table.why,
        default_network=layout.default_network if layout else "",
        section_end=layout.section_end if layout else "",
        window_s=window_s,
        distance_m=distance_m,
        sample=table.rows,
    )
    return fmt.chosen(mapping or {}, shape)


def _sample_lines(path, encoding):
    """(encoding, the lines of the file's first SAMPLE_BYTES, without a line cut by their end)."""
    with reading(path), open(path, "rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    if not raw.strip():
        raise ScanFileError(f"{path} is empty.")
    encoding = encoding or decide_encoding(path, raw)
    lines = raw.decode(encoding, errors="replace").splitlines()
    if len(raw) == SAMPLE_BYTES and len(lines) > 1:
        lines.pop()  # cut by the sample's end
    return encoding, lines


def _is_wigle(lines):
    """WiGLE's exports start with a pre-header line (WigleWifi-1.4,appRelease=…) above the header."""
    return bool(lines) and lines[0].startswith("WigleWifi-")


@dataclass
class _Table:
    """The sampled rows read as a table: whether a header row is there, the column names, the
    known layout they match (or None), why, and the data rows."""

    has_header: bool
    names: list
    layout: Layout | None
    why: str
    rows: list


def _table_of(rows, header, delimiter, pre_header) -> _Table:
    first = [v.strip().lstrip("\ufeff") for v in rows[0]]
    if header == HEADER_NO or (header == HEADER_AUTO and looks_like_data(first)):
        return _headerless_table(rows, first, header, delimiter)
    names = list(first)
    while names and not names[-1]:  # a trailing delimiter (airodump, Kismet)
        names.pop()
    for candidate in LAYOUTS:
        if candidate.header and candidate.matches_header(names):
            if candidate.name.startswith("WiGLE") and pre_header and pre_header != candidate.name:
                continue
            return _Table(True, names, candidate, f"{candidate.name}: its header row ({candidate.source})", rows[1:])
    return _Table(True, names, None, f"{pre_header}: the first line says so" if pre_header else "", rows[1:])


def _headerless_table(rows, first, header, delimiter) -> _Table:
    """Rows without a header: columns named by position; a known headerless layout if the first
    row passes its test."""
    names = [col(k + 1) for k in range(max(len(r) for r in rows))]
    if header == HEADER_NO:
        why = "no header row, as chosen"
    else:
        why = f"no header row: the first row holds data ({', '.join(first[:4])}, …)"
    for candidate in LAYOUTS:
        test = _HEADERLESS_TESTS.get(candidate.name)
        if test and candidate.delimiter == delimiter and test[0](first):
            return _Table(False, names, candidate, f"{why}; {candidate.name}: {test[1]}", rows)
    return _Table(False, names, None, why, rows)


def _guessed_mapping(table: _Table) -> dict:
    """Roles to columns: the layout's, else guessed from the header's names (none without one)."""
    layout = table.layout
    if layout is None:
        return guess_mapping(table.names, table.rows) if table.has_header else {}
    guessed = dict(layout.mapping)
    if layout.name == "Kismet CSV":
        power = _kismet_power_column(table.rows, table.names)
        if power:
            guessed["rssi"] = power
            table.why += "; BestSignal is 0 and BestQuality holds dBm (written by airodump-ng): RSSI from BestQuality"
    return guessed


def format_warnings(fmt: FileFormat) -> list[str]:
    """What the user should know before running: roles that decide whether scans can be made."""
    warnings = []
    mapped = set(fmt.mapping)
    if not mapped & set(WIFI_ROLES + CELL_ROLES):
        what = "the file has no header row" if not fmt.has_header else "no column name was recognised"
        warnings.append(
            f"No column is mapped to a WiFi role (mac or macs) or a cell role (bts, or lac and cellid): "
            f"{what}. Map the columns (for example mac=col1;rssi=col2), or no scan can be made."
        )
    if "mac" in mapped and "rssi" not in mapped:
        warnings.append(
            "No signal column is mapped for the access points (role rssi): they cannot be sent. "
            "Map rssi to the column of signal strengths in dBm."
        )
    if fmt.shape == SHAPE_OBSERVATIONS and not mapped & {"scan_id", "time"}:
        warnings.append(
            "The file has one row per access point or cell but neither a time nor a scan-id column: "
            "all its rows are taken as ONE scan. Map time or scan_id if it holds several scans."
        )
    if fmt.shape == SHAPE_OBSERVATIONS and "scan_id" not in mapped:
        warnings.extend(_time_grouping_warnings(fmt, "mac" in mapped))
    return warnings


def _time_grouping_warnings(fmt, per_ap_rows, at_least=5):
    """What grouping the sampled rows by time would do wrong: a time column none of whose values
    reads as a time, or (per-AP rows, ``at_least`` of them) times so far apart that every row would
    be a scan of its own, one access point, too few to be positioned."""
    from .scans import parse_time  # scans imports this module

    texts = _time_texts(fmt)
    times = sorted(t for t in map(parse_time, texts) if t is not None)
    if texts and not times:
        return [
            f"The time column '{fmt.mapping['time']}' cannot be read as a time (e.g. {texts[0]!r}, as a "
            "spreadsheet may have rewritten it): rows are grouped into scans by time, so every row would be a "
            "scan of its own, with one access point, too few to be positioned. Map time to another column, or "
            "map scan_id, before anything is sent."
        ]
    if per_ap_rows and len(times) >= at_least and all(b - a > fmt.window_s for a, b in zip(times, times[1:])):
        return [
            f"In the first {len(fmt.sample)} rows every access point is a scan of its own: no two rows are within "
            f"{fmt.window_s:g} s of each other in '{fmt.mapping.get('time')}', and a scan of one access point "
            "cannot be positioned (Baidu needs two). Map scan_id if the file has one, or widen 'one scan within' "
            "(the window), before anything is sent."
        ]
    return []


def _time_texts(fmt):
    """The sampled rows' time texts (with the date column, where there is one)."""

    def column(role):
        name = fmt.mapping.get(role)
        return fmt.header.index(name) if name in fmt.header else None

    time_at, date_at = column("time"), column("date")
    if time_at is None:
        return []
    values = []
    for row in fmt.sample:
        value = row[time_at].strip() if time_at < len(row) else ""
        if value and date_at is not None and date_at < len(row):
            value = f"{row[date_at].strip()} {value}"
        if value:
            values.append(value)
    return values
