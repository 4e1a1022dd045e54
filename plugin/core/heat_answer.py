"""Parsing the heat_map answer into arrays, and the numbers the layers are made of.

The envelope decides success (``code == 200 and biz_code == 200``); every other outcome is a
typed error that carries both codes, both messages and the ``response_id``. Inside a success,
a malformed item or day is reported in ``HeatData.problems`` and skipped, never fatal.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import itertools
import json
from dataclasses import dataclass, field

import numpy as np

from . import collector, s2cells
from .answer_body import as_bytes, chunks_of, head_of
from .errors import EmptyResultError, ResponseFormatError, ServiceError
from .fence import MAX_CELL_LEVEL, MIN_CELL_LEVEL, Fence

SERVICE = "Jike heat_map"
HOURS = 24
# What a heat value may be: a whole count from 0 to 2^53, exact as a double (the JSON number
# every consumer reads) and with room for sums in int64. Anything else is a problem of its cell.
MAX_HEAT = 2**53
# Days outside these are not days the service has data for (and break date arithmetic).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
# A cell whose centre is further from the fence's bounding box than this many cell edges is
# not an answer to the request (a cell cut by the boundary is at most about one edge away).
OUTSIDE_MARGIN_EDGES = 2.0


@dataclass
class HeatData:
    """The cells and days of one fence's answer, as parallel arrays."""

    fence_id: int
    part: int
    ids: np.ndarray  # uint64 (n,)
    tokens: list  # str (n,)
    levels: np.ndarray  # int64 (n,)
    cell_heat: np.ndarray  # int64 (n,)
    centers: np.ndarray  # float64 (n, 2) lng, lat
    day_cell: np.ndarray  # int64 (m,): index into the cells
    day_date: np.ndarray  # int64 (m,): proleptic ordinal of the date
    day_heat: np.ndarray  # (m, 24) int32, or int64 when a value needs it (see _DaySlices)
    response_id: str = ""
    problems: list = field(default_factory=list)
    item_count: int = 0  # items in the answer, the skipped ones included

    @property
    def cell_count(self):
        return len(self.tokens)

    @property
    def cell_day_count(self):
        return int(self.day_cell.size)

    def date_range(self):
        if not self.day_date.size:
            return None
        return dt.date.fromordinal(int(self.day_date.min())), dt.date.fromordinal(int(self.day_date.max()))

    def day_totals(self):
        return self.day_heat.sum(axis=1)

    def day_rows(self, start=0, end=None):
        """(cell index, date ordinal, the 24 hours, day total, peak hour) of the cell-days
        ``start:end``, as Python values (a slice at a time keeps the GIL free often)."""
        rows = slice(start, end)
        heat = self.day_heat[rows]
        return zip(
            self.day_cell[rows].tolist(),
            self.day_date[rows].tolist(),
            heat.tolist(),
            heat.sum(axis=1).tolist(),
            heat.argmax(axis=1).tolist(),
        )

    def select(self, keep, fence_id=None):
        """The cells where ``keep`` (bool per cell) is true, with their days, for ``fence_id``
        (the same arrays, not copies, when every cell is kept)."""
        keep = np.asarray(keep, dtype=bool)
        if keep.all():
            return dataclasses.replace(self, fence_id=self.fence_id if fence_id is None else fence_id)
        new_index = np.cumsum(keep) - 1
        on_kept = keep[self.day_cell]
        return HeatData(
            fence_id=self.fence_id if fence_id is None else fence_id,
            part=self.part,
            ids=self.ids[keep],
            tokens=[t for t, k in zip(self.tokens, keep.tolist()) if k],
            levels=self.levels[keep],
            cell_heat=self.cell_heat[keep],
            centers=self.centers[keep],
            day_cell=new_index[self.day_cell[on_kept]],
            day_date=self.day_date[on_kept],
            day_heat=self.day_heat[on_kept],
            response_id=self.response_id,
            problems=self.problems,
            item_count=self.item_count,
        )

    def days_per_cell(self):
        return np.bincount(self.day_cell, minlength=self.cell_count)

    def hourly_means(self):
        """(n, 24) mean heat per hour over the days each cell has (NaN for a cell with none)."""
        sums = np.stack(
            [np.bincount(self.day_cell, weights=self.day_heat[:, h], minlength=self.cell_count) for h in range(HOURS)],
            axis=1,
        )  # 24 bincounts: ~10x faster than np.add.at
        days = self.days_per_cell()[:, None].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / days


