"""The settings page: secrets to the auth database, values to QgsSettings, env notes, tests, cache."""

import pytest
from qgis.core import QgsSettings

from crowdheat.plugin.core.config import Service
from crowdheat.plugin.gis import settings, tianditu
from crowdheat.plugin.ui.settings_page import SettingsWidget


@pytest.fixture
def clean(monkeypatch, auth_unlocked, tmp_path):
    for name in (
        "CROWDHEAT_JIKE_URL",
        "CROWDHEAT_JIKE_TOKEN",
        "CROWDHEAT_BAIDU_URL",
        "CROWDHEAT_BAIDU_AK",
        "CROWDHEAT_BAIDU_SK",
        "CROWDHEAT_TIANDITU_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    saved = {k: QgsSettings().value(k) for k in QgsSettings().allKeys() if k.startswith("crowdheat/")}
    QgsSettings().setValue("crowdheat/baidu/cache_path", str(tmp_path / "answers.sqlite"))
    yield
    for key in [k for k in QgsSettings().allKeys() if k.startswith("crowdheat/")]:
        QgsSettings().remove(key)
    for key, value in saved.items():
        QgsSettings().setValue(key, value)


def test_apply_stores_secrets_encrypted_and_values_plainly(clean, qtbot):
    page = SettingsWidget()
    qtbot.addWidget(page)
    page.jike_token.setText("typed-token-1")
    page.baidu_ak.setText("typed-ak-2")
    page.tianditu_key.setText("typedtianditukey3")
    page.field(Service.BAIDU, "batch_size").setValue(1)
    page.field(Service.BAIDU, "rate").setValue(12)
    page.field(Service.JIKE, "deadline_s").setValue(90)
    page.field(Service.JIKE, "max_answer_mb").setValue(64)
    page.field(Service.BAIDU, "deadline_s").setValue(20)
    page.field(Service.BAIDU, "max_answer_mb").setValue(2)
    page.apply()
    assert page.jike_token.text() == "" and "stored" in page.jike_token.placeholderText()
    jike, baidu = settings.jike_config(), settings.baidu_config()
    assert (jike.token, baidu.ak, baidu.batch_size, baidu.rate) == ("typed-token-1", "typed-ak-2", 1, 12.0)
    assert jike.limits().deadline_s == 90 and jike.limits().max_answer_bytes == 64 * 1024 * 1024
    assert baidu.limits().deadline_s == 20 and baidu.limits().max_answer_bytes == 2 * 1024 * 1024
    QgsSettings().sync()
    text = open(QgsSettings().fileName(), encoding="utf-8", errors="replace").read()
    assert "typed-token-1" not in text and "typed-ak-2" not in text and "typedtianditukey3" not in text
    assert tianditu.key() == "typedtianditukey3" and "stored" in page.tianditu_key.placeholderText()
    # an empty secret field keeps the stored secret
    SettingsWidget().apply()
    assert settings.jike_config().token == "typed-token-1"


def test_environment_override_is_shown(clean, qtbot, monkeypatch):
    monkeypatch.setenv("CROWDHEAT_JIKE_TOKEN", "env")
    page = SettingsWidget()
    qtbot.addWidget(page)
    assert "CROWDHEAT_JIKE_TOKEN" in page.jike_env.text() and page.baidu_env.text() == ""


def test_test_connection_buttons(clean, qtbot, jike, baidu, monkeypatch):
    page = SettingsWidget()
    qtbot.addWidget(page)
    page.jike_test.click()
    page.baidu_test.click()
    qtbot.waitUntil(lambda: not page.tasks, timeout=15000)
    assert page.jike_result.text().startswith("Connected: the token is accepted")
    assert page.baidu_result.text().startswith("Connected: the AK is accepted")
    monkeypatch.setenv("CROWDHEAT_BAIDU_AK", "wrong-ak-3")
    page.baidu_test.click()
    qtbot.waitUntil(lambda: not page.tasks, timeout=15000)
    assert page.baidu_result.text().startswith("Failed:") and "700" in page.baidu_result.text()
    assert "wrong-ak-3" not in page.baidu_result.text()


def test_clear_cache(clean, qtbot, tmp_path):
    from crowdheat.plugin.core.scan_cache import ScanCache

    cache = ScanCache(tmp_path / "answers.sqlite")
    cache.put_many([("a=1", {"error": 0})], "GCJ02")
    cache.close()
    page = SettingsWidget()
    qtbot.addWidget(page)
    assert page.baidu_cache.info.text() == "1 answers cached"
    page.baidu_cache.clear_button.click()
    assert page.baidu_cache.info.text() == "0 answers cached"


def test_a_locked_cache_is_reported_on_the_page_without_waiting(clean, qtbot, tmp_path):
    import sqlite3
    import time

    from crowdheat.plugin.core.scan_cache import ScanCache
    from crowdheat.plugin.core.sqlite_store import BUSY_TIMEOUT_S

    ScanCache(tmp_path / "answers.sqlite").close()
    holder = sqlite3.connect(tmp_path / "answers.sqlite")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        page = SettingsWidget()
        qtbot.addWidget(page)
        page.baidu_cache.clear_button.click()
        # The page's store waits 0.2 s once; the runs' store would wait 5 s three times. Only the
        # runs' order of magnitude is asserted: a busy machine may stretch a moment, not 15 s.
        assert time.monotonic() - started < BUSY_TIMEOUT_S
        assert "locked" in page.baidu_cache.info.text() and "another QGIS" in page.baidu_cache.info.text()
    finally:
        holder.rollback()
        holder.close()


def test_the_heat_cache_size_is_shown_and_cleared_and_the_run_knobs_stored(clean, qtbot, tmp_path):
    import datetime as dt

    from crowdheat.plugin.core.heat_cache import HeatCache

    QgsSettings().setValue("crowdheat/jike/cache_path", str(tmp_path / "heat.sqlite"))
    cache = HeatCache(tmp_path / "heat.sqlite")
    cache.put("http://x", {"fence": [[1, 2]]}, dt.date(2025, 4, 25), b"{" + b" " * 2_000_000 + b"}")
    cache.close()
    page = SettingsWidget()
    qtbot.addWidget(page)
    assert page.jike_cache.info.text().startswith("1 answers cached, 0.0 MB")  # compressed
    page.jike_cache.clear_button.click()
    assert page.jike_cache.info.text() == "0 answers cached, 0.0 MB"
    page.field(Service.JIKE, "concurrency").setValue(3)
    page.field(Service.JIKE, "confirm_requests").setValue(50)
    page.apply()
    jike = settings.jike_config()
    assert (jike.concurrency, jike.confirm_requests, jike.cache_path) == (3, 50, str(tmp_path / "heat.sqlite"))


def test_where_baidus_two_documents_differ_is_set_on_the_page(clean, qtbot):
    page = SettingsWidget()
    qtbot.addWidget(page)
    baidu = settings.baidu_config(secrets=False)
    assert (baidu.unknown_signal, baidu.auth_in_query, baidu.device_id) == (50, False, "")  # the seed's ways
    page.field(Service.BAIDU, "unknown_signal").setValue(99)
    page.field(Service.BAIDU, "auth_in_query").setChecked(True)
    page.field(Service.BAIDU, "device_id").setText(" 861234567890123 ")
    page.apply()
    baidu = settings.baidu_config(secrets=False)
    assert (baidu.unknown_signal, baidu.auth_in_query, baidu.device_id) == (99, True, "861234567890123")


def test_a_refused_secret_is_a_message_on_the_page_and_the_typed_text_stays(clean, qtbot, monkeypatch):
    from crowdheat.plugin.core.errors import ConfigurationError

    def refuse(name, secret, authcfg=""):
        raise ConfigurationError(f"QGIS's authentication database refused to store {name}.")

    monkeypatch.setattr(settings, "store_secret", refuse)  # a locked database, without a prompt in a test
    page = SettingsWidget()
    qtbot.addWidget(page)
    page.jike_token.setText("typed-token-3")
    page.field(Service.BAIDU, "rate").setValue(7)
    assert page.apply() is False  # no Python error dialog: a message on the page
    assert "refused to store" in page.problem.text() and not page.problem.isHidden()
    assert page.jike_token.text() == "typed-token-3"  # not lost: the user can retry once unlocked
    assert settings.baidu_config().rate == 7.0  # the other settings are saved all the same


def test_opening_the_page_decrypts_no_secret(clean, qtbot, monkeypatch):
    settings.set_secret("jike", "token", "stored-token-4")
    decrypted = []
    real = settings.read_secret
    monkeypatch.setattr(settings, "read_secret", lambda authcfg: decrypted.append(authcfg) or real(authcfg))
    page = SettingsWidget()
    qtbot.addWidget(page)
    assert "stored" in page.jike_token.placeholderText()
    assert decrypted == []  # a master-password prompt only to choose a placeholder would be wrong


def test_every_setting_on_the_page_is_made_from_its_specification(clean, qtbot):
    """One specification per setting (core/config.py): the page shows each labelled one with the
    range the configuration clamps to, and what the page saves is what the configuration reads."""
    from crowdheat.plugin.core import config

    page = SettingsWidget()
    qtbot.addWidget(page)
    for service in Service:
        shown = {spec.key for spec in config.SETTINGS[service] if spec.label}
        assert {key for s, key in page.fields if s == service} == shown
        for spec in config.SETTINGS[service]:
            if spec.label and spec.kind in (int, float):
                widget = page.field(service, spec.key)
                assert (widget.minimum(), widget.maximum()) == (spec.low, spec.high)
                widget.setValue(spec.high)
    page.apply()
    for service in Service:
        current = settings.service_config(service, secrets=False)
        for spec in config.SETTINGS[service]:
            if spec.label and spec.kind in (int, float):
                assert getattr(current, spec.key) == spec.high
