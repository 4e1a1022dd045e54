"""What both dock tabs do around a long run (as QuickOSM's ui/base_panel.py does for its panels):
the Run/Cancel buttons, the progress bar and status line, starting and cancelling the task, and
showing its error. Each tab adds its inputs above and its results below."""

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..gis import basemaps, output_systems
from ..gis.tasks import log
from ..i18n import tr


class RunPanel(QWidget):
    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.task = None

    def add_run_controls(self, layout, run_text, *more_buttons):
        """Run and Cancel (and ``more_buttons``) in a row, then the progress bar and status line."""
        buttons = QHBoxLayout()
        self.run_button = QPushButton(run_text)
        self.run_button.clicked.connect(self.start)
        self.cancel = QPushButton(tr("Cancel"))
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.stop)
        for button in (self.run_button, self.cancel, *more_buttons):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    @staticmethod
    def output_system_box():
        """The coordinate systems the results can be written in (gis/output_systems.py)."""
        box = QComboBox()
        for system, label in output_systems.choices():
            box.addItem(label, system)
        return box

    def start(self):
        raise NotImplementedError

    def open_algorithm(self, algorithm_id, parameters):
        """Processing's dialog for one of CrowdHeat's algorithms, filled in: the analyst adjusts
        and runs it. None (and the reason shown) when the provider is not registered."""
        import processing

        dialog = processing.createAlgorithmDialog(algorithm_id, parameters)
        if dialog is None:  # the provider is registered when the plugin loads
            self.status.setText(tr("CrowdHeat's Processing provider is not loaded: restart the plugin."))
            return None
        dialog.show()
        return dialog

    def open_animation_dialog(self, layer):
        """crowdheat:heatanimation's dialog for ``layer``, with the Heat tab's basemap."""
        self.animation_dialog = self.open_algorithm(
            "crowdheat:heatanimation", {"INPUT": layer.id(), "BASEMAP": basemaps.chosen_text() or "none"}
        )
        return self.animation_dialog

    def run_task(self, task, status_text):
        self.task = task
        task.progressChanged.connect(self.show_progress)
        self.run_button.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(status_text)
        QgsApplication.taskManager().addTask(task)

    def show_progress(self, value):
        self.progress.setValue(int(value))
        if self.task is not None and self.task.progress_text:
            self.status.setText(self.task.progress_text)

    def stop(self, status_text=None):
        if self.task is not None:
            self.task.cancel()
            self.status.setText(status_text or tr("Cancelling…"))

    def task_ended(self):
        """The task is over (its ``done`` called): the buttons are back to rest."""
        self.task = None
        self.cancel.setEnabled(False)

    def report_error(self, title, error):
        """The status line, the message bar (until closed) and the log (with the details)."""
        message = str(error)
        self.status.setText(message)
        self.iface.messageBar().pushMessage(title, message, Qgis.Critical, 0)
        details = getattr(error, "details", "")
        log(message + (f"\n{details}" if details else ""), Qgis.Critical)

    def unload(self):
        if self.task is not None:
            self.task.cancel()
