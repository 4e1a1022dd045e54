"""Where every setting comes from, decided in one place.

Stored values (the plugin's QGIS settings; secrets from QGIS's authentication database) are
read by ``plugin/gis/settings.py`` and passed here as a plain dict; the environment overrides
them. That is how ``qgis_process``, the tests and the demo point the plugin at a simulator.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from .fence import DEFAULT_MAX_VERTICES
from .http import Limits
from .scan_formats import DEFAULT_DISTANCE_M, DEFAULT_WINDOW_S


class Service(str, Enum):
    """The two services; the values name them in QGIS's settings (crowdheat/<service>/…)."""

    JIKE = "jike"
    BAIDU = "baidu"

    def __str__(self):
        return self.value


JIKE_DEFAULT_URL = "https://data-api.isjike.com/api"
ENV_JIKE_URL = "CROWDHEAT_JIKE_URL"
ENV_JIKE_TOKEN = "CROWDHEAT_JIKE_TOKEN"
BAIDU_DEFAULT_URL = "https://api.map.baidu.com/locapi/v2"
ENV_BAIDU_URL = "CROWDHEAT_BAIDU_URL"
ENV_BAIDU_AK = "CROWDHEAT_BAIDU_AK"
ENV_BAIDU_SK = "CROWDHEAT_BAIDU_SK"


@dataclass(frozen=True)
class ServiceConfig:
    """What every service has: where it is, how long to wait, how often to retry, how many
    requests in flight, where answers are cached. Each service sets its own defaults."""

    base_url: str = ""
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    attempts: int = 3
    backoff_s: float = 1.0
    deadline_s: float = 60.0  # one whole exchange, however slowly the answer drips in
    max_answer_mb: float = 16.0  # on the wire and decompressed
    concurrency: int = 2  # requests in flight
    cache_path: str = ""  # '' = the default in the QGIS profile
    url_from_env: bool = False

    def limits(self):
        """The HTTP limits of this configuration."""
        return Limits(deadline_s=self.deadline_s, max_answer_bytes=int(self.max_answer_mb * 1024 * 1024))


@dataclass(frozen=True)
class JikeConfig(ServiceConfig):
    base_url: str = JIKE_DEFAULT_URL
    read_timeout_s: float = 120.0
    deadline_s: float = 300.0
    max_answer_mb: float = 256.0
    concurrency: int = 2  # the service's rate limit is unknown; 429 is handled
    token: str = field(default="", repr=False)
    max_vertices: int = DEFAULT_MAX_VERTICES
    confirm_requests: int = 20  # the dock asks before a run of more requests than this
    token_from_env: bool = False


@dataclass(frozen=True)
class BaiduConfig(ServiceConfig):
    base_url: str = BAIDU_DEFAULT_URL
    attempts: int = 4
    concurrency: int = 8  # requests in flight, so that latency does not cap the rate
    ak: str = field(default="", repr=False)
    sk: str = field(default="", repr=False)
    batch_size: int = 2  # error 101 says at most 2 bodies per request
    rate: float = 30.0  # requests per second: Baidu's default quota
    coor: str = "GCJ02"  # what we ask the service for (GCJ02 or BD09LL)
    need_rgc: bool = True
    prod: str = "crowdheat"
    src: str = "qgis"
    # What Baidu's documents disagree on (README, "Baidu's two documents"): the seed document's
    # ways are the defaults until a real key shows otherwise.
    unknown_signal: int = 50  # a cell's signal when the file has none: 50 (seed), 99 (current page)
    auth_in_query: bool = False  # key/src/prod/ver/trace in the URL's query (current page), not the body
    device_id: str = ""  # the imei of scans whose file has none; '' = one made per file (gis/scan_run)
    scan_window_s: float = DEFAULT_WINDOW_S  # per-AP rows of one scan: seconds from its first row
    scan_distance_m: float = DEFAULT_DISTANCE_M  # ... and metres from its first position
    ak_from_env: bool = False
    sk_from_env: bool = False


def N_(text: str) -> str:
    """Marks a text for translation where Qt is not at hand: the settings page translates it when
    it shows it (tools/i18n.py collects N_("...") as it does tr("..."))."""
    return text


@dataclass(frozen=True)
class Setting:
    """One stored setting of a service: the config field it fills (and its QgsSettings key,
    crowdheat/<service>/<key>), its type and allowed values, and how the settings page shows it
    (no ``label``: not on the page). Its default is the config class's own."""

    key: str
    kind: type  # int, float, bool or str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()  # for str: the values allowed (upper case)
    label: str = ""
    unit: str = ""
    help: str = ""
    decimals: int = 0  # shown on the page

    def read(self, value, default):
        """A stored value (text, number, bool or None, as QgsSettings gives it) as this setting's
        type, within its range or choices; ``default`` when missing or unreadable."""
        if value is None or value == "":
            return default
        if self.kind is bool:
            return str(value).lower() not in ("false", "0", "n", "no")
        if self.kind is str:
            text = str(value).strip()
            if self.choices:
                return text.upper() if text.upper() in self.choices else default
            return text
        try:
            number = self.kind(value)
        except (TypeError, ValueError, OverflowError):
            return default
        if self.low is not None:
            number = max(self.kind(self.low), number)
        if self.high is not None:
            number = min(self.kind(self.high), number)
        return number