def _as_int(value, what):
    """Numbers and numeric strings alike ("3600", 3600, 3600.0); anything else raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{what} is a boolean")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not a number") from None
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise ValueError(f"{what} is {type(value).__name__}, not a number")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{what} is not finite")
    if number != int(number):
        raise ValueError(f"{what} {value!r} is not a whole number")
    return int(number)


_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"
# Days turned into numbers (and let go) per numpy call: ~120,000 values, a few ms each.
ROWS_PER_SLICE = 5_000


class _Stream:
    """A JSON text read from an answer's bytes a window at a time: the whole text is never one
    str (an answer of 50,000 cells is 65 MB of JSON), and values are decoded one by one."""

    WINDOW = 1 << 20  # bytes decoded at a time, at least
    # A number at the window's end may look whole ("12" of "1234"): a value is decoded only with
    # this much text after it, or all of the answer.
    MARGIN = 1 << 16

    def __init__(self, content):
        self.chunks = chunks_of(content, self.WINDOW)  # bytes, or a CompressedBody read back
        self.done = False
        self.read = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text, self.i = "", 0

    def more(self, at_least=WINDOW):
        """Decode the next bytes (at least ``at_least``); False at the end of the answer."""
        if self.done:
            return False
        pieces, got = [], 0
        for chunk in self.chunks:
            pieces.append(chunk)
            got += len(chunk)
            if got >= at_least:
                break
        else:
            self.done = True
        self.read += got
        self.text = self.text[self.i :] + self.decoder.decode(b"".join(pieces), self.done)
        self.i = 0
        return True

    def next_char(self):
        """The next character that is not a space (not consumed); '' at the end."""
        while True:
            text, i = self.text, self.i
            while i < len(text) and text[i] in _SPACE:
                i += 1
            self.i = i
            if i < len(text) or not self.more():
                return text[i] if i < len(text) else ""

    def take(self, char):
        if self.next_char() != char:
            raise ValueError(f"expected {char!r} at byte {self.read - len(self.text) + self.i}")
        self.i += 1

    def value(self):
        """The next JSON value, decoded (json's own decoder: the same numbers and strings)."""
        self.next_char()
        while len(self.text) - self.i < self.MARGIN and self.more():
            pass
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.i)
            except ValueError:
                if self.more(len(self.text)):  # a value longer than the window: twice the text
                    continue
                raise
            if len(self.text) - end < self.MARGIN and self.more(len(self.text)):
                continue  # it may go on past the window: decode it again with more text
            self.i = end
            return value

    def members(self):
        """(key, ...) of the object that starts here; the caller reads each value."""
        self.take("{")
        if self.next_char() == "}":
            self.i += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("an object key is not a string")
            self.take(":")
            yield key
            if self.next_char() == "}":
                self.i += 1
                return
            self.take(",")

    def elements(self):
        """Each value of the array that starts here, decoded one at a time."""
        self.take("[")
        if self.next_char() == "]":
            self.i += 1
            return
        while True:
            yield self.value()
            if self.next_char() == "]":
                self.i += 1
                return
            self.take(",")


def _streamed(content, read_items):
    """The answer's document, its data.items handed to ``read_items(iterator)`` (whose result
    takes the list's place) as they are decoded: no list of every item is ever made."""
    stream = _Stream(content)
    doc = {}
    for key in stream.members():
        if key == "data" and stream.next_char() == "{":
            data = doc[key] = {}
            for inner in stream.members():
                if inner == "items" and stream.next_char() == "[":
                    data[inner] = read_items(stream.elements())
                else:
                    data[inner] = stream.value()
        else:
            doc[key] = stream.value()
    if stream.next_char():
        raise ValueError("extra data after the object")
    return doc


