"""Reading scan files into scans: every data row normalised, validated, and part of exactly one
scan. Which requests the scans make is Baidu's module's business (``baidu.prepare``).

One row per scan (shapes baidu and split) is read as it comes. Rows of one access point or cell
each (shape observations) are grouped into scans in two streamed passes: the first reads only
each row's time, position and kind and decides the groups; the second builds each scan as soon
as its last row has been read. Memory grows with the number of rows (about 150 bytes each:
300,000 per-AP rows take about 45 MB), never with their text. The grouping rule (written in the README):

- a scan-id column: rows with the same id form a scan, wherever they are in the file;
- else a time column: rows are taken in time order; a scan holds the rows seen within
  ``window_s`` seconds of its first row and, where the file has GPS, within ``distance_m``
  metres of its first position (APs of one scan are written over a few seconds, one row each);
  a scan that cannot be positioned alone (fewer than 2 APs and no cell) joins the scan nearest in
  time if that one was heard within ``distance_m`` (without GPS: within the window), since an AP
  written once when first seen stays audible while the phone is near;
- else the whole file is one scan, and ``sniff`` warns about it.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import math
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from . import coords
from .scan_formats import NUMBER, SHAPE_OBSERVATIONS, FileFormat, is_number, reading

MAX_SSID = 32
# What Android and several apps write for "unavailable" (Integer.MAX_VALUE), e.g. NetMonster's NTM.
UNAVAILABLE = 2147483647
# An access point's RSSI of -1 or 0, or above this, is no reading: airodump-ng writes -1 when the
# driver gives none, others 0; nothing heard is stronger than about -10 dBm. The same for cells
# (whose "unavailable", 2147483647, is above it too).
STRONGEST_PLAUSIBLE_RSSI = -10
NO_READING = "-1, 0 or above -10 dBm means no reading"
WIFI_TYPES = {"WIFI", "WLAN", ""}
CELL_TYPES = {
    "GSM",
    "LTE",
    "WCDMA",
    "UMTS",
    "CDMA",
    "NR",
    "TDSCDMA",
    "TD-SCDMA",
    "NBIOT",
    "HSDPA",
    "HSUPA",
    "HSPA",
    "HSPA+",
    "EDGE",
    "GPRS",
}
# The fields of the API that a file may carry as they are.
PASSTHROUGH = ("imei", "imsi", "clientip")
_TRUE = {"true", "1", "yes", "y", "t", "是"}

# csv's limit (131,072 characters) is process-wide; raising it only lets other code read more.
# Far above any real scan field, and still a bound: a longer field (an unclosed quote running
# on through the file) is one invalid row, with the lines it spans, and reading goes on.
FIELD_LIMIT = 4 * 1024 * 1024
if csv.field_size_limit() < FIELD_LIMIT:
    csv.field_size_limit(FIELD_LIMIT)


@dataclass(frozen=True)
class AccessPoint:
    mac: str  # aa:bb:cc:dd:ee:ff
    rssi: int | None = None  # dBm; None: no reading
    ssid: str = ""


@dataclass(frozen=True)
class Cell:
    """A GSM/UMTS/LTE/NR cell, or a CDMA one (then mcc, mnc, lac hold sid, nid, bid)."""

    mcc: int  # -1: unknown
    mnc: int  # -1: unknown
    lac: int  # -1: unknown
    cellid: int  # -1: unknown (unused for CDMA)
    signal: int | None = None  # dBm; None: unknown
    cdma: bool = False
    lng: str = ""  # a CDMA base station's position, when given
    lat: str = ""

    @property
    def known(self):
        return self.lac >= 0 and (self.cdma or self.cellid >= 0)


@dataclass
class Scan:
    """One scan: the rows it came from and what was heard."""

    index: int  # 0-based, in the order scans are read
    rows: list  # 1-based data row numbers
    values: list  # the first row's values, as read
    wifi: list = field(default_factory=list)  # AccessPoints, one per MAC
    cells: list = field(default_factory=list)  # the serving cell first
    network: str = ""  # the serving cell's technology as the file writes it
    connected: AccessPoint | None = None
    extra: dict = field(default_factory=dict)  # imei, imsi, clientip as given
    truth: tuple | None = None  # (lng, lat) WGS84 ground truth, if the file has it
    cell_time: float | None = None  # when the serving cell was heard (epoch seconds), if the file says
    wifi_times: tuple | None = None  # (first, last) moment an AP of the scan was heard, if the file says
    notes: list = field(default_factory=list)
    invalid: str = ""  # why no request can be made (the file's or the API's reason)
    rssi_missing: str = ""  # why some APs have no signal reading
    body: dict | None = None  # the request body, once ``baidu.prepare`` made one

    @property
    def rows_text(self):
        if len(self.rows) == 1:
            return str(self.rows[0])
        if self.rows == list(range(self.rows[0], self.rows[-1] + 1)):
            return f"{self.rows[0]}-{self.rows[-1]}"
        return ",".join(map(str, self.rows))


# -- values ---------------------------------------------------------------------------------------

_MAC_HEX = re.compile(r"[^0-9a-f]")
_NORMAL_MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z")


def normalise_mac(text: object) -> str | None:
    """'AA-BB-CC-DD-EE-FF' / 'aabbccddeeff' → 'aa:bb:cc:dd:ee:ff'; None if not a usable AP MAC."""
    text = str(text).strip()
    lower = text.lower()
    if _NORMAL_MAC.match(lower):  # the common case, without the general parsing below
        return lower if lower not in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") else None
    hexdigits = _MAC_HEX.sub("", lower)
    if len(hexdigits) != 12 or len(re.sub(r"[0-9a-fA-F:\-.\s]", "", text)):
        return None
    if hexdigits in ("000000000000", "ffffffffffff"):
        return None
    return ":".join(hexdigits[k : k + 2] for k in range(0, 12, 2))


def normalise_ssid(text: object) -> str:
    return str(text or "").replace("|", "").replace(",", "")[:MAX_SSID]


def whole_number(text: object, what: str, default: int | None = None) -> int:
    """An integer from a field ('12', '12.0'); ``default`` when empty or unavailable; raises ValueError."""
    text = str(text).strip() if text is not None else ""
    if text == "":
        if default is not None:
            return default
        raise ValueError(f"{what} is empty")
    try:
        value = int(float(text)) if re.fullmatch(r"[+-]?\d+(\.0+)?", text) else int(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a whole number") from None
    return default if value == UNAVAILABLE and default is not None else value


# A number as apps write it: a unit after it ('-85dBm', '173,7m'), '~' for "about" before it, a
# decimal comma (WiFiAnalyzer in a German or Chinese locale).
_NUMBER_WITH_UNIT = re.compile(r"~?\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:dbm|db|m|km)?", re.IGNORECASE)


def number_with_unit(text: object) -> float | None:
    """The number of a field such as '-85dBm', '~173,7m' or '22,54', or None."""
    match = _NUMBER_WITH_UNIT.fullmatch(str(text).strip())
    return float(match.group(1).replace(",", ".")) if match else None


def rssi_reading(text: object) -> tuple[int | None, str]:
    """(dBm or None, problem): None for no reading (empty, -1, 0, above -10 dBm); a problem text
    when the field is not a number at all ('-85dBm' is one)."""
    text = str(text).strip()
    if text == "":
        return None, ""
    value = number_with_unit(text)
    if value is None:
        return None, f"RSSI {text!r} is not a number"
    level = int(value)
    if level > 0:
        level = -level  # some exports write |dBm|
    return (None if level > STRONGEST_PLAUSIBLE_RSSI else level), ""


def cell_signal(text: object) -> int | None:
    """A cell's signal in dBm, or None (unknown: empty, unavailable, 0, -1 or above -10 dBm)."""
    text = str(text).strip()
    if text == "":
        return None
    value = whole_number(text, "cell signal")
    return None if value > STRONGEST_PLAUSIBLE_RSSI else value


