"""QgsTasks for the dock: the network, parsing and feature building run off the UI thread.

``run()`` touches no widget and no project: it calls the same core functions as Processing,
builds memory layers (not yet in any project) and hands them to the main thread; the
``done`` callback then only adds them, styles them and reports (milliseconds, not seconds).
"""

from qgis.core import Qgis, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import CrowdHeatError
from ..core.heat_job import fetch_heat
from ..core.jike import JikeClient
from . import heat_layers, settings

LOG_TAG = "CrowdHeat"


def log(message, level=Qgis.Info):
    QgsMessageLog.logMessage(message, LOG_TAG, level)


class CrowdHeatTask(QgsTask):
    """Stores its result or error; ``done(task)`` runs on the main thread when it ends."""

    def __init__(self, description, done):
        super().__init__(description, QgsTask.CanCancel)
        self.done = done
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.work()
            return True
        except CrowdHeatError as exc:
            self.error = exc
            return False
        except Exception as exc:  # a bug: logged with details, shown to the user in one line
            import traceback
            log(traceback.format_exc(), Qgis.Critical)
            self.error = exc
            return False

    def work(self):
        raise NotImplementedError

    def finished(self, ok):
        self.done(self)

    def to_main_thread(self, *layers):
        main = QCoreApplication.instance().thread()
        for layer in layers:
            layer.moveToThread(main)


class HeatTask(CrowdHeatTask):
    """Fetch heat for fences and build the two styled memory layers."""

    def __init__(self, fences, cell_level, done, config=None):
        super().__init__("CrowdHeat: fetching crowd heat", done)
        self.fences = fences
        self.cell_level = cell_level
        self.config = config or settings.jike_config()
        self.proxies = settings.proxies_for(self.config.base_url)
        self.run_result = None

    def work(self):
        client = JikeClient(self.config, proxies=self.proxies)
        run = fetch_heat(client, self.fences, self.cell_level, is_cancelled=self.isCanceled,
                         on_progress=lambda f: self.setProgress(70 * f), log=log)
        self.run_result = run
        if not run.results:
            if run.cancelled:
                return None
            raise run.stopped_by or run.failures[0][1]
        hourly, cells = heat_layers.memory_layers(run, on_progress=lambda f: self.setProgress(70 + 30 * f))
        self.to_main_thread(hourly, cells)
        return hourly, cells
