"""Client of Baidu's hardware positioning API (POST https://api.map.baidu.com/locapi/v2)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus, urlsplit

from . import coords
from .config import ENV_BAIDU_AK
from .errors import ConfigurationError, CrowdHeatError, ResponseFormatError, ServiceError, redact, redacted
from .fence import haversine_m
from .http import SessionClient, sleep_unless_cancelled

if TYPE_CHECKING:  # for the annotations only
    from .scans import AccessPoint, Cell, Scan

SERVICE = "Baidu locapi"

# errcode → (what it means, what to do). Seed doc's table; shown to users with the code.
ERRCODES = {
    101: ("too many scans in one request (the service takes at most 2)", "the plugin falls back to 1 per request"),
    102: ("the request is empty", "report this as a bug of the plugin"),
    103: ("a parameter is wrong", "see the message; check the scan's columns"),
    104: ("unexpected error of the service", "try again later; contact Baidu if it persists"),
    601: ("no AK was sent", "enter the Baidu AK in CrowdHeat's settings"),
    700: ("the AK is invalid", "check the AK in CrowdHeat's settings (Baidu console ▸ 我的应用)"),
    710: (
        "this computer's IP address is not on the AK's whitelist",
        "add this machine's public IP to the AK's IP whitelist in the Baidu console",
    ),
    711: ("the SN signature check failed", "check the SK, or switch the AK to IP-whitelist checking"),
    740: ("the positioning service is forbidden for this AK", "ask Baidu to enable 智能硬件定位 for the AK"),
    750: ("the user does not exist", "check the AK"),
    751: ("the user was deleted", "check the AK"),
    752: ("the user is not allowed", "contact Baidu"),
    760: ("the service does not exist", "contact Baidu"),
    761: ("the service is offline", "contact Baidu"),
    801: ("the total quota is used up", "buy more quota from Baidu"),
    802: ("the daily quota is used up", "run again tomorrow: answered scans are cached and not asked again"),
    901: ("too many requests per minute", "lower 'requests per second' in the settings"),
    902: ("daily and per-minute quota both exceeded", "lower the rate and run again tomorrow"),
}
FATAL = {601, 700, 710, 711, 740, 750, 751, 752, 760, 761, 801}
QUOTA = 802
THROTTLED = {901, 902}
TRANSIENT = {104}  # and every code from 500 up
BATCH_TOO_LARGE = 101

# result "type": 0 none, 1 gps, 2 wifi, 3 mixed, 4 cell, 5 other
LOCATION_TYPES = {0: "none", 1: "gps", 2: "wifi", 3: "mixed", 4: "cell", 5: "other"}
CHINA_NAMES = {"中国", "china", "中华人民共和国", "香港", "澳门", "台湾", "hong kong", "macau", "macao", "taiwan"}


# -- requests from scans (the API's rules, docs/reference.md) --------------------------------------

MAX_APS = 30
MIN_APS_WIFI_ONLY = 2
UNKNOWN_SIGNAL = 50  # "signal unknown" in the seed document (the current page says 99: a setting)
# The API's `network` values are GSM/GPRS/EDGE/HSUPA/HSDPA/WCDMA; what apps write maps onto them.
# 4G and 5G have no value in the document: they are sent as LTE and NR (the service has answered
# them in every test we know of; a decision, written in the README). Unknown: GSM.
NETWORK_NAMES = {
    "GSM": "GSM",
    "2G": "GSM",
    "GPRS": "GPRS",
    "EDGE": "EDGE",
    "UMTS": "WCDMA",
    "WCDMA": "WCDMA",
    "3G": "WCDMA",
    "TDSCDMA": "WCDMA",
    "TD-SCDMA": "WCDMA",
    "HSDPA": "HSDPA",
    "HSUPA": "HSUPA",
    "HSPA": "HSDPA",
    "HSPA+": "HSDPA",
    "HSPAP": "HSDPA",
    "CDMA": "CDMA",
    "CD2": "CDMA",
    "LTE": "LTE",
    "4G": "LTE",
    "NR": "NR",
    "5G": "NR",
}


def network_name(technology: str | None) -> str:
    """The API's ``network`` for a technology as an app writes it (``HSDPA`` stays ``HSDPA``)."""
    return NETWORK_NAMES.get(str(technology or "").strip().upper().replace(" ", ""), "GSM")


