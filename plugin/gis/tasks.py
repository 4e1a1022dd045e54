"""QgsTasks for the dock: the network, parsing and feature building run off the UI thread.

``run()`` touches no widget and no project: it calls the same core functions as Processing,
builds memory layers (not yet in any project) and hands them to the main thread; the
``done`` callback then only adds them, styles them and reports (milliseconds, not seconds).
"""

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMemoryProviderUtils,
    QgsMessageLog,
    QgsProject,
    QgsTask,
    QgsVectorLayerFeatureSource,
)
from qgis.PyQt.QtCore import QCoreApplication, QTimer

from ..core.config import Service
from ..core.coords import WGS84
from ..core.errors import CancelledError, CrowdHeatError, InputError
from ..core.jike import JikeClient
from ..i18n import tr
from . import heat_layers, heat_run, heat_zones, settings

LOG_TAG = "CrowdHeat"


def log(message, level=Qgis.Info):
    QgsMessageLog.logMessage(message, LOG_TAG, level)


def _warn(line, failure):
    """A heat run's ``report``: failed requests and left-out answers go to the log as warnings."""
    log(line, Qgis.Warning)


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
        except OSError as exc:  # a file deleted, locked or unreadable while the task ran: not a bug
            self.error = InputError(tr("A file could not be read or written: {0}").format(exc))
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

    def heat_progress(self, done, total, cell_count):
        """A heat run's progress (``on_progress`` of ``heat_run.run_plan``), for the dock to show."""
        self.progress_text = tr("{0:,} / {1:,} requests, {2:,} cells").format(done, total, cell_count)
        self.setProgress(100.0 * done / max(1, total))

    def to_main_thread(self, *layers):
        main = QCoreApplication.instance().thread()
        for layer in layers:
            layer.moveToThread(main)


class HeatTask(CrowdHeatTask):
    """Fetch a plan's heat straight into two memory layers, styled when the run ends."""

    def __init__(self, plan, done, config=None, output_system=None):
        super().__init__(tr("CrowdHeat: fetching crowd heat"), done)
        self.plan = plan
        self.output_system = output_system or WGS84
        self.config = config or settings.jike_config()
        self.network = settings.network_for(self.config.base_url)
        self.report = None
        self.progress_text = ""

    def work(self):
        hourly, cells = heat_layers.memory_layers(self.output_system)
        writer = heat_layers.HeatWriter(hourly.dataProvider(), cells.dataProvider(), self.output_system)

        try:
            run = heat_run.run_plan(
                self.plan, writer, self.config, self.isCanceled, self.heat_progress, log, _warn, network=self.network
            )
        except CancelledError:
            return None
        self.report = run
        heat_layers.style_run_layers(run, hourly, cells)
        self.to_main_thread(hourly, cells)
        return hourly, cells


class ScanPlanTask(CrowdHeatTask):
    """Count valid / invalid / cached scans and the requests a run would spend (reads the whole file)."""

    def __init__(self, path, fmt, config, done):
        super().__init__(tr("CrowdHeat: checking the scan file"), done)
        self.path, self.fmt, self.config = path, fmt, config

    def work(self):
        from ..core.scan_job import plan
        from ..core.scans import read_scans
        from .scan_run import open_cache

        cache = open_cache(self.config)
        try:
            return plan(
                read_scans(self.path, self.fmt),
                cache,
                self.config.coor,
                self.config.batch_size,
                is_cancelled=self.isCanceled,
                unknown_signal=self.config.unknown_signal,
            )
        finally:
            cache.close()