def _decode(content, read_items=None):
    """The answer's document; with ``read_items``, its items are read as they are decoded."""
    try:
        if read_items is not None:
            try:
                return _streamed(content, read_items)
            except (ValueError, IndexError):
                pass  # not the usual shape: let json.loads decide, and say what is wrong
        return json.loads(as_bytes(content))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        head = head_of(content).decode("utf-8", "replace").strip()
        if isinstance(exc, RecursionError):
            reason = "JSON nested too deeply to be a heat answer (a malformed answer)"
        elif head.startswith("<"):
            reason = "an HTML page instead of JSON (often a proxy, gateway or login page)"
        elif not head and not as_bytes(content).strip():
            reason = "an empty body"
        else:
            reason = f"JSON that does not parse ({exc}); the answer may have been cut off"
        raise ResponseFormatError(f"{SERVICE} answered with {reason}", service=SERVICE, details=head) from None


def check_envelope(content: bytes, http_status: int = 200, read_items=None) -> dict:
    """The decoded answer if it is a success; otherwise the matching typed error. With
    ``read_items``, data.items is replaced by what ``read_items(iterator of items)`` returns
    (a HeatData), read while the answer is decoded."""
    doc = _decode(content, read_items) if content else None
    if not isinstance(doc, dict):
        if http_status == 200:
            raise ResponseFormatError(
                f"{SERVICE} answered with JSON that is not an object", service=SERVICE, http_status=http_status
            )
        doc = {}
    codes = dict(
        service=SERVICE,
        http_status=http_status if http_status != 200 else None,
        code=doc.get("code"),
        service_message=doc.get("message"),
        biz_code=doc.get("biz_code"),
        biz_message=doc.get("biz_message"),
        response_id=doc.get("response_id"),
    )

    def is_200(value):
        try:
            return int(value) == 200
        except (TypeError, ValueError):
            return False

    if not (is_200(doc.get("code")) and is_200(doc.get("biz_code"))):
        raise ServiceError(f"{SERVICE} refused the request", **codes)
    data = doc.get("data")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, (list, HeatData)):
        raise ResponseFormatError(f"{SERVICE} answered success without a data.items list", **codes)
    if not (items.item_count if isinstance(items, HeatData) else items):
        raise EmptyResultError(
            f"{SERVICE} returned no cells for this fence (empty data.items): "
            "the area may have no data, or the cell level may be too coarse",
            **codes,
        )
    return doc


def parse_heat_response(content: bytes, fence: Fence | None = None, cell_level: int | None = None) -> HeatData:
    """The :class:`HeatData` of a successful answer's bytes for ``fence`` (requested at
    ``cell_level``, None for the service's choice); raises the typed errors above."""
    with collector.paused():  # millions of short-lived objects: no full collection meanwhile
        doc = check_envelope(content, read_items=lambda items: parse_items(items, fence, cell_level))
        data = doc["data"]["items"]
        if not isinstance(data, HeatData):  # an answer of an unusual shape, decoded whole
            data = parse_items(data, fence, cell_level)
        data.response_id = str(doc.get("response_id") or "")
        return data


def parse_items(items, fence: Fence | None = None, cell_level: int | None = None, response_id: str = "") -> HeatData:
    """Items (any iterable: a list, or items as they are decoded) to arrays. Every item or day
    that is not a valid answer to this request (malformed, out of range, repeated, of another
    level, far outside the fence) is left out and reported. Days become numbers a slice at a
    time, so that what is held is the arrays, never every item's lists."""
    cells = _CellsRead()
    n = -1
    for n, item in enumerate(items):
        try:
            cell = _checked_item(item, n, cell_level, cells.seen)
        except _Skipped as skipped:
            cells.problems.append(str(skipped))
            continue
        cells.add(cell)
    fence_id, part = (fence.fence_id, fence.part) if fence is not None else (0, 0)
    data = cells.data(fence_id, part, response_id, item_count=n + 1)
    return _placed(data, fence)


