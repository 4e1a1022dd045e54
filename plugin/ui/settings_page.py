"""CrowdHeat's settings: a page in QGIS ▸ Options, also opened from the dock.

Secrets go to QGIS's authentication database (only their authcfg ids to QgsSettings); a secret
field is never filled back with the secret: it shows whether one is stored.
"""

import os

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import config
from ..core.config import Service
from ..core.errors import CrowdHeatError
from ..gis import settings, tianditu
from ..gis.tasks import ConnectionTestTask, log
from ..i18n import tr
from ..icons import provider_icon


class _CacheRow:
    """A service's answers cache on the page: its file, what it holds, and a button to clear it."""

    def __init__(self, form, store_class, path, default_path):
        self.store_class, self.default_path = store_class, default_path
        self.path_widget = QgsFileWidget()
        self.path_widget.setStorageMode(QgsFileWidget.SaveFile)
        self.path_widget.setFilePath(path)
        self.path_widget.lineEdit().setPlaceholderText(default_path)
        self.clear_button = QPushButton(tr("Clear cache"))
        self.clear_button.clicked.connect(self.clear)
        self.info = QLabel()
        form.addRow(tr("Answers cache"), self.path_widget)
        row = QHBoxLayout()
        row.addWidget(self.clear_button)
        row.addWidget(self.info, 1)
        form.addRow("", row)

    def path(self):
        return self.path_widget.filePath() or self.default_path

    def _open(self):
        return self.store_class(self.path(), busy_timeout_s=0.2, tries=1)  # the UI thread never waits long

    def refresh(self):
        if not os.path.exists(self.path()):
            self.info.setText(tr("{0} answers cached").format(0))
            return
        store = self._open()
        try:
            if not store.usable:
                self.info.setText(store.problem)
                return
            text = tr("{0} answers cached").format(store.count())
            if hasattr(store, "size_bytes"):
                text += tr(", {0:,.1f} MB").format(store.size_bytes() / 1e6)
            self.info.setText(text)
        finally:
            store.close()

    def clear(self):
        store = self._open()
        store.clear()
        store.close()
        self.refresh()
        if store.problem:
            self.info.setText(store.problem)


def _number_box(value, low, high, suffix):
    box = QDoubleSpinBox()
    box.setDecimals(0)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setValue(value)
    return box