def cell_text(cell: Cell, unknown_signal: int = UNKNOWN_SIGNAL) -> str:
    signal = unknown_signal if cell.signal is None else cell.signal
    if cell.cdma:
        return f"{cell.mcc},{cell.mnc},{cell.lac},{cell.lng},{cell.lat},{signal}"
    return f"{cell.mcc},{cell.mnc},{cell.lac},{cell.cellid},{signal}"


def aps_text(aps: Iterable[AccessPoint]) -> str:
    return "|".join(f"{ap.mac},{ap.rssi},{ap.ssid}" for ap in aps)


def prepare(scan: Scan, unknown_signal: int = UNKNOWN_SIGNAL) -> Scan:
    """Set ``scan.body`` (the request without ctime/coor/output/need_rgc/imei) or ``scan.invalid``
    with the cause; notes say what was left out and why. Once per scan: a prepared scan is
    returned as it is."""
    if scan.invalid or scan.body is not None:
        return scan
    heard = [ap for ap in scan.wifi if ap.rssi is not None]
    silent = len(scan.wifi) - len(heard)
    if silent:
        scan.notes.append(f"{silent} AP(s) not sent: no signal reading ({scan.rssi_missing or 'unknown'})")
    heard.sort(key=lambda ap: -ap.rssi)
    if len(heard) > MAX_APS:
        scan.notes.append(f"{len(heard) - MAX_APS} weakest AP(s) not sent (at most {MAX_APS})")
        heard = heard[:MAX_APS]
    serving = scan.cells[0] if scan.cells else None
    if serving is not None and not serving.known:
        if len(heard) >= MIN_APS_WIFI_ONLY:
            scan.notes.append("the serving cell was not sent: its lac/cellid are unknown")
            serving = None
        else:
            scan.invalid = (
                f"the serving cell's lac/cellid are unknown ({cell_text(serving, unknown_signal)}) and there are "
                f"{_heard_text(len(heard), silent, scan.rssi_missing)}"
            )
            return scan
    body: dict[str, object] = {}
    if serving is not None:
        body["accesstype"] = 0
        body["bts"] = cell_text(serving, unknown_signal)
        body["network"] = "CDMA" if serving.cdma and not scan.network else network_name(scan.network)
        body["cdma"] = int(serving.cdma)
        if len(scan.cells) > 1:  # sent as given, unknown ids too (the document's own example does)
            body["nearbts"] = "|".join(cell_text(c, unknown_signal) for c in scan.cells[1:])
        if heard:
            body["macs"] = aps_text(heard)
    elif len(heard) >= MIN_APS_WIFI_ONLY:
        body["accesstype"] = 1
        body["macs"] = aps_text(heard)
    else:
        scan.invalid = _too_few_aps(len(heard), silent, scan.rssi_missing)
        return scan
    if scan.connected is not None and scan.connected.rssi is not None:
        body["mmac"] = aps_text([scan.connected])
    body.update(_scan_times(scan, body))
    body.update(scan.extra)
    scan.body = body
    return scan


SCAN_TIMES = ("bts_time", "wifi_s_time", "wifi_e_time")


def _scan_times(scan, body):
    """The current page's optional times of what the body sends. Their format is not published:
    they go as whole epoch seconds, the form of the documented ``ctime``."""
    times = {}
    if "bts" in body and scan.cell_time is not None:
        times["bts_time"] = str(int(scan.cell_time))
    if "macs" in body and scan.wifi_times is not None:
        times["wifi_s_time"], times["wifi_e_time"] = (str(int(t)) for t in scan.wifi_times)
    return times


def _heard_text(heard, silent, why):
    text = f"{heard} usable WiFi AP" + ("" if heard == 1 else "s")
    if silent:
        text += f" ({silent} more without a signal reading: {why or 'unknown'})"
    return text


