"""The plugin's stored settings (QgsSettings) and secrets (QGIS authentication database).

Only authcfg ids live in QgsSettings; the token itself lives encrypted in the auth database.
``plugin/core/config.py`` decides how these combine with the environment.
"""

import os
import pathlib

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings

from ..core import config
from ..core.config import Service
from ..core.errors import ConfigurationError

PREFIX = "crowdheat/"
# Per service: each secret's authcfg key (in QgsSettings) and name in the auth database. The
# stored settings themselves are specified once, in plugin/core/config.py (SETTINGS).
SECRETS = {
    Service.JIKE: {"token": ("jike/authcfg", "CrowdHeat: Jike token")},
    Service.BAIDU: {
        "ak": ("baidu/ak_authcfg", "CrowdHeat: Baidu AK"),
        "sk": ("baidu/sk_authcfg", "CrowdHeat: Baidu SK"),
    },
}


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
        raise ConfigurationError(
            f"QGIS's authentication database refused to store {name}: set or enter its master password "
            f"(Settings ▸ Options ▸ Authentication), then save again. Nothing was stored."
        )
    return cfg.id()


def keep_secret(id_key, label, secret):
    """Store ``secret`` in the auth database under the authcfg id the QgsSettings key ``id_key``
    holds (made, and kept there, the first time); return that id."""
    settings = QgsSettings()
    authcfg = store_secret(label, secret, settings.value(id_key, "", type=str))
    settings.setValue(id_key, authcfg)
    return authcfg


def secret_under(id_key):
    """The secret whose authcfg id the QgsSettings key ``id_key`` holds, or '' (decrypts it)."""
    return read_secret(QgsSettings().value(id_key, "", type=str))


def secret_kept(id_key):
    """Whether the auth database holds the secret of ``id_key``, known from its id alone
    (nothing decrypted, so no master-password prompt)."""
    authcfg = QgsSettings().value(id_key, "", type=str)
    return bool(authcfg) and authcfg in QgsApplication.authManager().configIds()


def set_secret(service, name, secret):
    """Store a service's secret (jike token, baidu ak/sk) in the auth database; return its authcfg."""
    key, label = SECRETS[Service(service)][name]
    return keep_secret(PREFIX + key, label, secret)


def set_value(service, key, value):
    config.setting(Service(service), key)  # StopIteration for a key that is no setting
    QgsSettings().setValue(f"{PREFIX}{service}/{key}", value)


def service_config(service, environ=None, secrets=True):
    """The effective configuration of a service for this QGIS profile and environment.
    ``secrets=False`` leaves the auth database closed (no decryption, so no master-password
    prompt): for what the UI shows and for limits; only the request that is sent needs them."""
    service = Service(service)
    settings = QgsSettings()
    stored = {spec.key: settings.value(f"{PREFIX}{service}/{spec.key}", None) for spec in config.SETTINGS[service]}
    environ = os.environ if environ is None else environ
    for name, (key, _) in SECRETS[service].items():
        if secrets and not environ.get(config.SECRETS[service][name], "").strip():  # the environment wins
            stored[name] = secret_under(PREFIX + key)
    return config.resolve(service, stored, environ)


def jike_config(environ=None, secrets=True):
    return service_config(Service.JIKE, environ, secrets)


def baidu_config(environ=None, secrets=True):
    return service_config(Service.BAIDU, environ, secrets)


def secret_stored(service, name):
    """Whether the auth database holds this secret, known from its id alone (nothing decrypted)."""
    return secret_kept(PREFIX + SECRETS[Service(service)][name][0])


def default_cache_path(service=Service.BAIDU):
    """The answers caches live in the QGIS profile, beside the plugin's settings."""
    folder = os.path.join(QgsApplication.qgisSettingsDirPath(), "crowdheat")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{service}-answers.sqlite")


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


def trusted_ca_bundle():
    """A CA bundle for requests: REQUESTS_CA_BUNDLE's if set, else the system's (certifi's), plus
    the authorities QGIS trusts (Settings ▸ Options ▸ Authentication ▸ Certificate Manager), so
    that a company proxy whose CA is trusted in QGIS works here too. Written to the profile when
    it changes; True (the default bundle) if it cannot be made."""
    try:
        import certifi

        base = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where()
        pem = [pathlib.Path(base).read_bytes()]
        pem += [bytes(cert.toPem()) for cert in QgsApplication.authManager().trustedCaCerts()]
        bundle = b"\n".join(pem)
        path = os.path.join(QgsApplication.qgisSettingsDirPath(), "crowdheat", "trusted-cas.pem")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path) or pathlib.Path(path).read_bytes() != bundle:
            pathlib.Path(path).write_bytes(bundle)
        return path
    except (OSError, ImportError, RuntimeError):
        return True


def network_for(url):
    """How to reach ``url``: the proxies of QGIS's network settings and the CAs QGIS trusts."""
    return {"proxies": proxies_for(url), "verify": trusted_ca_bundle()}
