"""Reading scan files: encoding, delimiter, shape and columns guessed; every row normalised and
validated as public clients of Baidu's positioning API do. Streamed: memory does not grow with
the file.

Shapes (shared/reference/scan-csv-formats.md):
  baidu         one row per scan, the API's own columns (bts, nearbts, macs, mmac, …)
  split         one row per scan, split cell columns (mcc, mnc, lac, ci, signal) and/or a WiFi list
  observations  one row per access point or cell, grouped into scans by a scan-id column or by
                time (WiGLE 1.4/1.6: the WIFI and cell rows of one FirstSeen second form a scan)

Grouping is by consecutive rows with the same key, which is how scanners write their files and
keeps reading streamed; a key that comes back later starts another scan.
"""

import codecs
import csv
import re
from dataclasses import dataclass, field

from .errors import InputError

SAMPLE_BYTES = 64 * 1024
MAX_APS = 30
MIN_APS_WIFI_ONLY = 2
MAX_SSID = 32
UNKNOWN_SIGNAL = 50          # the seed doc's value for "signal unknown"
DELIMITERS = ",;\t|"

SHAPE_BAIDU, SHAPE_SPLIT, SHAPE_OBSERVATIONS = "baidu", "split", "observations"

# role -> header aliases (lower case, spaces and underscores ignored). First match wins.
ALIASES = {
    "macs": ["macs", "wifilist", "wifis", "wifi", "bssids", "wifi列表", "热点列表"],
    "bts": ["bts", "基站"],
    "nearbts": ["nearbts", "周边基站", "邻区"],
    "mmac": ["mmac", "已连热点", "connectedmac"],
    "mac": ["mac", "bssid", "apmac", "wifimac", "mac地址"],
    "ssid": ["ssid", "wifi名称", "热点名称"],
    "rssi": ["rssi", "rxl", "level", "信号强度", "wifi信号"],
    "mcc": ["mcc", "移动国家码"],
    "mnc": ["mnc", "移动网络码", "运营商代码"],
    "lac": ["lac", "tac", "位置区码", "跟踪区码"],
    "cellid": ["ci", "cid", "cellid", "eci", "小区id", "小区号", "基站id"],
    "signal": ["signal", "rsrp", "dbm", "signalstrength", "信号"],
    "radio": ["type", "radio", "网络制式", "制式"],
    "network": ["network", "网络类型"],
    "cdma": ["cdma"],
    "scan_id": ["scanid", "scan", "groupnumber", "扫描id", "扫描编号", "批次"],
    "time": ["firstseen", "timestamp", "time", "devicetime", "datetime", "时间", "采集时间"],
    "date": ["date", "日期"],
    "lng": ["lng", "lon", "longitude", "currentlongitude", "经度"],
    "lat": ["lat", "latitude", "currentlatitude", "纬度"],
    "imei": ["imei"],
    "imsi": ["imsi"],
    "clientip": ["clientip"],
    "ctime": ["ctime"],
    "accesstype": ["accesstype"],
}
ROLES = tuple(ALIASES)
# The fields of the API that a baidu-shaped file may carry as they are.
PASSTHROUGH = ("imei", "imsi", "clientip")
GMON_HEADER = ["BSSID", "LAT", "LON", "SSID", "Crypt", "Beacon Interval", "Connection Mode", "Channel", "RXL",
               "Date", "Time"]
_MAC_HEX = re.compile(r"[^0-9a-f]")
_NORMAL_MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z")
WIFI_TYPES = {"WIFI", "WLAN", ""}
CELL_TYPES = {"GSM", "LTE", "WCDMA", "UMTS", "CDMA", "NR", "TDSCDMA", "TD-SCDMA", "NBIOT"}
# Values of the API's `network`; the doc lists 2G/3G names only, so 4G/5G are sent as their names.
NETWORK_NAMES = {"GSM": "GSM", "GPRS": "GPRS", "EDGE": "EDGE", "UMTS": "WCDMA", "WCDMA": "WCDMA",
                 "HSDPA": "HSDPA", "HSUPA": "HSUPA", "CDMA": "CDMA", "LTE": "LTE", "NR": "NR",
                 "TDSCDMA": "WCDMA", "TD-SCDMA": "WCDMA"}