def parse_ap_list(text: str) -> list[tuple[str, str, str]]:
    """'mac,rssi,ssid|…' → [(mac, rssi, ssid)] as given (not normalised)."""
    aps = []
    for entry in str(text or "").split("|"):
        if not entry.strip():
            continue
        parts = entry.split(",", 2)
        aps.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""))
    return aps


def clean_aps(aps: Iterable[tuple[str, str, str]], notes: list[str]) -> list[AccessPoint]:
    """AccessPoints: MACs normalised, one per MAC (its strongest reading), ``_nomap`` dropped."""
    best: dict[str, AccessPoint] = {}
    dropped_bad = dropped_nomap = 0
    first_reason = ""
    for mac, rssi, ssid in aps:
        normal = normalise_mac(mac)
        level, problem = rssi_reading(rssi)
        if normal is None or problem:
            dropped_bad += 1
            first_reason = first_reason or (problem or f"MAC {mac!r} is not a MAC address")
            continue
        ssid = normalise_ssid(ssid)
        if ssid.lower().endswith("_nomap"):
            dropped_nomap += 1
            continue
        previous = best.get(normal)
        if previous is None or (level is not None and (previous.rssi is None or level > previous.rssi)):
            best[normal] = AccessPoint(normal, level, ssid)
    if dropped_bad:
        notes.append(f"{dropped_bad} AP(s) with an unusable MAC or RSSI dropped (the first: {first_reason})")
    if dropped_nomap:
        notes.append(f"{dropped_nomap} AP(s) named *_nomap dropped (opted out of positioning)")
    return list(best.values())