def _too_few_aps(heard, silent, why):
    """Why a scan without a usable cell cannot be sent, naming the cause."""
    if not heard and not silent:
        return "no usable WiFi AP and no cell"
    if not heard:
        return (
            f"no cell, and none of its {silent} WiFi AP(s) has a signal reading ({why or 'unknown'}): "
            "APs are sent with their RSSI"
        )
    text = f"only {_heard_text(heard, silent, why)} and no cell"
    return text + f": WiFi-only positioning needs at least {MIN_APS_WIFI_ONLY} APs with a signal reading"


def file_device_id(path: str) -> str:
    """A stable device id for the scans of one file that has none (Baidu's current page makes
    ``imei`` mandatory): 15 digits like an IMEI, made from the file's absolute path, with a valid
    Luhn check digit. The same for every scan of a file and every run on it; it says nothing of
    who made the file (the path is hashed), and it is not part of the answers cache's key."""
    digest = hashlib.sha1(os.path.abspath(str(path)).encode("utf-8")).hexdigest()
    body = "86" + str(int(digest, 16))[:12]
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def request_key(body: dict) -> str:
    """A stable text of what the service is asked (for the cache and repeats): without ctime, and
    without the scan times, so that a place heard alike at other moments is one question."""
    return "&".join(f"{k}={body[k]}" for k in sorted(body) if k != "ctime" and k not in SCAN_TIMES)


class BaiduError(ServiceError):
    """An errcode other than 0 for a whole request."""

    def __init__(self, errcode, msg, secrets=()):
        meaning, advice = ERRCODES.get(
            errcode, ("unexpected error of the service" if errcode >= 500 else "unknown error code", "try again later")
        )
        self.errcode = errcode
        self.advice = advice
        super().__init__(
            f"Baidu positioning: {meaning} — {advice}",
            service=SERVICE,
            code=errcode,
            service_message=redact(msg, secrets),
        )

    @property
    def fatal(self):
        return self.errcode in FATAL

    @property
    def quota(self):
        return self.errcode == QUOTA


class RateLimiter:
    """When requests may start so that the service, counting arrivals in any sliding second,
    sees at most its quota (Baidu answers 901 beyond it).

    Starts are spaced evenly at ``rate`` per second, and at most ``rate`` of them fall in any
    window of 1 + ``margin`` seconds: the margin absorbs the network's jitter, which would
    otherwise let 31 evenly spaced starts arrive within one second. Adaptive: a 901 lowers the
    rate at once to what the service admitted in the last second (or by a fifth) and widens the
    margin, once per second however many 901s a burst brings; each answer without one wins a
    little of both back, up to the configured rate. ``adaptive=False`` is plain even spacing
    (kept for the benchmark's comparison).
    """

    MIN_MARGIN_S = 0.05
    MAX_MARGIN_S = 1.0
    BACKOFF = 0.8  # rate × this per 901 at least
    CREEP = 0.005  # of the configured rate, won back per answer without 901
    MARGIN_CREEP_S = 0.002

    def __init__(self, rate, adaptive=True):
        self.ceiling = self.rate = float(rate)
        self.adaptive = adaptive
        self.margin = self.MIN_MARGIN_S if adaptive else 0.0
        self._starts = deque()
        self._answers = deque()  # times of the answers without 901 in the last second
        self._first_answer = None
        self._next = time.monotonic()
        self._last_backoff = -math.inf
        self._lock = threading.Lock()

    def wait(self, is_cancelled=None):
        """Reserve the next start (in call order) and sleep until it; True if ``is_cancelled()``
        came first (the slot is then left unused)."""
        with self._lock:
            start = max(time.monotonic(), self._next)
            if self.adaptive:
                window, limit = 1.0 + self.margin, max(1, int(self.rate))
                while self._starts and start - self._starts[0] >= window:
                    self._starts.popleft()
                if len(self._starts) >= limit:
                    start = max(start, self._starts[-limit] + window)
                self._starts.append(start)
            self._next = start + 1.0 / self.rate
        return sleep_unless_cancelled(start - time.monotonic(), is_cancelled)

    def throttled(self):
        """The service answered 901: back off, at once to the rate it has been admitting."""
        with self._lock:
            now = time.monotonic()
            if not self.adaptive or now - self._last_backoff < 1.0:
                return
            self._last_backoff = now
            self._forget_answers(now)
            lowered = self.rate * self.BACKOFF
            if self._answers and now - self._first_answer >= 1.0:  # a full second of evidence
                lowered = min(lowered, float(len(self._answers)))
            self.rate = max(1.0, lowered)
            self.margin = min(self.MAX_MARGIN_S, self.margin + 0.1)

    def answered(self):
        """An answer without 901: creep back towards the configured rate."""
        if not self.adaptive:
            return
        with self._lock:
            now = time.monotonic()
            if self._first_answer is None:
                self._first_answer = now
            self._answers.append(now)
            self._forget_answers(now)
            self.rate = min(self.ceiling, self.rate + self.CREEP * self.ceiling)
            self.margin = max(self.MIN_MARGIN_S, self.margin - self.MARGIN_CREEP_S)

    def _forget_answers(self, now):
        while self._answers and now - self._answers[0] >= 1.0:
            self._answers.popleft()