class ScanFileError(InputError):
    """The file cannot be read at all (not a row problem)."""


# csv's limit (131,072 characters) is process-wide; raising it only lets other code read more.
# Far above any real scan field, and still a bound: a longer field (an unclosed quote running
# on through the file) is one invalid row, with the lines it spans, and reading goes on.
FIELD_LIMIT = 4 * 1024 * 1024
if csv.field_size_limit() < FIELD_LIMIT:
    csv.field_size_limit(FIELD_LIMIT)
ENCODING_CHUNK = 1 << 20


@dataclass
class FileFormat:
    encoding: str
    delimiter: str
    header: list
    shape: str
    mapping: dict                 # role -> column name
    skip_lines: int = 0           # lines before the header (WiGLE's pre-header)
    has_header: bool = True
    flavour: str = ""             # "WiGLE 1.4", "WiGLE 1.6", "G-MoN", "Network Survey LTE", ""

    def describe(self):
        what = f"{self.flavour} " if self.flavour else ""
        return (f"{what}{self.shape} shape, {self.encoding}, delimiter {self.delimiter!r}, "
                f"{len(self.header)} columns")


@dataclass
class Scan:
    """One scan: the source rows it came from, its request body (or why it has none)."""

    index: int                    # 0-based scan number, in file order
    rows: list                    # 1-based data row numbers
    values: list                  # the first row's values, as read
    body: dict = None             # the API body without ctime/coor/need_rgc/output
    invalid: str = ""             # why no valid request can be made
    truth: tuple = None           # (lng, lat) WGS84 ground truth, if the file has it
    notes: list = field(default_factory=list)

    @property
    def rows_text(self):
        if len(self.rows) == 1:
            return str(self.rows[0])
        if self.rows == list(range(self.rows[0], self.rows[-1] + 1)):
            return f"{self.rows[0]}-{self.rows[-1]}"
        return ",".join(map(str, self.rows))


# -- format detection ---------------------------------------------------------------------------

def detect_encoding(raw):
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
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "gb18030"  # decoded with replacement; rows with broken bytes get reported


def first_undecodable_line(path, encoding):
    """The line number of the first byte that is not ``encoding``, or None (whole file, streamed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(ENCODING_CHUNK), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[:max(0, exc.start)].count(b"\n")
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def decide_encoding(path, sample):
    """The encoding that decodes the whole file: the sample's guess, else GB18030. Raises
    ScanFileError, naming the line, when no candidate does (a file that mixes encodings)."""
    guess = detect_encoding(sample)
    bad_line = first_undecodable_line(path, guess)
    if bad_line is None:
        return guess
    if guess == "utf-8" and first_undecodable_line(path, "gb18030") is None:
        return "gb18030"
    raise ScanFileError(f"Line {bad_line:,} of {path} is not {guess} although the lines before it are: the file "
                        "mixes encodings. Save it in one encoding (UTF-8), or choose the encoding explicitly "
                        "(characters that do not decode are then shown as �).")


def _norm(name):
    return re.sub(r"[\s_\-()（）]", "", name.strip().lower().lstrip("\ufeff"))


def guess_mapping(header):
    """role -> column, from the header's names (English and Chinese aliases)."""
    normalised = [_norm(h) for h in header]
    mapping = {}
    used = set()
    for role, aliases in ALIASES.items():
        for alias in aliases:
            if alias in normalised:
                column = header[normalised.index(alias)]
                if column not in used:
                    mapping[role] = column
                    used.add(column)
                break
    return mapping


def guess_shape(mapping):
    if any(role in mapping for role in ("macs", "bts", "nearbts", "mmac")):
        return SHAPE_BAIDU
    if "mac" in mapping or "scan_id" in mapping:
        return SHAPE_OBSERVATIONS
    return SHAPE_SPLIT


def _looks_like_mac(text):
    return len(_MAC_HEX.sub("", text.lower())) == 12 and bool(re.fullmatch(r"[0-9A-Fa-f:\-.]{12,17}", text.strip()))