def parse_cell_text(text: str, what: str = "bts") -> Cell:
    """A cell in the API's own syntax, kept as written: 'mcc,mnc,lac,cellid,signal' or the CDMA
    'sid,nid,bid,lon,lat,signal'. Unknown values stay as the text says (-1; the document's
    own example sends neighbours as '460,0,-1,-1,13')."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) == 6:
        sid, nid, bid = (whole_number(p, f"{what} CDMA field") for p in parts[:3])
        return Cell(
            sid, nid, bid, -1, whole_number(parts[5], f"{what} signal", 50), cdma=True, lng=parts[3], lat=parts[4]
        )
    if len(parts) != 5:
        raise ValueError(f"{what} {text!r} is not mcc,mnc,lac,cellid,signal")
    mcc, mnc = (whole_number(p, f"{what} {name}", -1) for p, name in zip(parts[:2], ("mcc", "mnc")))
    lac, cellid = (whole_number(p, f"{what} {name}") for p, name in zip(parts[2:4], ("lac", "cellid")))
    return Cell(mcc, mnc, lac, cellid, whole_number(parts[4], f"{what} signal", 50))


def split_cell(mcc: object, mnc: object, lac: object, cellid: object, signal: object, what: str = "cell") -> Cell:
    """A cell from split columns; empty or unavailable ids are unknown (-1)."""
    return Cell(
        whole_number(mcc, f"{what} mcc", -1),
        whole_number(mnc, f"{what} mnc", -1),
        whole_number(lac, f"{what} lac", -1),
        whole_number(cellid, f"{what} cellid", -1),
        cell_signal(signal),
    )


def _float(text):
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return number_with_unit(text)  # '22,5423': a decimal comma
    return value if value == value else None


def _truth(values, index):
    lng, lat = _float(values.get(index.get("lng"))), _float(values.get(index.get("lat")))
    if lng is None or lat is None or (lng == 0 and lat == 0) or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return None
    return (lng, lat)


@functools.lru_cache(maxsize=4096)  # rows of one scan share their time text
def parse_time(text: object) -> float | None:
    """Seconds since the epoch from the time texts apps write (ISO 8601 with or without a zone,
    '2024/05/01 10:00:00', ctime 'Wed Jul 17 14:52:16 2024', epoch seconds or milliseconds), or
    None. A time without a zone is Beijing time: the scans are of China, and the service reads
    the times it is sent (``bts_time`` …) as moments; grouping only needs differences."""
    text = str(text).strip().strip('"')
    if not text:
        return None
    if is_number(text):
        value = float(text)
        return value / 1000.0 if value > 1e11 else value
    candidate = text.replace("/", "-")
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            moment = datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=coords.BEIJING)
    return moment.timestamp()


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance of two (lng, lat) points a few km apart at most (equirectangular)."""
    dlat = math.radians(b[1] - a[1])
    dlng = math.radians(b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return 6371008.8 * math.hypot(dlat, dlng)


# -- records ----------------------------------------------------------------------------------------


@dataclass
class Record:
    number: int  # 1-based data row number
    values: list
    problem: str = ""  # why the record could not be read ('' when it could)


class _Row(dict):
    """Values by column position, '' where missing."""

    def get(self, key, default=""):
        if key is None:
            return default
        return super().get(key, default)


def _rows(path, fmt, skipped=None):
    """Every data :class:`Record`, streamed. Blank and comment (#) *records* are skipped: a
    quoted field may hold a line break, a blank line or a '#', and is data. Reading stops at a
    record starting with ``fmt.section_end`` (airodump's station section); ``skipped`` then
    gets the number of records after it."""
    with reading(path), open(path, "r", encoding=fmt.encoding, errors="replace", newline="") as handle:
        for _ in range(fmt.skip_lines):
            handle.readline()
        reader = csv.reader(handle, delimiter=fmt.delimiter, skipinitialspace=True)
        header_pending, number, ended = fmt.has_header, 0, 0
        while True:
            first_line = reader.line_num + 1 + fmt.skip_lines
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                number += 1
                last_line = reader.line_num + fmt.skip_lines
                where = f"line {first_line:,}" if last_line <= first_line else f"lines {first_line:,}–{last_line:,}"
                yield Record(number, [], f"{where} cannot be read as CSV ({exc}); an unclosed quote?")
                continue
            if not any(v.strip() for v in values) or values[0].lstrip().startswith("#"):
                continue
            if ended or (fmt.section_end and values[0].strip() == fmt.section_end):
                ended += 1
                continue
            if header_pending:
                header_pending = False
                continue
            number += 1
            yield Record(number, values)
    if ended and skipped is not None:
        skipped.append(ended - 1)  # the section's own header is not a row of it


def _extra_values_note(record, width):
    """Values past the header's last column are not in the output: a note says so ([] or [note])."""
    extra = sum(1 for v in record.values[width:] if v.strip())
    if not extra:
        return []
    return [
        f"row {record.number} has {len(record.values)} values but the header {width} columns: "
        f"{extra} value(s) past the last column are not in the output"
    ]


def _padded(values, width):
    return values + [""] * (width - len(values)) if len(values) < width else values


class _Reading:
    """What one pass over a file needs to know about its columns."""

    def __init__(self, fmt):
        self.fmt = fmt
        self.index = {role: fmt.header.index(c) for role, c in fmt.mapping.items() if c in fmt.header}
        self.width = len(fmt.header)
        self.nothing_mapped = not any(r in self.index for r in ("macs", "mac", "mmac", "bts", "nearbts", "cellid"))

    def value(self, row, role):
        return row.get(self.index.get(role)).strip()

    def rssi_missing_why(self):
        if "rssi" not in self.index:
            return "no signal column is mapped (role rssi)"
        return NO_READING


def read_scans(
    path: str | os.PathLike, fmt: FileFormat, on_skipped: Callable[[str], None] | None = None
) -> Iterator[Scan]:
    """Every scan of the file, in order, each with what it heard or why it cannot be used.
    ``on_skipped(message)`` hears about rows that are not scans (airodump's station section)."""
    reading = _Reading(fmt)
    skipped: list[str] = []
    if fmt.shape == SHAPE_OBSERVATIONS:
        yield from _grouped_scans(path, reading, skipped)
    else:
        for number, record in enumerate(_rows(path, fmt, skipped)):
            if record.problem:
                yield Scan(index=number, rows=[record.number], values=[], invalid=record.problem)
                continue
            scan = _row_scan(number, record.number, _padded(record.values, reading.width), reading)
            scan.notes.extend(_extra_values_note(record, reading.width))
            yield scan
    if skipped and on_skipped:
        on_skipped(
            f"{skipped[0]:,} row(s) after '{fmt.section_end}' (the station section: clients, not access "
            "points) are not scans and were skipped."
        )


def _no_columns(scan):
    scan.invalid = (
        "no column is mapped to a WiFi role (mac, macs) or a cell role (bts, lac and cellid): map the file's columns"
    )
    return scan


def _row_scan(number, row_number, values, reading):
    """One row, one scan (baidu and split shapes): API strings and split cell columns alike."""
    scan = Scan(index=number, rows=[row_number], values=values)
    v = _Row(enumerate(values))
    scan.truth = _truth(v, reading.index)
    if reading.nothing_mapped:
        return _no_columns(scan)
    try:
        scan.wifi = clean_aps(parse_ap_list(v.get(reading.index.get("macs"))), scan.notes)
        radio = reading.value(v, "radio").upper()
        cdma = whole_number(reading.value(v, "cdma"), "cdma", 1 if radio == "CDMA" else 0)
        if reading.value(v, "bts"):
            serving = parse_cell_text(reading.value(v, "bts"))
            scan.cells.append(dataclasses.replace(serving, cdma=serving.cdma or bool(cdma)))
        elif reading.value(v, "lac") or reading.value(v, "cellid"):
            signal_role = "signal" if "signal" in reading.index else "rssi"  # split files often call it rssi
            cell = split_cell(*(reading.value(v, r) for r in ("mcc", "mnc", "lac", "cellid", signal_role)))
            scan.cells.append(dataclasses.replace(cell, cdma=bool(cdma)))
        scan.cells.extend(parse_cell_text(b, "nearbts") for b in reading.value(v, "nearbts").split("|") if b.strip())
        connected = clean_aps(parse_ap_list(reading.value(v, "mmac")), [])
        scan.connected = connected[0] if connected else None
        scan.network = reading.value(v, "network") or radio or reading.fmt.default_network
        scan.extra = {key: reading.value(v, key) for key in PASSTHROUGH if reading.value(v, key)}
        when = _row_time(v, reading) if "time" in reading.index else None
        if when is not None:
            scan.cell_time, scan.wifi_times = when, (when, when)
    except ValueError as exc:
        scan.invalid = str(exc)
    if any(ap.rssi is None for ap in scan.wifi):
        scan.rssi_missing = NO_READING
    return scan


# -- per-AP rows grouped into scans -----------------------------------------------------------------

_KIND_OTHER, _KIND_WIFI, _KIND_CELL = 0, 1, 2


def _is_wigle_cell(radio, mac):
    """A WiGLE cell row: a radio type and <MCCMNC>_<LAC>_<CID> in the MAC column."""
    return radio in CELL_TYPES and "_" in mac


def _row_kind(v, reading):
    """What a per-AP row holds: the one classification both passes use."""
    radio = reading.value(v, "radio").upper()
    mac = reading.value(v, "mac")
    if _is_wigle_cell(radio, mac) or reading.value(v, "cellid"):
        return _KIND_CELL
    if radio in WIFI_TYPES and mac:
        return _KIND_WIFI
    return _KIND_OTHER


def _row_time(v, reading):
    text = reading.value(v, "time")
    if "date" in reading.index:  # G-MoN: Date and Time columns
        text = f"{reading.value(v, 'date')} {text}"
    return parse_time(text)


class _Group:
    __slots__ = ("members", "start", "end", "where", "wifi", "cells")

    def __init__(self, member, when, where, kind):
        self.members, self.start, self.end, self.where = array("l", [member]), when, when, where
        self.wifi, self.cells = int(kind == _KIND_WIFI), int(kind == _KIND_CELL)

    def admits(self, when, where, window_s, distance_m):
        if when - self.start > window_s:
            return False
        return self.where is None or where is None or metres_between(self.where, where) <= distance_m

    def add(self, other_members, when, where, wifi, cells):
        self.members.extend(other_members)
        self.end = max(self.end, when)
        self.where = self.where or where
        self.wifi += wifi
        self.cells += cells

    @property
    def positionable(self):
        return self.wifi >= 2 or self.cells > 0


class _TimedRows:
    """Time, row number, position and kind of each row grouped by time, in flat arrays (a few
    dozen bytes a row: a file of a million APs fits in tens of MB)."""

    def __init__(self):
        self.times, self.numbers = array("d"), array("l")
        self.lngs, self.lats = array("d"), array("d")
        self.kinds = bytearray()

    def add(self, when, number, where, kind):
        self.times.append(when)
        self.numbers.append(number)
        self.lngs.append(where[0] if where else math.nan)
        self.lats.append(where[1] if where else math.nan)
        self.kinds.append(kind)

    def in_time_order(self):
        """(time, row number, (lng, lat) or None, kind), by time then row number."""
        order = np.lexsort((np.frombuffer(self.numbers, dtype=np.int_), np.frombuffer(self.times)))
        for k in order:
            lng = self.lngs[k]
            yield self.times[k], self.numbers[k], (None if lng != lng else (lng, self.lats[k])), self.kinds[k]


def _group_rows(path, reading):
    """Pass 1: (group of each data row, rows per group, notes per group)."""
    fmt = reading.fmt
    by_id = "scan_id" in reading.index
    by_time = not by_id and "time" in reading.index
    group_of = array("l")
    sizes = []
    notes = {}
    timed = _TimedRows()
    ids = {}
    for record in _rows(path, fmt):
        if record.problem:
            group_of.append(len(sizes))
            sizes.append(1)
            continue
        v = _Row(enumerate(record.values))
        if by_id:
            key = reading.value(v, "scan_id")
            if key not in ids or not key:
                ids[key] = len(sizes)
                sizes.append(0)
            group_of.append(ids[key])
            sizes[ids[key]] += 1
        elif by_time:
            when = _row_time(v, reading)
            group_of.append(-1)
            if when is None:
                group_of[-1] = len(sizes)
                notes[len(sizes)] = [
                    f"row {record.number} has no readable time ({reading.value(v, 'time')!r}): a scan of its own"
                ]
                sizes.append(1)
            else:
                timed.add(when, record.number, _truth(v, reading.index), _row_kind(v, reading))
        else:
            group_of.append(0)
            if not sizes:
                sizes.append(0)
            sizes[0] += 1
    if timed.numbers:
        for group in _time_groups(timed, fmt.window_s, fmt.distance_m):
            for number in group.members:
                group_of[number - 1] = len(sizes)
            sizes.append(len(group.members))
    return group_of, sizes, notes


def _time_groups(timed, window_s, distance_m):
    """Rows grouped by time (and place): a row joins an open group within ``window_s`` of its
    first row and ``distance_m`` of its place, else starts one; rows of two places in the same
    seconds (two phones, or a file merged from two) go to the one they are near."""
    groups, open_groups = [], []
    for when, number, where, kind in timed.in_time_order():
        open_groups = [g for g in open_groups if when - g.start <= window_s]
        home = next((g for g in open_groups if g.admits(when, where, window_s, distance_m)), None)
        if home is not None:
            home.add((number,), when, where, int(kind == _KIND_WIFI), int(kind == _KIND_CELL))
        else:
            groups.append(_Group(number, when, where, kind))
            open_groups.append(groups[-1])
    return _merge_unusable(groups, window_s, distance_m)


def _merge_unusable(groups, window_s, distance_m):
    """A group that cannot be positioned alone (fewer than 2 APs and no cell) joins the group
    nearest in time, if that one was heard close by. Per-AP files write an AP once, when first
    seen, but it stays audible for as long as the phone is in range: where the file has GPS,
    "close by" is within ``distance_m`` (and at most ``LONE_GAP_WINDOWS`` windows apart); without
    GPS, within the time window."""
    merged = []
    for k, group in enumerate(groups):
        if group.positionable:
            merged.append(group)
            continue
        before = merged[-1] if merged else None
        after = groups[k + 1] if k + 1 < len(groups) else None
        candidates = sorted(
            (c for c in (before, after) if c is not None),
            key=lambda c: group.start - c.end if c is before else c.start - group.end,
        )
        target = next((c for c in candidates if _close(group, c, window_s, distance_m)), None)
        if target is None:
            merged.append(group)
        elif target is before:
            before.add(group.members, group.end, group.where, group.wifi, group.cells)
        else:  # joins the next group: that one starts earlier now
            after.members = group.members + after.members
            after.start = group.start
            after.wifi, after.cells = after.wifi + group.wifi, after.cells + group.cells
            after.where = after.where or group.where
    return merged


LONE_GAP_WINDOWS = 10


def _close(group, other, window_s, distance_m):
    gap = max(group.start - other.end, other.start - group.end, 0.0)
    if group.where is not None and other.where is not None:
        return gap <= LONE_GAP_WINDOWS * window_s and metres_between(group.where, other.where) <= distance_m
    return gap <= window_s


def _grouped_scans(path, reading, skipped):
    """Pass 2: each scan as soon as its last row is read; scans numbered in that order."""
    group_of, sizes, notes = _group_rows(path, reading)
    pending = {}
    number = 0
    for record in _rows(path, reading.fmt, skipped):
        gid = group_of[record.number - 1]
        if record.problem:
            yield Scan(index=number, rows=[record.number], values=[], invalid=record.problem)
            number += 1
            continue
        members = pending.setdefault(gid, [])
        members.append(record)
        if len(members) == sizes[gid]:
            del pending[gid]
            scan = _observation_scan(number, members, reading)
            scan.notes[:0] = notes.get(gid, [])
            if len(sizes) == 1 and len(members) > 1 and "scan_id" not in reading.index and "time" not in reading.index:
                scan.notes.append("neither a time nor a scan-id column: the whole file is one scan")
            yield scan
            number += 1
    for members in pending.values():  # cannot happen unless the file changed between the passes
        scan = _observation_scan(number, members, reading)
        scan.notes.append("the file changed while it was read: this scan may be incomplete")
        yield scan
        number += 1


def _wigle_cell(mac_field, radio, signal):
    """WiGLE's cell 'MAC' is <MCC><MNC>_<LAC>_<CID> (CDMA: <SID>_<NID>_<BID>)."""
    parts = mac_field.split("_")
    if len(parts) != 3:
        raise ValueError(f"cell id {mac_field!r} is not <MCCMNC>_<LAC>_<CID>")
    if radio == "CDMA":
        sid, nid, bid = (whole_number(p, "CDMA id") for p in parts)
        return Cell(sid, nid, bid, -1, cell_signal(signal), cdma=True)
    mccmnc = parts[0]
    mcc, mnc = (mccmnc[:3], mccmnc[3:]) if len(mccmnc) >= 4 else ("", "")
    return split_cell(mcc, mnc, parts[1], parts[2], signal)


def _serving_flag(v, reading):
    """True/False when the file says whether the row's cell serves, else None."""
    if "serving" in reading.index:
        return reading.value(v, "serving").lower() in _TRUE
    if "neighbour" in reading.index:
        return reading.value(v, "neighbour").lower() not in _TRUE
    return None


def _observation_scan(number, records, reading):
    width = reading.width
    rows = sorted(r.number for r in records)
    first = min(records, key=lambda r: r.number)
    scan = Scan(index=number, rows=rows, values=_padded(first.values, width))
    if reading.nothing_mapped:
        return _no_columns(scan)
    aps, cells, problems, wifi_times = [], [], [], []
    unknown_signal = 0
    timed = "time" in reading.index
    for record in sorted(records, key=lambda r: r.number):
        scan.notes.extend(_extra_values_note(record, width))
        v = _Row(enumerate(_padded(record.values, width)))
        if scan.truth is None:
            scan.truth = _truth(v, reading.index)
        radio = reading.value(v, "radio").upper()
        mac = reading.value(v, "mac")
        kind = _row_kind(v, reading)
        when = _row_time(v, reading) if timed else None
        try:
            if kind == _KIND_CELL and _is_wigle_cell(radio, mac):
                cell = _wigle_cell(mac, radio, reading.value(v, "rssi"))
            elif kind == _KIND_CELL:
                cell = split_cell(*(reading.value(v, r) for r in ("mcc", "mnc", "lac", "cellid", "signal")))
                radio = radio or reading.value(v, "network").upper() or reading.fmt.default_network
            if kind == _KIND_CELL:
                cells.append((_serving_flag(v, reading), cell, radio, when))
            elif kind == _KIND_WIFI:
                aps.append((mac, reading.value(v, "rssi"), reading.value(v, "ssid")))
                unknown_signal += rssi_reading(reading.value(v, "rssi"))[0] is None
                if when is not None:
                    wifi_times.append(when)
            # BT/BLE rows carry nothing the API takes: part of the scan, not sent.
        except ValueError as exc:
            problems.append(f"row {record.number}: {exc}")
    scan.notes.extend(problems)
    scan.wifi = clean_aps(aps, scan.notes)
    if unknown_signal:
        scan.rssi_missing = reading.rssi_missing_why()
    if wifi_times:
        scan.wifi_times = (min(wifi_times), max(wifi_times))
    # The cell the file marks as serving serves; else the strongest (unknown signals last).
    cells.sort(key=lambda c: (c[0] is not True, -(c[1].signal if c[1].signal is not None else -999)))
    scan.cells = [cell for _, cell, _, _ in cells]
    if cells:
        _, _, scan.network, scan.cell_time = cells[0]
    if not scan.wifi and not scan.cells and problems:
        scan.invalid = "; ".join(problems)
    return scan


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a leading = @ + - (or a tab/CR) makes
    Excel and LibreOffice evaluate a cell ("=cmd|..."), so such texts get a leading apostrophe.
    Numbers written as text ("-67") stay as they are."""
    if text and (text[0] in "=@\t\r" or text[0] in "+-" and not NUMBER.fullmatch(text)):
        return "'" + text
    return text


def preview(path: str | os.PathLike, fmt: FileFormat, limit: int = 50) -> list[list[str]]:
    """The first ``limit`` data rows as lists of strings (for the dock's preview)."""
    out = []
    for record in _rows(path, fmt):
        out.append(record.values or [record.problem])
        if len(out) >= limit:
            break
    return out
