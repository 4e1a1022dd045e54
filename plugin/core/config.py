"""Where every setting comes from, decided in one place.

Stored values (the plugin's QGIS settings; secrets from QGIS's authentication database) are
read by ``plugin/gis/settings.py`` and passed here as a plain dict; the environment overrides
them. That is how ``qgis_process``, the tests and the demo point the plugin at a simulator.
"""

import os
from dataclasses import dataclass, field

from .fence import DEFAULT_MAX_VERTICES

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
    url_from_env: bool = False
    token_from_env: bool = False


def resolve_jike(stored=None, environ=None):
    """The effective Jike configuration: environment over stored settings over defaults."""
    stored = stored or {}
    environ = os.environ if environ is None else environ
    env_url = environ.get(ENV_JIKE_URL, "").strip()
    env_token = environ.get(ENV_JIKE_TOKEN, "").strip()
    defaults = JikeConfig()

    def number(key, kind):
        value = stored.get(key)
        try:
            return kind(value) if value not in (None, "") else getattr(defaults, key)
        except (TypeError, ValueError):
            return getattr(defaults, key)

    return JikeConfig(
        base_url=(env_url or stored.get("base_url") or JIKE_DEFAULT_URL).rstrip("/"),
        token=env_token or stored.get("token") or "",
        connect_timeout_s=number("connect_timeout_s", float),
        read_timeout_s=number("read_timeout_s", float),
        attempts=max(1, number("attempts", int)),
        backoff_s=max(0.0, number("backoff_s", float)),
        max_vertices=max(4, number("max_vertices", int)),
        url_from_env=bool(env_url),
        token_from_env=bool(env_token),
    )