def sniff(path, mapping=None, shape=None, encoding=None, delimiter=None):
    """The :class:`FileFormat` of a file; explicit arguments override the guesses."""
    with open(path, "rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    if not raw.strip():
        raise ScanFileError(f"{path} is empty.")
    encoding = encoding or decide_encoding(path, raw)
    text = raw.decode(encoding, errors="replace")
    lines = text.splitlines()
    skip = 0
    flavour = ""
    if lines and lines[0].startswith("WigleWifi-"):
        flavour = "WiGLE " + lines[0].split(",")[0].split("-")[1]
        skip = 1
    content = [l for l in lines[skip:] if l.strip() and not l.lstrip().startswith("#")][:50]
    if not content:
        raise ScanFileError(f"{path} has no data rows.")
    if not delimiter:
        try:
            delimiter = csv.Sniffer().sniff("\n".join(content[:20]), delimiters=DELIMITERS).delimiter
        except csv.Error:
            counts = {d: content[0].count(d) for d in DELIMITERS}
            delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    first = next(csv.reader([content[0]], delimiter=delimiter))
    has_header = True
    if _looks_like_mac(first[0]) and len(first) == len(GMON_HEADER):
        header, has_header, flavour = list(GMON_HEADER), False, "G-MoN"
    else:
        header = [h.strip().lstrip("\ufeff") for h in first]
        if header[:2] == ["BSSID", "LAT"]:
            flavour = "G-MoN"
        elif "earfcn" in [_norm(h) for h in header]:
            flavour = "Network Survey LTE"
    guessed = guess_mapping(header)
    if mapping:
        unknown = [c for c in mapping.values() if c and c not in header]
        if unknown:
            raise ScanFileError(f"Column(s) {', '.join(unknown)} are not in the file's header "
                                f"({', '.join(header)}).")
        bad_roles = [r for r in mapping if r not in ROLES]
        if bad_roles:
            raise ScanFileError(f"Unknown mapping role(s) {', '.join(bad_roles)}; roles are {', '.join(ROLES)}.")
        guessed = {r: c for r, c in guessed.items() if c not in mapping.values()}
        guessed.update({r: c for r, c in mapping.items() if c})
    return FileFormat(encoding=encoding, delimiter=delimiter, header=header, shape=shape or guess_shape(guessed),
                      mapping=guessed, skip_lines=skip, has_header=has_header, flavour=flavour)


# -- normalisation --------------------------------------------------------------------------------

def normalise_mac(text):
    """'AA-BB-CC-DD-EE-FF' / 'aabbccddeeff' → 'aa:bb:cc:dd:ee:ff'; None if not a usable AP MAC."""
    text = str(text).strip()
    lower = text.lower()
    if _NORMAL_MAC.match(lower):  # the common case, without the general parsing below
        return lower if lower not in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") else None
    hexdigits = _MAC_HEX.sub("", str(text).lower())
    if len(hexdigits) != 12 or len(re.sub(r"[0-9a-fA-F:\-.\s]", "", str(text))):
        return None
    if hexdigits in ("000000000000", "ffffffffffff"):
        return None
    return ":".join(hexdigits[k:k + 2] for k in range(0, 12, 2))


def normalise_ssid(text):
    return str(text or "").replace("|", "").replace(",", "")[:MAX_SSID]


def _int(text, what, default=None):
    text = str(text).strip() if text is not None else ""
    if text == "":
        if default is not None:
            return default
        raise ValueError(f"{what} is empty")
    try:
        return int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a whole number") from None


def parse_ap_list(text):
    """'mac,rssi,ssid|…' → [(mac, rssi, ssid)] as given (not normalised)."""
    aps = []
    for entry in str(text or "").split("|"):
        if not entry.strip():
            continue
        parts = entry.split(",", 2)
        aps.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else "",
                    parts[2] if len(parts) > 2 else ""))
    return aps