def sign(base_url: str, query: str, sk: str) -> str:
    """Baidu's general SN rule: md5(quote_plus(path + '?' + query + sk)).

    Baidu documents SN signing for its GET APIs only; for this POST API it is unknown whether the
    body is covered. The plugin signs the query string; IP-whitelist keys need no SN (README).
    """
    path = urlsplit(base_url).path
    return hashlib.md5(quote_plus(f"{path}?{query}{sk}", safe="/:=&?#+!$,;'@()*[]").encode()).hexdigest()


class BaiduClient(SessionClient):
    service = "Baidu"

    def __init__(self, config, proxies=None, session=None, verify=True):
        if not config.ak:
            raise ConfigurationError(
                "No Baidu AK is set. Enter it in CrowdHeat's settings (it is kept in QGIS's authentication "
                f"database) or set the environment variable {ENV_BAIDU_AK}."
            )
        super().__init__(config, (config.ak, config.sk), proxies, session, verify)
        self.limiter = RateLimiter(config.rate)
        self.requests_sent = 0
        self._count_lock = threading.Lock()

    def _head(self):
        """What the document calls the request's head: the key and where the request comes from."""
        return {"ver": "1.0", "trace": False, "prod": self.config.prod, "src": self.config.src, "key": self.config.ak}

    def payload(self, bodies):
        """The JSON posted: the head and the bodies (the seed document), or the bodies alone when
        the head goes in the URL's query (the current page; see url)."""
        return {"body": bodies} if self.config.auth_in_query else dict(self._head(), body=bodies)

    def full_body(self, body, ctime):
        full = dict(
            body, ctime=str(ctime), coor=self.config.coor, output="JSON", need_rgc="Y" if self.config.need_rgc else "N"
        )
        if self.config.device_id and not full.get("imei"):  # mandatory on the current page; the file's own wins
            full["imei"] = self.config.device_id
        return full

    def url(self):
        query = ""
        if self.config.auth_in_query:
            head = self._head()
            head["trace"] = "false"
            query = "&".join(f"{k}={quote_plus(str(v))}" for k, v in head.items())
        if self.config.sk:
            query = (query + "&" if query else "") + f"timestamp={int(time.time())}"
            return f"{self.config.base_url}?{query}&sn={sign(self.config.base_url, query, self.config.sk)}"
        return f"{self.config.base_url}?{query}" if query else self.config.base_url

    def _sent(self):
        with self._count_lock:
            self.requests_sent += 1

    def locate(self, bodies, abandon=None, stopped=None):
        """{ctime: result} for full bodies (each with a unique ctime); raises BaiduError & co.

        Every try waits for the rate limiter first; ``stopped()`` true then means it is not sent
        (CancelledError with ``sent`` False). Throttling (901/902) and the service's own
        transient errors (104, 5xx codes) are retried by the HTTP loop. Only ``abandon()``
        interrupts an exchange under way (an answer on its way has been paid for).
        """
        try:
            return self._answers(
                self.post(
                    self.url(),
                    self.payload(bodies),
                    policy=self.policy,
                    is_cancelled=abandon,
                    on_sent=self._sent,
                    what="Baidu positioning",
                    before_each=lambda: not self.limiter.wait(stopped),
                    retry_answer=self._retry_answer,
                )
            )
        except CrowdHeatError as exc:
            raise redacted(exc, self.secrets) from None

    def _retry_answer(self, status, content):
        """Whether an answer is one to try again: throttled or a transient error of the service."""
        code = _errcode_of(content) if status == 200 else None
        if code in THROTTLED:
            self.limiter.throttled()
        elif status == 200:
            self.limiter.answered()
        return code is not None and retryable_code(code)

    def _answers(self, result):
        if result.status != 200:
            raise ServiceError(
                f"Baidu positioning answered HTTP {result.status}"
                + (f" after {result.attempts} tries" if result.retries_exhausted else ""),
                service=SERVICE,
                http_status=result.status,
                details=result.content[:500].decode("utf-8", "replace"),
            )
        try:
            doc = json.loads(result.content)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ResponseFormatError(
                "Baidu positioning answered with something that is not JSON "
                "(an HTML page, a cut-off or malformed answer)",
                service=SERVICE,
                details=result.content[:300].decode("utf-8", "replace"),
            ) from None
        if not isinstance(doc, dict) or "errcode" not in doc:
            raise ResponseFormatError("Baidu positioning answered JSON without errcode", service=SERVICE)
        try:
            errcode = int(doc["errcode"])
        except (TypeError, ValueError, OverflowError):
            raise ResponseFormatError(
                f"Baidu positioning answered errcode {doc['errcode']!r}", service=SERVICE
            ) from None
        if errcode != 0:
            raise BaiduError(errcode, str(doc.get("msg", "")), self.secrets)
        answers = doc.get("body")
        if not isinstance(answers, list):
            raise ResponseFormatError("Baidu positioning answered errcode 0 without a body list", service=SERVICE)
        return _by_ctime([a for a in answers if isinstance(a, dict)])