def _secret_edit():
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SettingsWidget(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.tasks = {}
        layout = QVBoxLayout(self)
        jike, baidu = settings.jike_config(secrets=False), settings.baidu_config(secrets=False)
        self.problem = QLabel()  # what could not be saved, in the page rather than in a Python error
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        layout.addWidget(self.problem)

        box = QGroupBox(tr("Jike open platform (crowd heat)"))
        form = QFormLayout(box)
        self.jike_token = _secret_edit()
        self.jike_url = QLineEdit(jike.base_url)
        self.jike_timeout = _number_box(jike.read_timeout_s, 5, 600, " s")
        self.jike_deadline = _number_box(jike.deadline_s, 10, 7200, " s")
        self.jike_largest = _number_box(jike.max_answer_mb, 1, 8192, " MB")
        form.addRow(tr("Token"), self.jike_token)
        form.addRow(tr("Base URL"), self.jike_url)
        form.addRow(tr("Read timeout"), self.jike_timeout)
        form.addRow(tr("Total deadline per request"), self.jike_deadline)
        form.addRow(tr("Largest answer"), self.jike_largest)
        self.jike_concurrency = _number_box(jike.concurrency, 1, 8, "")
        self.jike_confirm = _number_box(jike.confirm_requests, 1, 100_000, "")
        form.addRow(tr("Requests in flight"), self.jike_concurrency)
        form.addRow(tr("Ask before a run of more requests than"), self.jike_confirm)
        from ..core.heat_cache import HeatCache

        self.jike_cache = _CacheRow(form, HeatCache, jike.cache_path, settings.default_cache_path(Service.JIKE))
        self.jike_env = QLabel()
        form.addRow(self.jike_env)
        self.jike_test, self.jike_result = self._test_row(form, Service.JIKE)
        layout.addWidget(box)

        box = QGroupBox(tr("Baidu hardware positioning (scans)"))
        form = QFormLayout(box)
        self.baidu_ak = _secret_edit()
        self.baidu_sk = _secret_edit()
        self.baidu_url = QLineEdit(baidu.base_url)
        self.batch = QSpinBox()
        self.batch.setRange(1, 10)
        self.batch.setValue(baidu.batch_size)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 1000)
        self.rate.setValue(baidu.rate)
        self.coor = QComboBox()
        self.coor.addItem("GCJ02", "GCJ02")
        self.coor.addItem("BD09LL", "BD09LL")
        self.coor.setCurrentIndex(max(0, self.coor.findData(baidu.coor)))
        self.baidu_timeout = _number_box(baidu.read_timeout_s, 2, 600, " s")
        self.baidu_deadline = _number_box(baidu.deadline_s, 5, 600, " s")
        self.baidu_largest = _number_box(baidu.max_answer_mb, 1, 1024, " MB")
        form.addRow(tr("AK"), self.baidu_ak)
        form.addRow(tr("SK (optional; leave empty for IP-whitelist keys)"), self.baidu_sk)
        form.addRow(tr("Base URL"), self.baidu_url)
        form.addRow(tr("Scans per request"), self.batch)
        form.addRow(tr("Requests per second"), self.rate)
        form.addRow(tr("Coordinates asked of the service"), self.coor)
        form.addRow(tr("Read timeout"), self.baidu_timeout)
        form.addRow(tr("Total deadline per request"), self.baidu_deadline)
        form.addRow(tr("Largest answer"), self.baidu_largest)
        self.scan_window = _number_box(baidu.scan_window_s, 0, 600, " s")
        self.scan_distance = _number_box(baidu.scan_distance_m, 0, 10000, " m")
        form.addRow(tr("Rows of one AP each: one scan within"), self.scan_window)
        form.addRow(tr("… and within"), self.scan_distance)
        # Where Baidu's seed document and its current page differ (README, "Baidu's two documents").
        self.unknown_signal = QSpinBox()
        self.unknown_signal.setRange(-200, 200)
        self.unknown_signal.setValue(baidu.unknown_signal)
        self.unknown_signal.setToolTip(
            tr("A cell's signal when the file has none: 50 in the seed document, 99 on Baidu's current page.")
        )
        self.auth_in_query = QCheckBox(tr("Key in the URL's query string (Baidu's current page), not in the JSON body"))
        self.auth_in_query.setChecked(baidu.auth_in_query)
        self.device_id = QLineEdit(baidu.device_id)
        self.device_id.setPlaceholderText(tr("empty: one id per file, made from its path"))
        form.addRow(tr("Unknown cell signal"), self.unknown_signal)
        form.addRow(self.auth_in_query)
        form.addRow(tr("Device id (imei) of files without one"), self.device_id)
        from ..core.scan_cache import ScanCache

        self.baidu_cache = _CacheRow(form, ScanCache, baidu.cache_path, settings.default_cache_path(Service.BAIDU))
        self.baidu_env = QLabel()
        form.addRow(self.baidu_env)
        self.baidu_test, self.baidu_result = self._test_row(form, Service.BAIDU)
        layout.addWidget(box)

        box = QGroupBox(tr("Basemaps"))
        form = QFormLayout(box)
        self.tianditu_key = _secret_edit()
        self.tianditu_key.setToolTip(
            tr(
                "A 'browser' key from console.tianditu.gov.cn. Tiles are fetched through a relay inside QGIS, "
                "so the key stays out of layers, project files and the log."
            )
        )
        form.addRow(tr("Tianditu key"), self.tianditu_key)
        layout.addWidget(box)
        layout.addStretch(1)
        self.show_state()

    def _test_row(self, form, service):
        button = QPushButton(tr("Test connection"))
        result = QLabel()
        result.setWordWrap(True)
        button.clicked.connect(lambda: self.test(service))
        row = QHBoxLayout()
        row.addWidget(button)
        row.addWidget(result, 1)
        form.addRow("", row)
        return button, result

    def show_state(self):
        """What is stored and what the environment overrides; never the secrets themselves."""
        jike, baidu = settings.jike_config(secrets=False), settings.baidu_config(secrets=False)
        stored = tr("(stored in the authentication database; type to replace)")
        for service, name, edit, from_env in (
            (Service.JIKE, "token", self.jike_token, jike.token_from_env),
            (Service.BAIDU, "ak", self.baidu_ak, baidu.ak_from_env),
            (Service.BAIDU, "sk", self.baidu_sk, baidu.sk_from_env),
        ):
            edit.setPlaceholderText(stored if settings.secret_stored(service, name) and not from_env else "")
        self.tianditu_key.setPlaceholderText(stored if tianditu.key_stored(environment=False) else "")
        self.jike_env.setText(
            self._env_note((jike.url_from_env, config.ENV_JIKE_URL), (jike.token_from_env, config.ENV_JIKE_TOKEN))
        )
        self.baidu_env.setText(
            self._env_note(
                (baidu.url_from_env, config.ENV_BAIDU_URL),
                (baidu.ak_from_env, config.ENV_BAIDU_AK),
                (baidu.sk_from_env, config.ENV_BAIDU_SK),
            )
        )
        self.jike_cache.refresh()
        self.baidu_cache.refresh()

    @staticmethod
    def _env_note(*pairs):
        names = [name for active, name in pairs if active]
        if not names:
            return ""
        return tr("Overridden by the environment: {0}. Those variables win over these settings.").format(
            ", ".join(names)
        )

    def apply(self):
        """Save everything; False (and the reason shown on the page) when a secret was refused."""
        problems = []
        for service, key, value in (
            (Service.JIKE, "base_url", self.jike_url.text().strip()),
            (Service.JIKE, "read_timeout_s", self.jike_timeout.value()),
            (Service.JIKE, "deadline_s", self.jike_deadline.value()),
            (Service.JIKE, "max_answer_mb", self.jike_largest.value()),
            (Service.JIKE, "concurrency", int(self.jike_concurrency.value())),
            (Service.JIKE, "confirm_requests", int(self.jike_confirm.value())),
            (Service.JIKE, "cache_path", self.jike_cache.path_widget.filePath()),
            (Service.BAIDU, "base_url", self.baidu_url.text().strip()),
            (Service.BAIDU, "batch_size", self.batch.value()),
            (Service.BAIDU, "rate", self.rate.value()),
            (Service.BAIDU, "coor", self.coor.currentData()),
            (Service.BAIDU, "read_timeout_s", self.baidu_timeout.value()),
            (Service.BAIDU, "deadline_s", self.baidu_deadline.value()),
            (Service.BAIDU, "scan_window_s", self.scan_window.value()),
            (Service.BAIDU, "scan_distance_m", self.scan_distance.value()),
            (Service.BAIDU, "unknown_signal", self.unknown_signal.value()),
            (Service.BAIDU, "auth_in_query", self.auth_in_query.isChecked()),
            (Service.BAIDU, "device_id", self.device_id.text().strip()),
            (Service.BAIDU, "max_answer_mb", self.baidu_largest.value()),
            (Service.BAIDU, "cache_path", self.baidu_cache.path_widget.filePath()),
        ):
            settings.set_value(service, key, value)
        for service, name, edit in (
            (Service.JIKE, "token", self.jike_token),
            (Service.BAIDU, "ak", self.baidu_ak),
            (Service.BAIDU, "sk", self.baidu_sk),
        ):
            if edit.text():
                try:
                    settings.set_secret(service, name, edit.text())
                except CrowdHeatError as exc:  # the typed secret stays, to save again once unlocked
                    problems.append(str(exc))
                else:
                    edit.clear()
        if self.tianditu_key.text().strip():
            try:
                tianditu.store_key(self.tianditu_key.text())
            except CrowdHeatError as exc:
                problems.append(str(exc))
            else:
                self.tianditu_key.clear()
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        for problem in problems:
            log(problem, Qgis.Warning)
        self.show_state()
        return not problems

    def test(self, service):
        """Apply, then test in a task (the UI never waits on the network)."""
        self.apply()
        label = self.jike_result if service == Service.JIKE else self.baidu_result
        button = self.jike_test if service == Service.JIKE else self.baidu_test
        service_config = settings.service_config(service)
        label.setText(tr("Testing…"))
        button.setEnabled(False)

        def done(task):
            button.setEnabled(True)
            self.tasks.pop(service, None)
            label.setText(task.result if task.error is None else tr("Failed: {0}").format(task.error))

        task = ConnectionTestTask(service, service_config, done)
        self.tasks[service] = task
        QgsApplication.taskManager().addTask(task)


class CrowdHeatOptionsPage(QgsOptionsPageWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.settings = SettingsWidget()
        layout.addWidget(self.settings)

    def apply(self):
        self.settings.apply()


class CrowdHeatOptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self):
        super().__init__()
        self.setTitle("CrowdHeat")

    def icon(self):
        return provider_icon()

    def createWidget(self, parent):
        return CrowdHeatOptionsPage(parent)


class SettingsDialog(QDialog):
    """The same page, opened from the dock."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("CrowdHeat settings"))
        layout = QVBoxLayout(self)
        self.settings = SettingsWidget()
        layout.addWidget(self.settings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self):
        if self.settings.apply():  # stays open on a refused secret: the reason is on the page
            super().accept()