def clean_aps(aps, notes):
    """Normalised, de-duplicated, ``_nomap`` dropped, the 30 strongest; reasons go to ``notes``."""
    best = {}
    dropped_bad = dropped_nomap = 0
    for mac, rssi, ssid in aps:
        normal = normalise_mac(mac)
        if normal is None:
            dropped_bad += 1
            continue
        ssid = normalise_ssid(ssid)
        if ssid.lower().endswith("_nomap"):
            dropped_nomap += 1
            continue
        try:
            level = _int(rssi, "rssi")
        except ValueError:
            dropped_bad += 1
            continue
        if level > 0:
            level = -level  # some exports write |dBm|
        if normal not in best or level > best[normal][0]:
            best[normal] = (level, ssid)
    if dropped_bad:
        notes.append(f"{dropped_bad} AP(s) with an unusable MAC or RSSI dropped")
    if dropped_nomap:
        notes.append(f"{dropped_nomap} AP(s) named *_nomap dropped (opted out of positioning)")
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    if len(ranked) > MAX_APS:
        notes.append(f"{len(ranked) - MAX_APS} weakest AP(s) dropped (at most {MAX_APS})")
    return [(mac, level, ssid) for mac, (level, ssid) in ranked[:MAX_APS]]


def format_aps(aps):
    return "|".join(f"{mac},{level},{ssid}" for mac, level, ssid in aps)


def normalise_cell(mcc, mnc, lac, cellid, signal, what="cell"):
    """'mcc,mnc,lac,cellid,signal' (non-CDMA): lac and cellid required; unknown mcc/mnc → -1."""
    lac_v = _int(lac, f"{what} lac")
    cell_v = _int(cellid, f"{what} cellid")
    if lac_v < 0 or cell_v < 0:
        raise ValueError(f"{what} lac/cellid must be known (got {lac_v}, {cell_v})")
    mcc_v = _int(mcc, f"{what} mcc", -1)
    mnc_v = _int(mnc, f"{what} mnc", -1)
    signal_v = _int(signal, f"{what} signal", UNKNOWN_SIGNAL)
    return f"{mcc_v},{mnc_v},{lac_v},{cell_v},{signal_v}"


def normalise_bts_text(text, what="bts"):
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) == 6:  # CDMA: sid,nid,bid,lon,lat,signal
        sid, nid, bid = (_int(p, f"{what} CDMA field") for p in parts[:3])
        return f"{sid},{nid},{bid},{parts[3]},{parts[4]},{_int(parts[5], f'{what} signal', UNKNOWN_SIGNAL)}"
    if len(parts) != 5:
        raise ValueError(f"{what} {text!r} is not mcc,mnc,lac,cellid,signal")
    return normalise_cell(*parts, what=what)


def _float(text):
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if value == value else None


def _truth(values, index):
    lng, lat = _float(values.get(index.get("lng"))), _float(values.get(index.get("lat")))
    if lng is None or lat is None or (lng == 0 and lat == 0) or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return None
    return (lng, lat)


def build_body(wifi, serving, neighbours, mmac=None, network="", cdma=0, extra=None):
    """The API body (no ctime/coor) and accesstype chosen from what the scan has, or raises."""
    body = {}
    if serving:
        body["accesstype"] = 0
        body["bts"] = serving
        body["network"] = NETWORK_NAMES.get(str(network).upper().replace(" ", ""), "GSM") if network else "GSM"
        body["cdma"] = int(cdma)
        if neighbours:
            body["nearbts"] = "|".join(neighbours)
        if wifi:
            body["macs"] = format_aps(wifi)
    elif len(wifi) >= MIN_APS_WIFI_ONLY:
        body["accesstype"] = 1
        body["macs"] = format_aps(wifi)
    elif wifi:
        raise ValueError(f"only {len(wifi)} usable WiFi AP and no cell: WiFi-only positioning needs at least "
                         f"{MIN_APS_WIFI_ONLY}")
    else:
        raise ValueError("no usable WiFi AP and no cell")
    if mmac:
        body["mmac"] = mmac
    for key, value in (extra or {}).items():
        if value:
            body[key] = value
    return body


# -- reading --------------------------------------------------------------------------------------

@dataclass
class Record:
    number: int                   # 1-based data row number
    values: list
    problem: str = ""             # why the record could not be read ('' when it could)