REPEATED = "_repeated"  # marks a ctime that several results of one answer carry (see _by_ctime)


def _by_ctime(answers):
    """{ctime: result}. Results are matched to scans by ctime alone: when several results carry the
    same ctime, none of them can be told to be that scan's, and the scan gets a result marked
    with how many there were (a problem, see result_problem: not kept, asked again on a rerun)."""
    counts = Counter(str(a.get("ctime")) for a in answers)
    by_ctime = {}
    for answer in answers:
        ctime = str(answer.get("ctime"))
        by_ctime[ctime] = answer if counts[ctime] == 1 else {"ctime": answer.get("ctime"), REPEATED: counts[ctime]}
    return by_ctime


def retryable_code(code: int) -> bool:
    """Throttled, or a transient error of the service: worth the same request again."""
    return code in THROTTLED or code in TRANSIENT or (code >= 500 and code not in FATAL and code != QUOTA)


def _errcode_of(content):
    """The errcode of an answer, or None when it has none that reads as a number."""
    try:
        code = json.loads(content).get("errcode")
        return None if code is None else int(code)
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError):
        return None


def raw_crs_of(result: dict, requested: str) -> str:
    """The system of a result's numbers: WGS84 outside China, whatever was asked (Baidu's rule)."""
    country = str(result.get("country") or "").strip().lower()
    if country:
        return requested if country in CHINA_NAMES else coords.WGS84
    lng, lat = parse_location(result.get("location"))
    if lng is None or lat is None:
        return requested
    # "In China" is decided on the WGS84 point the numbers stand for, not on the numbers.
    return requested if coords.in_china(*coords.convert(lng, lat, requested, coords.WGS84)) else coords.WGS84


# The largest accuracy radius taken as a distance (cell positioning in the countryside is a few
# km; anything beyond this, negative or not a number, is a malformed result).
MAX_RADIUS_M = 100_000.0