class _Skipped(Exception):
    """An item left out, with where it was and why."""


@dataclass
class _Cell:
    cell_id: int
    token: str
    level: int
    center: tuple
    heat: int
    days: list
    where: str


def _checked_item(item, n, cell_level, seen_cells) -> _Cell:
    """Item ``n`` as a :class:`_Cell`, its days still as given; _Skipped when it is no valid cell
    of this answer (malformed, out of range, repeated, of another level)."""
    where = f"item #{n + 1}"
    try:
        if not isinstance(item, dict):
            raise ValueError("is not an object")
        cell_id, token = _cell_identity(item)
        where = f"item #{n + 1} (cell {token})"
        if cell_id in seen_cells:
            raise ValueError("repeats a cell already in the answer; the repeat is left out")
        level = _checked_level(item, cell_id, cell_level)
        center = item.get("cell_center")
        if not (isinstance(center, (list, tuple)) and len(center) == 2):
            raise ValueError("cell_center is not [lng, lat]")
        center = (float(center[0]), float(center[1]))
        cell_heat = _as_int(item.get("cell_heat"), "cell_heat")
        if not 0 <= cell_heat <= MAX_HEAT:
            raise ValueError(f"cell_heat {cell_heat} is out of range (0 to 2^53)")
        days = item.get("time_range")
        if not isinstance(days, list):
            raise ValueError("time_range is not a list")
        return _Cell(cell_id, token, level, center, cell_heat, days, where)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise _Skipped(f"{where} skipped: {exc}") from None


def _checked_level(item, cell_id, cell_level):
    """The cell's level, from its id; ValueError when the item states another, or it is not the
    level asked for, or not one the service has."""
    level = s2cells.level_of(cell_id)
    if "cell_level" in item and item["cell_level"] not in (None, ""):
        stated = _as_int(item["cell_level"], "cell_level")
        if stated != level:
            raise ValueError(f"cell_level {stated} but the cell id is of level {level}")
    if cell_level and level != cell_level:
        raise ValueError(f"is of level {level}, but level {cell_level} was asked for")
    if not MIN_CELL_LEVEL <= level <= MAX_CELL_LEVEL:
        raise ValueError(f"is of level {level}, outside the service's {MIN_CELL_LEVEL}..{MAX_CELL_LEVEL}")
    return level


class _CellsRead:
    """The cells read so far, as lists to become arrays; their days as numbers (_DaySlices)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: set[int] = set()
        self.ids: list[int] = []
        self.tokens: list[str] = []
        self.levels: list[int] = []
        self.heats: list[int] = []
        self.centers: list[tuple] = []
        self.days = _DaySlices(self.problems, self.tokens)
        self.ordinal_of = _DateOrdinals()

    def add(self, cell: _Cell):
        index = len(self.tokens)
        self.seen.add(cell.cell_id)
        self.ids.append(cell.cell_id)
        self.tokens.append(cell.token)
        self.levels.append(cell.level)
        self.heats.append(cell.heat)
        self.centers.append(cell.center)
        dates = set()
        for day in cell.days:
            try:
                ordinal = self.ordinal_of(day["date"])
                hours = day["heat"]
                if not isinstance(hours, list) or len(hours) != HOURS:
                    raise ValueError(f"heat has {len(hours) if isinstance(hours, list) else 'no'} values, not 24")
                if ordinal in dates:
                    raise ValueError("date repeated")
            except (ValueError, TypeError, KeyError) as exc:
                self.problems.append(f"{cell.where}: a day skipped: {exc}")
                continue
            dates.add(ordinal)
            self.days.add(index, ordinal, hours)
        self.days.item_done()

    def data(self, fence_id, part, response_id, item_count) -> HeatData:
        day_cell, day_date, day_heat = self.days.arrays()
        return HeatData(
            fence_id=fence_id,
            part=part,
            ids=np.array(self.ids, dtype=np.uint64),
            tokens=self.tokens,
            levels=np.array(self.levels, dtype=np.int64),
            cell_heat=np.array(self.heats, dtype=np.int64),
            centers=np.array(self.centers, dtype=np.float64).reshape(-1, 2),
            day_cell=day_cell,
            day_date=day_date,
            day_heat=day_heat,
            response_id=response_id,
            problems=self.problems,
            item_count=item_count,
        )


class _DateOrdinals:
    """'YYYYMMDD' to a date ordinal, each distinct text parsed once (an answer repeats ten dates)."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}

    def __call__(self, value) -> int:
        key = str(value).strip()
        ordinal = self.known.get(key)
        if ordinal is None:
            if len(key) != 8 or not key.isdigit():
                raise ValueError(f"date {value!r} is not YYYYMMDD")
            day = dt.date(int(key[:4]), int(key[4:6]), int(key[6:]))
            if not FIRST_DATE <= day <= LAST_DATE:
                raise ValueError(f"date {value!r} is not a day the service can have data for")
            ordinal = self.known[key] = day.toordinal()
        return ordinal


