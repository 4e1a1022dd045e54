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


def _flag(value, default):
    """A stored yes/no (QgsSettings gives bools or their text)."""
    if value in (None, ""):
        return default
    return str(value).lower() not in ("false", "0", "n", "no")


def _stored_number(stored, defaults, key, kind):
    """A stored setting as ``kind``; the default when it is missing or unreadable."""
    value = stored.get(key)
    try:
        return kind(value) if value not in (None, "") else getattr(defaults, key)
    except (TypeError, ValueError):
        return getattr(defaults, key)


def _common(kind, stored, environ, env_url, secrets, max_concurrency):
    """(the fields every service has, ``number(key, type)`` for the service's own): the
    environment over stored settings over ``kind``'s defaults, resolved one way for both."""
    environ = os.environ if environ is None else environ
    defaults = kind()

    def number(key, of_kind):
        return _stored_number(stored, defaults, key, of_kind)

    url = environ.get(env_url, "").strip()
    fields = dict(
        base_url=(url or stored.get("base_url") or defaults.base_url).rstrip("/"),
        connect_timeout_s=number("connect_timeout_s", float),
        read_timeout_s=number("read_timeout_s", float),
        attempts=max(1, number("attempts", int)),
        backoff_s=max(0.0, number("backoff_s", float)),
        deadline_s=max(1.0, number("deadline_s", float)),
        max_answer_mb=max(0.001, number("max_answer_mb", float)),
        concurrency=min(max(1, number("concurrency", int)), max_concurrency),
        cache_path=str(stored.get("cache_path") or ""),
        url_from_env=bool(url),
    )
    for name, env_name in secrets.items():
        from_env = environ.get(env_name, "").strip()
        fields[name] = from_env or stored.get(name) or ""
        fields[f"{name}_from_env"] = bool(from_env)
    return fields, number


def resolve_jike(stored: dict | None = None, environ: Mapping[str, str] | None = None) -> JikeConfig:
    """The effective Jike configuration: environment over stored settings over defaults."""
    stored = stored or {}
    fields, number = _common(JikeConfig, stored, environ, ENV_JIKE_URL, {"token": ENV_JIKE_TOKEN}, max_concurrency=8)
    return JikeConfig(
        **fields,
        max_vertices=max(4, number("max_vertices", int)),
        confirm_requests=max(1, number("confirm_requests", int)),
    )


def resolve_baidu(stored: dict | None = None, environ: Mapping[str, str] | None = None) -> BaiduConfig:
    """The effective Baidu configuration: environment over stored settings over defaults."""
    stored = stored or {}
    secrets = {"ak": ENV_BAIDU_AK, "sk": ENV_BAIDU_SK}
    fields, number = _common(BaiduConfig, stored, environ, ENV_BAIDU_URL, secrets, max_concurrency=64)
    coor = str(stored.get("coor") or BaiduConfig.coor).upper()
    return BaiduConfig(
        **fields,
        batch_size=min(max(1, number("batch_size", int)), 10),
        rate=max(0.1, number("rate", float)),
        coor=coor if coor in ("GCJ02", "BD09LL") else BaiduConfig.coor,
        need_rgc=_flag(stored.get("need_rgc"), True),
        unknown_signal=number("unknown_signal", int),
        auth_in_query=_flag(stored.get("auth_in_query"), False),
        device_id=str(stored.get("device_id") or "").strip(),
        scan_window_s=max(0.0, number("scan_window_s", float)),
        scan_distance_m=max(0.0, number("scan_distance_m", float)),
    )