def _rows(path, fmt):
    """Every data :class:`Record`, streamed. Blank and comment (#) *records* are skipped: a
    quoted field may hold a line break, a blank line or a '#', and is data."""
    with open(path, "r", encoding=fmt.encoding, errors="replace", newline="") as handle:
        for _ in range(fmt.skip_lines):
            handle.readline()
        reader = csv.reader(handle, delimiter=fmt.delimiter)
        header_pending, number = fmt.has_header, 0
        while True:
            first_line = reader.line_num + 1 + fmt.skip_lines
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                last_line = reader.line_num + fmt.skip_lines
                where = f"line {first_line:,}" if last_line <= first_line else f"lines {first_line:,}–{last_line:,}"
                yield Record(number, [], f"{where} cannot be read as CSV ({exc}); an unclosed quote?")
                continue
            if not any(v.strip() for v in values) or values[0].lstrip().startswith("#"):
                continue
            if header_pending:
                header_pending = False
                continue
            number += 1
            yield Record(number, values)


def read_scans(path, fmt):
    """Every scan of the file, in order, each valid or with the reason it is not."""
    index = {role: fmt.header.index(column) for role, column in fmt.mapping.items() if column in fmt.header}
    width = len(fmt.header)
    if fmt.shape == SHAPE_OBSERVATIONS:
        yield from _observation_scans(_rows(path, fmt), index, width, fmt)
        return
    for number, record in enumerate(_rows(path, fmt)):
        if record.problem:
            yield _unreadable(number, record)
            continue
        scan = _row_scan(number, [record.number], _padded(record.values, width), index)
        scan.notes.extend(_extra_values_note(record, width))
        yield scan


def _unreadable(number, record):
    return Scan(index=number, rows=[record.number], values=[], invalid=record.problem)


def _extra_values_note(record, width):
    """Values past the header's last column are not in the output: a note says so ([] or [note])."""
    extra = sum(1 for v in record.values[width:] if v.strip())
    if not extra:
        return []
    return [f"row {record.number} has {len(record.values)} values but the header {width} columns: "
            f"{extra} value(s) past the last column are not in the output"]


def _padded(values, width):
    return values + [""] * (width - len(values)) if len(values) < width else values


class _Row(dict):
    """Values by column position, '' where missing."""

    def get(self, key, default=""):
        if key is None:
            return default
        return super().get(key, default)


def _row_values(values):
    return _Row(enumerate(values))


def _extra(values, index):
    return {key: values.get(index.get(key)).strip() for key in PASSTHROUGH if key in index}


def _row_scan(number, rows, values, index):
    """One row, one scan (baidu and split shapes): API strings and split cell columns alike."""
    scan = Scan(index=number, rows=rows, values=values)
    v = _row_values(values)
    scan.truth = _truth(v, index)
    try:
        wifi = clean_aps(parse_ap_list(v.get(index.get("macs"))), scan.notes)
        radio = v.get(index.get("radio")).strip().upper()
        cdma = _int(v.get(index.get("cdma")), "cdma", 1 if radio == "CDMA" else 0)
        serving = None
        if v.get(index.get("bts")).strip():
            serving = normalise_bts_text(v.get(index.get("bts")))
        elif any(v.get(index.get(r)).strip() for r in ("lac", "cellid")):
            signal_role = "signal" if "signal" in index else "rssi"  # split files often call it rssi
            serving = normalise_cell(*(v.get(index.get(r)) for r in ("mcc", "mnc", "lac", "cellid", signal_role)))
        if serving and len(serving.split(",")) == 6:
            cdma = 1
        neighbours = [normalise_bts_text(b, "nearbts") for b in v.get(index.get("nearbts")).split("|") if b.strip()]
        mmac_aps = clean_aps(parse_ap_list(v.get(index.get("mmac"))), [])
        network = v.get(index.get("network")).strip() or radio
        scan.body = build_body(wifi, serving, neighbours, format_aps(mmac_aps[:1]) or None, network, cdma,
                               _extra(v, index))
    except ValueError as exc:
        scan.invalid = str(exc)
    return scan


def _group_key(v, index):
    if "scan_id" in index:
        return v.get(index["scan_id"]).strip()
    time_text = v.get(index.get("time")).strip()
    if "date" in index:  # G-MoN: Date and Time columns
        time_text = f"{v.get(index['date']).strip()} {time_text}"
    return time_text[:19]  # to the second