def _placed(data: HeatData, fence: Fence | None) -> HeatData:
    """``data`` without the cells far outside the fence; a cell_center outside its own cell is
    reported (the polygon is drawn from the cell id, so the cell is kept)."""
    near = _near_fence(data.ids, data.levels, fence)
    if not near.all():
        for n in np.flatnonzero(~near):
            data.problems.append(f"cell {data.tokens[n]} lies far outside the fence: left out")
        data = data.select(near)
    if data.cell_count:
        inside = s2cells.contains_points(data.ids, data.centers, data.levels, tolerance=1e-9)
        for n in np.flatnonzero(~inside):
            data.problems.append(
                f"cell {data.tokens[n]}: cell_center {tuple(data.centers[n])} is not inside the cell "
                "(the cell polygon is drawn from the cell id)"
            )
    return data


def _cell_identity(item):
    """(id, token) from cell_id and/or cell_token; both present must agree."""
    raw_id, token = item.get("cell_id"), item.get("cell_token")
    cell_id = None
    if raw_id not in (None, ""):
        cell_id = _as_int(raw_id, "cell_id")
        if not 0 < cell_id < 2**64:
            raise ValueError(f"cell_id {raw_id!r} is out of range")
    if token not in (None, ""):
        from_token = s2cells.token_to_id(str(token))
        if cell_id is not None and from_token != cell_id:
            raise ValueError(f"cell_token {token} and cell_id {raw_id} name different cells")
        cell_id = from_token
    if cell_id is None:
        raise ValueError("has neither cell_id nor cell_token")
    if s2cells.level_of(cell_id) < 0:
        raise ValueError(f"{cell_id} is not a valid S2 cell id")
    return cell_id, s2cells.id_to_token(cell_id)


def _near_fence(ids, levels, fence):
    """True for each cell whose centre is within a margin of the fence's bounding box."""
    if fence is None or not ids.size:
        return np.ones(ids.size, dtype=bool)
    if fence.is_circle:
        lng, lat = fence.center
        dlat = np.degrees(fence.radius_m / s2cells.EARTH_RADIUS_M)
        dlng = dlat / max(0.01, np.cos(np.radians(lat)))
        box = (lng - dlng, lat - dlat, lng + dlng, lat + dlat)
    else:
        ring = np.asarray(fence.ring, dtype=np.float64)
        box = (*ring.min(axis=0), *ring.max(axis=0))
    centers = s2cells.cell_rings(ids, levels)[:, :4].mean(axis=1)  # within metres of the exact centre
    mid_lat = np.radians((box[1] + box[3]) / 2)
    # edge of a cell in degrees of latitude (the mean cell area; S2 cells vary by a factor < 2.1)
    edge_deg = np.degrees(np.sqrt(4 * np.pi / (6 * 4.0**levels)))
    margin_lat = OUTSIDE_MARGIN_EDGES * edge_deg
    margin_lng = margin_lat / max(0.01, np.cos(mid_lat))
    return (
        (centers[:, 0] >= box[0] - margin_lng)
        & (centers[:, 0] <= box[2] + margin_lng)
        & (centers[:, 1] >= box[1] - margin_lat)
        & (centers[:, 1] <= box[3] + margin_lat)
    )


