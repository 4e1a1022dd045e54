"""Where every setting comes from, decided in one place.

Stored values (the plugin's QGIS settings; secrets from QGIS's authentication database) are
read by ``plugin/gis/settings.py`` and passed here as a plain dict; the environment overrides
them. That is how ``qgis_process``, the tests and the demo point the plugin at a simulator.
"""

import os
from dataclasses import dataclass, field

from .fence import DEFAULT_MAX_VERTICES
from .http import Limits
from .scan_formats import DEFAULT_DISTANCE_M, DEFAULT_WINDOW_S

JIKE_DEFAULT_URL = "https://data-api.isjike.com/api"
ENV_JIKE_URL = "CROWDHEAT_JIKE_URL"
ENV_JIKE_TOKEN = "CROWDHEAT_JIKE_TOKEN"


@dataclass(frozen=True)
class JikeConfig:
    base_url: str = JIKE_DEFAULT_URL
    token: str = field(default="", repr=False)
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 120.0
    attempts: int = 3
    backoff_s: float = 1.0
    max_vertices: int = DEFAULT_MAX_VERTICES
    deadline_s: float = 300.0  # one whole exchange, however slowly the answer drips in
    max_answer_mb: float = 256.0  # on the wire and decompressed
    concurrency: int = 2  # requests in flight (the service's rate limit is unknown; 429 is handled)
    confirm_requests: int = 20  # the dock asks before a run of more requests than this
    cache_path: str = ""  # '' = the default in the QGIS profile
    url_from_env: bool = False
    token_from_env: bool = False

    def limits(self):
        return answer_limits(self)


def answer_limits(config):
    """The HTTP limits of a service's configuration (both configurations have the two fields)."""
    return Limits(deadline_s=config.deadline_s, max_answer_bytes=int(config.max_answer_mb * 1024 * 1024))


def _stored_number(stored, defaults, key, kind):
    """A stored setting as ``kind``; the default when it is missing or unreadable."""
    value = stored.get(key)
    try:
        return kind(value) if value not in (None, "") else getattr(defaults, key)
    except (TypeError, ValueError):
        return getattr(defaults, key)


def resolve_jike(stored=None, environ=None):
    """The effective Jike configuration: environment over stored settings over defaults."""
    stored = stored or {}
    environ = os.environ if environ is None else environ
    env_url = environ.get(ENV_JIKE_URL, "").strip()
    env_token = environ.get(ENV_JIKE_TOKEN, "").strip()
    defaults = JikeConfig()

    def number(key, kind):
        return _stored_number(stored, defaults, key, kind)

    return JikeConfig(
        base_url=(env_url or stored.get("base_url") or JIKE_DEFAULT_URL).rstrip("/"),
        token=env_token or stored.get("token") or "",
        connect_timeout_s=number("connect_timeout_s", float),
        read_timeout_s=number("read_timeout_s", float),
        attempts=max(1, number("attempts", int)),
        backoff_s=max(0.0, number("backoff_s", float)),
        max_vertices=max(4, number("max_vertices", int)),
        deadline_s=max(1.0, number("deadline_s", float)),
        max_answer_mb=max(0.001, number("max_answer_mb", float)),
        concurrency=min(max(1, number("concurrency", int)), 8),
        confirm_requests=max(1, number("confirm_requests", int)),
        cache_path=str(stored.get("cache_path") or ""),
        url_from_env=bool(env_url),
        token_from_env=bool(env_token),
    )


BAIDU_DEFAULT_URL = "https://api.map.baidu.com/locapi/v2"
ENV_BAIDU_URL = "CROWDHEAT_BAIDU_URL"
ENV_BAIDU_AK = "CROWDHEAT_BAIDU_AK"
ENV_BAIDU_SK = "CROWDHEAT_BAIDU_SK"


@dataclass(frozen=True)
class BaiduConfig:
    base_url: str = BAIDU_DEFAULT_URL
    ak: str = field(default="", repr=False)
    sk: str = field(default="", repr=False)
    batch_size: int = 2  # error 101 says at most 2 bodies per request
    rate: float = 30.0  # requests per second: Baidu's default quota
    concurrency: int = 8  # requests in flight, so that latency does not cap the rate
    coor: str = "GCJ02"  # what we ask the service for (GCJ02 or BD09LL)
    need_rgc: bool = True
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    attempts: int = 4
    backoff_s: float = 1.0
    prod: str = "crowdheat"
    src: str = "qgis"
    cache_path: str = ""  # '' = the default in the QGIS profile
    deadline_s: float = 60.0  # one whole exchange, however slowly the answer drips in
    max_answer_mb: float = 16.0  # answers are a few KB; anything near this is not an answer
    scan_window_s: float = DEFAULT_WINDOW_S  # per-AP rows of one scan: seconds from its first row
    scan_distance_m: float = DEFAULT_DISTANCE_M  # ... and metres from its first position
    url_from_env: bool = False
    ak_from_env: bool = False
    sk_from_env: bool = False

    def limits(self):
        return answer_limits(self)


def resolve_baidu(stored=None, environ=None):
    """The effective Baidu configuration: environment over stored settings over defaults."""
    stored = stored or {}
    environ = os.environ if environ is None else environ
    defaults = BaiduConfig()
    env = {
        key: environ.get(name, "").strip()
        for key, name in (("url", ENV_BAIDU_URL), ("ak", ENV_BAIDU_AK), ("sk", ENV_BAIDU_SK))
    }

    def value(key, kind):
        return _stored_number(stored, defaults, key, kind)

    coor = str(stored.get("coor") or defaults.coor).upper()
    return BaiduConfig(
        base_url=(env["url"] or stored.get("base_url") or BAIDU_DEFAULT_URL).rstrip("/"),
        ak=env["ak"] or stored.get("ak") or "",
        sk=env["sk"] or stored.get("sk") or "",
        batch_size=min(max(1, value("batch_size", int)), 10),
        rate=max(0.1, value("rate", float)),
        concurrency=min(max(1, value("concurrency", int)), 64),
        coor=coor if coor in ("GCJ02", "BD09LL") else defaults.coor,
        need_rgc=str(stored.get("need_rgc", "true")).lower() not in ("false", "0", "n", "no"),
        connect_timeout_s=value("connect_timeout_s", float),
        read_timeout_s=value("read_timeout_s", float),
        attempts=max(1, value("attempts", int)),
        backoff_s=max(0.0, value("backoff_s", float)),
        cache_path=str(stored.get("cache_path") or ""),
        deadline_s=max(1.0, value("deadline_s", float)),
        max_answer_mb=max(0.001, value("max_answer_mb", float)),
        scan_window_s=max(0.0, value("scan_window_s", float)),
        scan_distance_m=max(0.0, value("scan_distance_m", float)),
        url_from_env=bool(env["url"]),
        ak_from_env=bool(env["ak"]),
        sk_from_env=bool(env["sk"]),
    )