class ScanTask(CrowdHeatTask):
    """Geolocate a scan file into memory layers (points, and accuracy circles if asked)."""

    def __init__(self, path, fmt, output_system, with_circles, done, config=None):
        super().__init__(tr("CrowdHeat: geolocating scans"), done)
        self.path, self.fmt, self.output_system, self.with_circles = path, fmt, output_system, with_circles
        self.config = config or settings.baidu_config()
        self.progress_text = ""
        self.layers = ()

    def work(self):
        from .compat import memory_layer
        from .scan_layers import layer_title
        from .scan_run import geolocate_file, layer_abstract, open_cache, progress_text

        def make_sinks(fields, circle_fields, line_fields):
            points = memory_layer("Point", layer_title(self.output_system), fields)
            metadata = points.metadata()
            metadata.setAbstract(layer_abstract(self.path, self.output_system))
            points.setMetadata(metadata)
            layers = [points]
            circles = lines = None
            if self.with_circles:
                circles = memory_layer("Polygon", "Accuracy circles", circle_fields)
                lines = memory_layer("LineString", "Error lines (file to service)", line_fields)
                layers += [circles, lines]
            self.layers = layers
            return points.dataProvider(), *(layer.dataProvider() if layer else None for layer in (circles, lines))

        def progress(done, total, rate, eta):
            self.progress_text = progress_text(done, total, rate, eta)
            self.setProgress(100.0 * done / total)

        cache = open_cache(self.config)
        try:
            run = geolocate_file(
                self.path,
                self.fmt,
                self.config,
                self.output_system,
                make_sinks,
                cache,
                is_cancelled=self.isCanceled,
                on_progress=progress,
                log=log,
                warn=lambda m: log(m, Qgis.Warning),
            )
        finally:
            cache.close()
        # Error lines only where the file has its own positions: an empty layer would be noise.
        self.layers = [layer for n, layer in enumerate(self.layers) if n < 2 or layer.featureCount()]
        for layer in self.layers:
            layer.updateExtents()
        self.to_main_thread(*self.layers)
        return run


class ArchiveTask(CrowdHeatTask):
    """Add a plan's last 10 days to an archive (``heat_archive.add_to_archive``, as
    crowdheat:heatarchive does); ``result``: the ArchiveRun."""

    def __init__(self, plan, destination_text, done, config=None):
        super().__init__(tr("CrowdHeat: adding heat to the archive"), done)
        self.plan, self.destination_text = plan, destination_text
        self.config = config or settings.jike_config()
        self.network = settings.network_for(self.config.base_url)
        self.progress_text = ""

    def work(self):
        from . import heat_archive

        try:
            return heat_archive.add_to_archive(
                self.plan,
                self.destination_text,
                self.config,
                self.isCanceled,
                self.heat_progress,
                log,
                _warn,
                self.network,
            )
        except CancelledError:
            return None


BURST_MS = 150  # a burst of changes (typing, spin-box ticks, quick choices) starts one task, when it ends


class Latest:
    """The newest of one kind of task (a plan, a profile, a count of scans): starting one cancels
    the one before, whose end is then not reported. Its ``done`` (given to the task as the
    ``done`` of :meth:`ended`) hears only the newest task's end.

    :meth:`start_after_burst` waits for a burst of changes to end and starts one task: starting and
    cancelling a task per keystroke is wasted work, and QGIS 3.22's task manager has been seen to
    leave the newest of such a run of tasks queued and never started."""

    def __init__(self, done, parent=None, burst_ms=BURST_MS):
        """``parent``: the widget whose state ``start_after_burst`` reads; the wait ends with it."""
        self.done = done
        self.task = None
        self._running = set()  # superseded tasks too: their Python side must outlive their run
        self._make = None
        self._burst = QTimer(parent)
        self._burst.setSingleShot(True)
        self._burst.setInterval(burst_ms)
        self._burst.timeout.connect(self._burst_ended)

    @property
    def busy(self):
        """Whether a task is waiting for its burst to end, or running."""
        return self._burst.isActive() or self.task is not None

    def start(self, task):
        """Run ``task`` (made with ``self.ended`` as its ``done``) in place of the current one."""
        self.cancel()
        self.task = task
        self._running.add(task)
        QgsApplication.taskManager().addTask(task)

    def start_after_burst(self, make_task):
        """Cancel the current task; ``make_task()`` (a task, or None for none) is started once no
        other call came for ``burst_ms``."""
        self.cancel()
        self._make = make_task
        self._burst.start()

    def _burst_ended(self):
        make, self._make = self._make, None
        task = make() if make is not None else None
        if task is not None:
            self.start(task)

    def cancel(self):
        self._burst.stop()
        self._make = None
        # Let go before cancel(): a task not started yet reports its end inside cancel() itself.
        superseded, self.task = self.task, None
        if superseded is not None:
            superseded.cancel()

    def ended(self, task):
        self._running.discard(task)
        if task is self.task:
            self.task = None
            self.done(task)