class _DaySlices:
    """The days of the items read so far, as numbers: the days' lists are turned into a block of
    int32 (int64 where a value needs it) and let go once ROWS_PER_SLICE of them are held, at the
    end of an item, so that a cell's days are in one block and each block is sorted by (cell,
    date) on its own. One numpy call over every day, or freeing millions of numbers at once,
    would hold the GIL (and freeze QGIS's UI thread) for ~0.1 s each."""

    def __init__(self, problems, tokens):
        self.problems, self.tokens = problems, tokens
        self.cells, self.dates, self.rows = [], [], []
        self.blocks = []  # (cells, dates, heat) per slice

    def add(self, cell, ordinal, hours):
        self.cells.append(cell)
        self.dates.append(ordinal)
        self.rows.append(hours)

    def item_done(self):
        if len(self.rows) >= ROWS_PER_SLICE:
            self._flush()

    def _flush(self):
        if not self.rows:
            return
        matrix = _slice_matrix(self.rows)
        cells = np.array(self.cells, dtype=np.int64)
        dates = np.array(self.dates, dtype=np.int64)
        self.cells, self.dates, self.rows = [], [], []
        with np.errstate(invalid="ignore"):
            bad = (
                ~np.isfinite(matrix).all(axis=1)
                | (matrix < 0).any(axis=1)
                | (matrix > MAX_HEAT).any(axis=1)
                | (matrix != np.round(matrix)).any(axis=1)
            )
        for n in np.flatnonzero(bad):
            self.problems.append(
                f"cell {self.tokens[cells[n]]}: a day skipped: heat values are not whole numbers from 0 to 2^53"
            )
        keep = ~bad
        order = np.lexsort((dates[keep], cells[keep]))
        heat = matrix[keep][order]
        # Heat values are counts, almost always far under 2^31: int32 halves the largest array of
        # a run (an answer of 50,000 cells × 10 days is 96 MB in int64). Sums are made in int64
        # (numpy's sum of int32 is int64) and a block with a larger value keeps int64.
        fits = not heat.size or heat.max() <= np.iinfo(np.int32).max
        self.blocks.append((cells[keep][order], dates[keep][order], heat.astype(np.int32 if fits else np.int64)))

    def arrays(self):
        """(day_cell, day_date, day_heat) of every valid day, sorted by cell then date."""
        self._flush()
        if not self.blocks:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, HOURS), dtype=np.int32)
        parts = self.blocks
        self.blocks = []
        return tuple(np.concatenate([block[k] for block in parts]) for k in range(3))


def _slice_matrix(rows):
    """(len(rows), 24) float64; one numpy call when every value is a plain number (the usual
    case). A true/false or a nested list is not a heat value: its day is NaN, then left out
    (numpy would take true as 1 and [[5], …] as 5)."""
    if set(map(type, itertools.chain.from_iterable(rows))) <= {int, float}:  # at C speed
        try:
            return np.array(rows, dtype=np.float64).reshape(-1, HOURS)
        except (ValueError, TypeError, OverflowError):
            pass
    matrix = np.zeros((len(rows), HOURS), dtype=np.float64)
    for n, row in enumerate(rows):
        try:
            matrix[n] = [float(v) if type(v) in (int, float, str) else float("nan") for v in row]
        except (ValueError, TypeError, OverflowError):
            matrix[n] = np.nan
    return matrix


def day_start(ordinal: int) -> dt.datetime:
    """Midnight (Beijing) of a day, as the naive wall-clock datetime the layers store."""
    return dt.datetime.combine(dt.date.fromordinal(int(ordinal)), dt.time())
