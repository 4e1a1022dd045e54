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
from ..i18n import tr, translated
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


def _secret_edit():
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _Field:
    """The page's widget of one :class:`config.Setting`, made from its specification."""

    def __init__(self, spec, value):
        self.spec = spec
        if spec.kind is bool:
            self.widget = QCheckBox(translated(spec.label))
            self.widget.setChecked(bool(value))
        elif spec.choices:
            self.widget = QComboBox()
            for choice in spec.choices:
                self.widget.addItem(choice, choice)
            self.widget.setCurrentIndex(max(0, self.widget.findData(value)))
        elif spec.kind is str:
            self.widget = QLineEdit(str(value or ""))
            if spec.help:
                self.widget.setPlaceholderText(translated(spec.help))
        else:
            self.widget = QSpinBox() if spec.kind is int else QDoubleSpinBox()
            if spec.kind is float:
                self.widget.setDecimals(spec.decimals)
            self.widget.setRange(spec.low, spec.high)
            self.widget.setSuffix(spec.unit)
            self.widget.setValue(value)
        if spec.help:
            self.widget.setToolTip(translated(spec.help))

    def add_to(self, form):
        if self.spec.kind is bool:
            form.addRow(self.widget)
        else:
            form.addRow(translated(self.spec.label), self.widget)

    def value(self):
        if self.spec.kind is bool:
            return self.widget.isChecked()
        if self.spec.choices:
            return self.widget.currentData()
        if self.spec.kind is str:
            return self.widget.text().strip()
        return self.spec.kind(self.widget.value())


class SettingsWidget(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.tasks = {}
        self.fields = {}  # (service, key) -> _Field
        layout = QVBoxLayout(self)
        self.problem = QLabel()  # what could not be saved, in the page rather than in a Python error
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        layout.addWidget(self.problem)
        from ..core.heat_cache import HeatCache
        from ..core.scan_cache import ScanCache

        self.jike_token = _secret_edit()
        form, jike = self._service_box(
            layout, Service.JIKE, tr("Jike open platform (crowd heat)"), [(tr("Token"), self.jike_token)]
        )
        self.jike_cache = _CacheRow(form, HeatCache, jike.cache_path, settings.default_cache_path(Service.JIKE))
        self.jike_env = QLabel()
        form.addRow(self.jike_env)
        self.jike_test, self.jike_result = self._test_row(form, Service.JIKE)

        self.baidu_ak = _secret_edit()
        self.baidu_sk = _secret_edit()
        secrets = [(tr("AK"), self.baidu_ak), (tr("SK (optional; leave empty for IP-whitelist keys)"), self.baidu_sk)]
        form, baidu = self._service_box(layout, Service.BAIDU, tr("Baidu hardware positioning (scans)"), secrets)
        self.baidu_cache = _CacheRow(form, ScanCache, baidu.cache_path, settings.default_cache_path(Service.BAIDU))
        self.baidu_env = QLabel()
        form.addRow(self.baidu_env)
        self.baidu_test, self.baidu_result = self._test_row(form, Service.BAIDU)

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

    def _service_box(self, layout, service, title, secret_rows):
        """A service's group: its secrets, then every setting the specification puts on the page.
        Returns (its form, the service's configuration as shown)."""
        box = QGroupBox(title)
        form = QFormLayout(box)
        for label, edit in secret_rows:
            form.addRow(label, edit)
        current = settings.service_config(service, secrets=False)
        for spec in config.SETTINGS[service]:
            if spec.label:
                field = self.fields[(service, spec.key)] = _Field(spec, getattr(current, spec.key))
                field.add_to(form)
        layout.addWidget(box)
        return form, current

    def secret_edits(self):
        """(service, secret name) -> its field (gis/settings.py SECRETS)."""
        return {
            (Service.JIKE, "token"): self.jike_token,
            (Service.BAIDU, "ak"): self.baidu_ak,
            (Service.BAIDU, "sk"): self.baidu_sk,
        }

    def field(self, service, key):
        """The widget of one setting (for scripts and tests)."""
        return self.fields[(service, key)].widget

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
        current = {Service.JIKE: jike, Service.BAIDU: baidu}
        stored = tr("(stored in the authentication database; type to replace)")
        for (service, name), edit in self.secret_edits().items():
            from_env = getattr(current[service], f"{name}_from_env")
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
        for (service, key), field in self.fields.items():
            settings.set_value(service, key, field.value())
        settings.set_value(Service.JIKE, "cache_path", self.jike_cache.path_widget.filePath())
        settings.set_value(Service.BAIDU, "cache_path", self.baidu_cache.path_widget.filePath())
        for (service, name), edit in self.secret_edits().items():
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