class JobTask(CrowdHeatTask):
    """A job prepared on the UI thread (``job.run(is_cancelled)``: a heat_run.PlanJob, a
    profiles.ProfileJob) run off it."""

    def __init__(self, description, job, done):
        super().__init__(description, done)
        self.job = job

    def work(self):
        return self.job.run(self.isCanceled)


class ConnectionTestTask(CrowdHeatTask):
    """Test one service's URL and secret with a request that spends no data."""

    def __init__(self, service, config, done):
        super().__init__(tr("CrowdHeat: testing the {0} connection").format(service), done)
        self.service, self.config = service, config

    def work(self):
        if self.service == Service.JIKE:
            from ..core.jike import check_connection

            client = JikeClient(self.config, **settings.network_for(self.config.base_url))
        else:
            from ..core.baidu import BaiduClient, check_connection

            client = BaiduClient(self.config, **settings.network_for(self.config.base_url))
        with client:
            return check_connection(client)


class InstallTask(CrowdHeatTask):
    """pip install of the missing packages into the user's site (it takes a while: not on the UI thread)."""

    def __init__(self, done, install=None):
        super().__init__(tr("CrowdHeat: installing Python packages"), done)
        from ..core import deps

        self.install = install or deps.install

    def work(self):
        ok, output = self.install()
        log(output)
        if not ok:
            from ..core.errors import CrowdHeatError

            raise CrowdHeatError("pip could not install the packages (details in the CrowdHeat log).", output)
        return output


class ZoneTask(CrowdHeatTask):
    """Heat by zone, as crowdheat:heatbyzone does it, into two memory layers (the zones with their
    heat, styled, and the zone-hour table); ``result``: those two layers; ``summary``: what was shared."""

    def __init__(self, heat_layer, zone_layer, selected_only, method, done):
        super().__init__(tr("CrowdHeat: heat by zone"), done)
        # Feature sources made on the main thread are what a task may read (QGIS's threading rule).
        self.heat = QgsVectorLayerFeatureSource(heat_layer)
        self.zones = QgsVectorLayerFeatureSource(zone_layer)
        self.zone_fids = zone_layer.selectedFeatureIds() if selected_only else None
        self.zone_crs, self.zone_fields = zone_layer.crs(), zone_layer.fields()
        self.zone_geometry = zone_layer.wkbType()
        self.zone_name, self.method = zone_layer.name(), method
        self.transform_context = QgsProject.instance().transformContext()
        self.summary = ""

    def work(self):
        fields, renames = heat_zones.zone_fields(self.zone_fields)
        for note in heat_zones.renamed_notes(renames):
            log(note)
        by_zone = QgsMemoryProviderUtils.createMemoryLayer(
            tr("Heat by zone — {0}").format(self.zone_name), fields, self.zone_geometry, self.zone_crs
        )
        by_hour = QgsMemoryProviderUtils.createMemoryLayer(
            tr("Heat by zone and hour — {0}").format(self.zone_name), heat_zones.hours_fields()
        )
        run = heat_zones.heat_by_zone(
            self.heat,
            self.zones,
            self.zone_crs,
            self.method,
            by_zone.dataProvider(),
            by_hour.dataProvider(),
            self.transform_context,
            is_cancelled=self.isCanceled,
            zone_fids=self.zone_fids,
        )
        if self.isCanceled():
            return None
        by_zone.updateExtents()
        heat_zones.style_zones(by_zone, heat_zones.zone_breaks(run.answer))
        self.summary = run.summary()
        self.to_main_thread(by_zone, by_hour)
        return by_zone, by_hour
