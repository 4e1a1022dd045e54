"""Settings in one place: the token lives in QGIS's auth database, the environment overrides it,
and it never reaches settings files, project files, layers or logs."""

import pathlib

import processing
from qgis.core import QgsApplication, QgsProject, QgsSettings

from crowdheat.plugin.gis import settings
from helpers import SAMPLE_WKT, polygon_layer
from simulator.jike import TOKEN


def test_token_round_trips_through_the_auth_database(auth_unlocked, monkeypatch):
    monkeypatch.delenv("CROWDHEAT_JIKE_TOKEN", raising=False)
    monkeypatch.delenv("CROWDHEAT_JIKE_URL", raising=False)
    authcfg = settings.set_jike_token("stored-secret-token-42")
    assert len(authcfg) == 7
    assert settings.set_jike_token("stored-secret-token-43") == authcfg  # updated in place
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
    settings.set_jike_token("stored-secret-token-43")
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "from-env")
    monkeypatch.setenv("CROWDHEAT_JIKE_URL", "http://127.0.0.1:1/api/")
    config = settings.jike_config()
    assert (config.token, config.base_url, config.token_from_env, config.url_from_env) == (
        "from-env", "http://127.0.0.1:1/api", True, True)


def test_stored_numbers_are_used(monkeypatch):
    settings.set_jike_value("attempts", 5)
    try:
        assert settings.jike_config().attempts == 5
    finally:
        QgsSettings().remove("crowdheat/jike/attempts")


def test_qgis_proxy_settings_become_requests_proxies():
    qsettings = QgsSettings()
    keys = {"proxy/proxyEnabled": True, "proxy/proxyType": "HttpProxy", "proxy/proxyHost": "proxy.corp",
            "proxy/proxyPort": "3128", "proxy/proxyUser": "", "proxy/proxyExcludedUrls": "http://127.0.0.1"}
    saved = {k: qsettings.value(k) for k in keys}
    try:
        for key, value in keys.items():
            qsettings.setValue(key, value)
        assert settings.proxies_for("https://data-api.isjike.com/api") == {
            "http": "http://proxy.corp:3128", "https": "http://proxy.corp:3128"}
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
    processing.runAndLoadResults("crowdheat:heatmap", {"INPUT": polygon_layer([SAMPLE_WKT]), "CELL_LEVEL": 0,
                                                       "OUTPUT": "memory:", "OUTPUT_CELLS": "memory:"})
    path = tmp_path / "p.qgs"
    assert project.write(str(path))
    text = path.read_text()
    assert "Hourly heat" in text and TOKEN not in text
    for layer in project.mapLayers().values():
        assert TOKEN not in layer.source()
        assert all(TOKEN not in str(v) for f in layer.getFeatures() for v in f.attributes())
    assert messages and all(TOKEN not in m for m in messages)
    project.clear()
