"""The plugin's stored settings (QgsSettings) and secrets (QGIS authentication database).

Only authcfg ids live in QgsSettings; the token itself lives encrypted in the auth database.
``plugin/core/config.py`` decides how these combine with the environment.
"""

import os

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings

from ..core import config

PREFIX = "crowdheat/"
JIKE_AUTHCFG_KEY = PREFIX + "jike/authcfg"
JIKE_KEYS = ("base_url", "connect_timeout_s", "read_timeout_s", "attempts", "backoff_s", "max_vertices")


def read_secret(authcfg):
    """The secret stored under an authcfg id, or '' (unknown id, or the database is locked)."""
    if not authcfg:
        return ""
    cfg = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(authcfg, cfg, True):
        return ""
    return cfg.config("password", "")


def store_secret(name, secret, authcfg=""):
    """Store ``secret`` in the auth database (new or existing ``authcfg``); return the id."""
    manager = QgsApplication.authManager()
    cfg = QgsAuthMethodConfig("Basic")
    if authcfg:
        manager.loadAuthenticationConfig(authcfg, cfg, True)
        cfg.setMethod("Basic")
    cfg.setName(name)
    cfg.setConfig("username", "")
    cfg.setConfig("password", secret)
    if cfg.id():
        ok = manager.updateAuthenticationConfig(cfg)
    else:
        ok = manager.storeAuthenticationConfig(cfg)
    if not ok:
        raise RuntimeError("QGIS's authentication database refused to store the secret "
                           "(is its master password set?)")
    return cfg.id()


def set_jike_token(token):
    settings = QgsSettings()
    authcfg = store_secret("CrowdHeat: Jike token", token, settings.value(JIKE_AUTHCFG_KEY, "", type=str))
    settings.setValue(JIKE_AUTHCFG_KEY, authcfg)
    return authcfg


def set_jike_value(key, value):
    if key not in JIKE_KEYS:
        raise KeyError(key)
    QgsSettings().setValue(PREFIX + "jike/" + key, value)


def jike_config(environ=None):
    """The effective Jike configuration for this QGIS profile and environment."""
    settings = QgsSettings()
    stored = {key: settings.value(PREFIX + "jike/" + key, None) for key in JIKE_KEYS}
    environ = os.environ if environ is None else environ
    if not environ.get(config.ENV_JIKE_TOKEN, "").strip():  # the environment wins: skip the database
        stored["token"] = read_secret(settings.value(JIKE_AUTHCFG_KEY, "", type=str))
    return config.resolve_jike(stored, environ)


BAIDU_AK_KEY = PREFIX + "baidu/ak_authcfg"
BAIDU_SK_KEY = PREFIX + "baidu/sk_authcfg"
BAIDU_KEYS = ("base_url", "batch_size", "rate", "concurrency", "coor", "need_rgc", "connect_timeout_s",
              "read_timeout_s", "attempts", "backoff_s", "cache_path")


def set_baidu_secret(which, secret):
    """Store the Baidu AK or SK (``which`` is 'ak' or 'sk') in the auth database."""
    key = BAIDU_AK_KEY if which == "ak" else BAIDU_SK_KEY
    settings = QgsSettings()
    authcfg = store_secret(f"CrowdHeat: Baidu {which.upper()}", secret, settings.value(key, "", type=str))
    settings.setValue(key, authcfg)
    return authcfg


def set_baidu_value(key, value):
    if key not in BAIDU_KEYS:
        raise KeyError(key)
    QgsSettings().setValue(PREFIX + "baidu/" + key, value)


def baidu_config(environ=None):
    """The effective Baidu configuration for this QGIS profile and environment."""
    settings = QgsSettings()
    stored = {key: settings.value(PREFIX + "baidu/" + key, None) for key in BAIDU_KEYS}
    environ = os.environ if environ is None else environ
    for which, key, env in (("ak", BAIDU_AK_KEY, config.ENV_BAIDU_AK), ("sk", BAIDU_SK_KEY, config.ENV_BAIDU_SK)):
        if not environ.get(env, "").strip():
            stored[which] = read_secret(settings.value(key, "", type=str))
    return config.resolve_baidu(stored, environ)


def default_cache_path():
    """The answers cache lives in the QGIS profile, beside the plugin's settings."""
    folder = os.path.join(QgsApplication.qgisSettingsDirPath(), "crowdheat")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, "baidu-answers.sqlite")


def proxies_for(url):
    """requests-style proxies from QGIS's network settings (Options ▸ Network), or None.

    requests alone would ignore them, and corporate networks need them.
    """
    settings = QgsSettings()
    if not settings.value("proxy/proxyEnabled", False, type=bool):
        return None
    host = settings.value("proxy/proxyHost", "", type=str)
    port = settings.value("proxy/proxyPort", "", type=str)
    kind = settings.value("proxy/proxyType", "", type=str)
    if kind in ("DefaultProxy", "") or not host:
        return None  # the system proxy: requests reads it from the environment itself
    excluded = settings.value("proxy/proxyExcludedUrls", "", type=str) or ""
    if any(prefix and url.startswith(prefix) for prefix in excluded.split("|")):
        return None
    user = settings.value("proxy/proxyUser", "", type=str)
    password = settings.value("proxy/proxyPassword", "", type=str)
    scheme = "socks5h" if kind == "Socks5Proxy" else "http"
    credentials = f"{user}:{password}@" if user else ""
    address = f"{scheme}://{credentials}{host}{':' + port if port else ''}"
    return {"http": address, "https": address}
