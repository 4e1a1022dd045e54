"""Settings in one place: the token lives in QGIS's auth database, the environment overrides it,
and it never reaches settings files, project files, layers or logs."""

import pathlib

import processing
from qgis.core import QgsApplication, QgsProject, QgsSettings

from crowdheat.plugin.gis import settings
from simulator.jike import TOKEN
from tests.helpers import SAMPLE_WKT, polygon_layer


def test_token_round_trips_through_the_auth_database(auth_unlocked, monkeypatch):
    monkeypatch.delenv("CROWDHEAT_JIKE_TOKEN", raising=False)
    monkeypatch.delenv("CROWDHEAT_JIKE_URL", raising=False)
    authcfg = settings.set_secret("jike", "token", "stored-secret-token-42")
    assert len(authcfg) == 7
    assert settings.set_secret("jike", "token", "stored-secret-token-43") == authcfg  # updated in place
    config = settings.jike_config()
    assert config.token == "stored-secret-token-43" and not config.token_from_env
    assert config.base_url == "https://data-api.isjike.com/api"
    qsettings = QgsSettings()
    qsettings.sync()
    text = pathlib.Path(qsettings.fileName()).read_text(errors="replace")
    assert "stored-secret-token" not in text and authcfg in text
    db = pathlib.Path(QgsApplication.qgisAuthDatabaseFilePath()).read_bytes()
    assert b"stored-secret-token" not in db  # encrypted at rest


def test_environment_overrides_the_stored_token(auth_unlocked, monkeypatch):
    settings.set_secret("jike", "token", "stored-secret-token-43")
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "from-env")
    monkeypatch.setenv("CROWDHEAT_JIKE_URL", "http://127.0.0.1:1/api/")
    config = settings.jike_config()
    assert (config.token, config.base_url, config.token_from_env, config.url_from_env) == (
        "from-env",
        "http://127.0.0.1:1/api",
        True,
        True,
    )


def test_stored_numbers_are_used(monkeypatch):
    settings.set_value("jike", "attempts", 5)
    try:
        assert settings.jike_config().attempts == 5
    finally:
        QgsSettings().remove("crowdheat/jike/attempts")


def test_qgis_proxy_settings_become_requests_proxies():
    qsettings = QgsSettings()
    keys = {
        "proxy/proxyEnabled": True,
        "proxy/proxyType": "HttpProxy",
        "proxy/proxyHost": "proxy.corp",
        "proxy/proxyPort": "3128",
        "proxy/proxyUser": "",
        "proxy/proxyExcludedUrls": "http://127.0.0.1",
    }
    saved = {k: qsettings.value(k) for k in keys}
    try:
        for key, value in keys.items():
            qsettings.setValue(key, value)
        assert settings.proxies_for("https://data-api.isjike.com/api") == {
            "http": "http://proxy.corp:3128",
            "https": "http://proxy.corp:3128",
        }
        assert settings.proxies_for("http://127.0.0.1:8080/x") is None
        qsettings.setValue("proxy/proxyEnabled", False)
        assert settings.proxies_for("https://data-api.isjike.com/api") is None
    finally:
        for key, value in saved.items():
            qsettings.remove(key) if value is None else qsettings.setValue(key, value)


def test_token_is_in_no_project_layer_or_log(jike, provider, tmp_path):
    messages = []
    log = QgsApplication.messageLog()
    log.messageReceived.connect(lambda message, tag, level: messages.append(message))
    project = QgsProject.instance()
    project.clear()
    processing.runAndLoadResults(
        "crowdheat:heatmap",
        {"INPUT": polygon_layer([SAMPLE_WKT]), "CELL_LEVEL": 0, "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"},
    )
    path = tmp_path / "p.qgs"
    assert project.write(str(path))
    text = path.read_text()
    assert "Hourly heat" in text and TOKEN not in text
    for layer in project.mapLayers().values():
        assert TOKEN not in layer.source()
        assert all(TOKEN not in str(v) for f in layer.getFeatures() for v in f.attributes())
    assert messages and all(TOKEN not in m for m in messages)
    project.clear()


def test_baidu_ak_and_sk_from_the_database_and_the_environment(auth_unlocked, monkeypatch):
    for name in ("CROWDHEAT_BAIDU_AK", "CROWDHEAT_BAIDU_SK", "CROWDHEAT_BAIDU_URL"):
        monkeypatch.delenv(name, raising=False)
    settings.set_secret("baidu", "ak", "stored-ak-0001")
    settings.set_secret("baidu", "sk", "stored-sk-0002")
    settings.set_value("baidu", "batch_size", 1)
    try:
        config = settings.baidu_config()
        assert (config.ak, config.sk, config.batch_size) == ("stored-ak-0001", "stored-sk-0002", 1)
        assert "stored-ak" not in repr(config) and "stored-sk" not in repr(config)
        monkeypatch.setenv("CROWDHEAT_BAIDU_AK", "env-ak")
        config = settings.baidu_config()
        assert (config.ak, config.sk, config.ak_from_env, config.sk_from_env) == (
            "env-ak",
            "stored-sk-0002",
            True,
            False,
        )
    finally:
        QgsSettings().remove("crowdheat/baidu/batch_size")