def _observation_scans(rows, index, width, fmt):
    number = 0
    group, key, notes = [], None, []

    def scan_of_group():
        scan = _observation_scan(number, group, index, fmt)
        scan.notes.extend(notes)
        return scan

    for record in rows:
        if record.problem:  # an unreadable record ends the scan being built, and is one of its own
            if group:
                yield scan_of_group()
                number += 1
                group, key, notes = [], None, []
            yield _unreadable(number, record)
            number += 1
            continue
        values = _padded(record.values, width)
        this_key = _group_key(_row_values(values), index)
        if group and this_key != key:
            yield scan_of_group()
            number += 1
            group, notes = [], []
        key = this_key
        group.append((record.number, values))
        notes.extend(_extra_values_note(record, width))
    if group:
        yield scan_of_group()


def _wigle_cell(mac_field, radio, signal):
    """WiGLE's cell 'MAC' is <MCC><MNC>_<LAC>_<CID> (CDMA: <SID>_<NID>_<BID>)."""
    parts = mac_field.split("_")
    if len(parts) != 3:
        raise ValueError(f"cell id {mac_field!r} is not <MCCMNC>_<LAC>_<CID>")
    if radio == "CDMA":
        return normalise_bts_text(f"{parts[0]},{parts[1]},{parts[2]},,,{signal}")
    mccmnc = parts[0]
    mcc, mnc = (mccmnc[:3], mccmnc[3:]) if len(mccmnc) >= 4 else ("", "")
    return normalise_cell(mcc, mnc, parts[1], parts[2], signal)


def _observation_scan(number, group, index, fmt):
    rows = [r for r, _ in group]
    scan = Scan(index=number, rows=rows, values=group[0][1])
    aps, cells, radios = [], [], []
    problems = []
    default_radio = "LTE" if fmt.flavour == "Network Survey LTE" else ""
    for row, values in group:
        v = _row_values(values)
        if scan.truth is None:
            scan.truth = _truth(v, index)
        radio = v.get(index.get("radio")).strip().upper()
        mac = v.get(index.get("mac")).strip()
        try:
            if radio in CELL_TYPES and "mac" in index and "_" in mac:
                cells.append((_int(v.get(index.get("rssi")), "cell signal", UNKNOWN_SIGNAL),
                              _wigle_cell(mac, radio, v.get(index.get("rssi")))))
                radios.append(radio)
            elif "cellid" in index and v.get(index["cellid"]).strip():
                signal = v.get(index.get("signal"))
                cells.append((_int(signal, "signal", UNKNOWN_SIGNAL),
                              normalise_cell(*(v.get(index.get(r)) for r in ("mcc", "mnc", "lac", "cellid", "signal")))))
                radios.append(radio or v.get(index.get("network")).strip().upper() or default_radio)
            elif radio in WIFI_TYPES and mac:
                aps.append((mac, v.get(index.get("rssi")), v.get(index.get("ssid"))))
            # BT/BLE rows carry nothing the API takes: part of the scan, not sent.
        except ValueError as exc:
            problems.append(f"row {row}: {exc}")
    if problems:
        scan.notes.extend(problems)
    try:
        wifi = clean_aps(aps, scan.notes)
        cells.sort(key=lambda c: -c[0])  # strongest cell serves, the others are neighbours
        serving = cells[0][1] if cells else None
        radio = radios[0] if radios else ""
        scan.body = build_body(wifi, serving, [c[1] for c in cells[1:]], None, radio,
                               1 if radio == "CDMA" else 0)
    except ValueError as exc:
        scan.invalid = "; ".join([str(exc)] + problems)
    return scan


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(text):
    """``text`` as a spreadsheet shows it, never runs it: a leading = @ + - (or a tab/CR) makes
    Excel and LibreOffice evaluate a cell ("=cmd|..."), so such texts get a leading apostrophe.
    Numbers written as text ("-67") stay as they are."""
    if text and (text[0] in "=@\t\r" or text[0] in "+-" and not _NUMBER.fullmatch(text)):
        return "'" + text
    return text


def scan_key(body):
    """A stable text of what the service sees of a scan (for the cache), without ctime."""
    return "&".join(f"{k}={body[k]}" for k in sorted(body) if k != "ctime")


def preview(path, fmt, limit=50):
    """The first ``limit`` data rows as lists of strings (for the dock's preview)."""
    out = []
    for record in _rows(path, fmt):
        out.append(record.values or [record.problem])
        if len(out) >= limit:
            break
    return out