def result_problem(answer: dict) -> str:
    """Why one result of the service is not a valid answer ('' when it is)."""
    if answer.get(REPEATED):
        return f"{answer[REPEATED]} results of one answer carry this scan's ctime, and none can be told to be its own"
    try:
        error = int(answer.get("error", 0))
        kind = int(answer.get("type", 0) or 0)
    except (TypeError, ValueError, OverflowError):
        return f"error {answer.get('error')!r}, type {answer.get('type')!r}"
    if error not in (0, -1) or kind not in LOCATION_TYPES:
        return f"error {error}, type {kind}"
    if error == 0 and kind != 0:
        if parse_location(answer.get("location"))[0] is None:
            return f"location {answer.get('location')!r}"
        radius = answer.get("radius")
        if radius not in (None, ""):
            try:
                value = float(radius)
            except (TypeError, ValueError):
                value = float("nan")
            if not (math.isfinite(value) and 0 <= value <= MAX_RADIUS_M):
                return f"radius {radius!r} is not a distance in metres"
    return ""


def result_located(answer: dict) -> bool:
    """A valid result (see ``result_problem``) that holds a position."""
    return int(answer.get("error", 0)) == 0 and int(answer.get("type", 0) or 0) != 0


ADDRESS = (
    "country",
    "province",
    "city",
    "citycode",
    "district",
    "road",
    "indoor",
    "bldg",
    "bldgid",
    "bldgname",
    "floor",
)


@dataclass(frozen=True)
class Position:
    """Where the service put a scan, in the numbers it sent and converted (coordinates are
    decided here, nowhere else)."""

    lng: float  # in the output system (WGS84 outside China, whatever was asked)
    lat: float
    raw_lng: float  # as the service sent them
    raw_lat: float
    raw_crs: str  # the system of the raw numbers
    wgs84: tuple  # (lng, lat)
    radius_m: float | None = None
    loc_type: int | None = None
    address: tuple = ()  # (name, text) of the ADDRESS fields the answer has

    def distance_to(self, truth):
        """Metres to a WGS84 (lng, lat)."""
        return haversine_m(self.wgs84, truth)


def position_of(answer: dict, requested: str, output_system: str) -> Position | None:
    """The :class:`Position` of a result that has a location, or None."""
    raw_lng, raw_lat = parse_location((answer or {}).get("location"))
    if raw_lng is None or raw_lat is None:
        return None
    raw_crs = raw_crs_of(answer, requested)
    # Outside China the service's numbers are WGS84 and stay as they are.
    target = output_system if raw_crs != coords.WGS84 else coords.WGS84
    wgs84 = coords.convert(raw_lng, raw_lat, raw_crs, coords.WGS84)
    lng, lat = wgs84 if target == coords.WGS84 else coords.convert(raw_lng, raw_lat, raw_crs, target)
    return Position(
        lng,
        lat,
        raw_lng,
        raw_lat,
        raw_crs,
        wgs84,
        _number(answer.get("radius")),
        location_type(answer),
        tuple((k, str(answer[k])) for k in ADDRESS if answer.get(k) not in (None, "")),
    )


def _number(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def location_type(answer: dict) -> int | None:
    """The result's ``type`` (0 none … 5 other) as a number, or None."""
    value = (answer or {}).get("type")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_location(text: object) -> tuple[float, float] | tuple[None, None]:
    try:
        lng, lat = (float(v) for v in str(text).split(","))
    except (TypeError, ValueError):
        return None, None
    if not (-180 <= lng <= 180 and -90 <= lat <= 90) or (lng == 0 and lat == 0):
        return None, None  # 0,0 is no place a scan was made: an unset position
    return lng, lat


def check_connection(client: BaiduClient) -> str:
    """Reach the service and have the AK checked, spending no positioning: an empty body list.

    Baidu checks the key before the body (the simulator does likewise; the real order is not
    documented), so 102 'Request is empty' means reachable and AK accepted.
    """
    try:
        client.locate([])
    except BaiduError as exc:
        if exc.errcode == 102:
            return "Connected: the AK is accepted (the empty test request was answered with errcode 102)."
        raise
    return "Connected: the AK is accepted."