# Every stored setting, in the settings page's order. Secrets (token, ak, sk) are not here: they
# live in QGIS's authentication database (plugin/gis/settings.py).
_COMMON_FIRST = (Setting("base_url", str, label=N_("Base URL")),)
_COMMON_LIMITS = (
    Setting("read_timeout_s", float, 0.5, 3600, label=N_("Read timeout"), unit=" s", decimals=1),
    Setting("deadline_s", float, 1, 7200, label=N_("Total deadline per request"), unit=" s"),
    Setting("max_answer_mb", float, 1, 8192, label=N_("Largest answer"), unit=" MB"),
)
_COMMON_HIDDEN = (  # kept in the settings for scripts; not on the page
    Setting("connect_timeout_s", float, 0.1, 600),
    Setting("attempts", int, 1, 20),
    Setting("backoff_s", float, 0, 600),
    Setting("cache_path", str),  # the page's own row: a file, what it holds, and Clear
)
SETTINGS = {
    Service.JIKE: _COMMON_FIRST
    + _COMMON_LIMITS
    + (
        Setting("concurrency", int, 1, 8, label=N_("Requests in flight")),
        Setting("confirm_requests", int, 1, 1_000_000, label=N_("Ask before a run of more requests than")),
        Setting("max_vertices", int, 4, 100_000),
    )
    + _COMMON_HIDDEN,
    Service.BAIDU: _COMMON_FIRST
    + (
        Setting("batch_size", int, 1, 10, label=N_("Scans per request")),
        Setting("rate", float, 0.1, 1000, label=N_("Requests per second"), decimals=1),
        Setting("coor", str, choices=("GCJ02", "BD09LL"), label=N_("Coordinates asked of the service")),
    )
    + _COMMON_LIMITS
    + (
        Setting("scan_window_s", float, 0, 86_400, label=N_("Rows of one AP each: one scan within"), unit=" s"),
        Setting("scan_distance_m", float, 0, 100_000, label=N_("… and within"), unit=" m"),
        # Where Baidu's seed document and its current page differ (README, "Baidu's two documents").
        Setting(
            "unknown_signal",
            int,
            -200,
            200,
            label=N_("Unknown cell signal"),
            help=N_("A cell's signal when the file has none: 50 in the seed document, 99 on Baidu's current page."),
        ),
        Setting(
            "auth_in_query",
            bool,
            label=N_("Key in the URL's query string (Baidu's current page), not in the JSON body"),
        ),
        Setting(
            "device_id",
            str,
            label=N_("Device id (imei) of files without one"),
            help=N_("empty: one id per file, made from its path"),
        ),
        Setting("concurrency", int, 1, 64),
        Setting("need_rgc", bool),
    )
    + _COMMON_HIDDEN,
}
SECRETS = {  # per service: each secret's environment variable
    Service.JIKE: {"token": ENV_JIKE_TOKEN},
    Service.BAIDU: {"ak": ENV_BAIDU_AK, "sk": ENV_BAIDU_SK},
}
URL_ENV = {Service.JIKE: ENV_JIKE_URL, Service.BAIDU: ENV_BAIDU_URL}
CONFIG_CLASS = {Service.JIKE: JikeConfig, Service.BAIDU: BaiduConfig}


def setting(service: Service, key: str) -> Setting:
    return next(spec for spec in SETTINGS[service] if spec.key == key)


def resolve(service: Service, stored: dict | None = None, environ: Mapping[str, str] | None = None):
    """The effective configuration of ``service``: the environment over stored settings (read as
    their :class:`Setting` says) over the config class's defaults."""
    stored = stored or {}
    environ = os.environ if environ is None else environ
    kind = CONFIG_CLASS[service]
    defaults = kind()
    fields = {spec.key: spec.read(stored.get(spec.key), getattr(defaults, spec.key)) for spec in SETTINGS[service]}
    url = environ.get(URL_ENV[service], "").strip()
    fields["base_url"] = (url or fields["base_url"] or defaults.base_url).rstrip("/")
    fields["url_from_env"] = bool(url)
    for name, env_name in SECRETS[service].items():
        from_env = environ.get(env_name, "").strip()
        fields[name] = from_env or stored.get(name) or ""
        fields[f"{name}_from_env"] = bool(from_env)
    return kind(**fields)


def resolve_jike(stored: dict | None = None, environ: Mapping[str, str] | None = None) -> JikeConfig:
    return resolve(Service.JIKE, stored, environ)


def resolve_baidu(stored: dict | None = None, environ: Mapping[str, str] | None = None) -> BaiduConfig:
    return resolve(Service.BAIDU, stored, environ)
