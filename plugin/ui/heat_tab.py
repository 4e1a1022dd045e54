"""The dock's Heat tab: selected polygons or a circle, planned in a task, fetched by a HeatTask
into layers, a group and the Temporal Controller. What the fetched heat offers (GeoPackage,
layout, PDF, animation) is in heat_results.py; heat by zone in zone_box.py."""

import time

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsMapLayer,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core import deps, fence
from ..core.coords import WGS84
from ..core.errors import CrowdHeatError
from ..gis import basemaps, heat_layers, output_systems, settings, tianditu
from ..gis.heat_run import PlanJob, plan_text, summary_text
from ..gis.tasks import HeatTask, InstallTask, JobTask, Latest, log
from ..i18n import tr
from .circle_tool import CircleMapTool
from .heat_results import HeatResults
from .run_panel import RunPanel
from .zone_box import ZoneBox


class HeatTab(RunPanel):
    # A layer whose time profile is worth showing: the heat just fetched, heat by zone just made.
    heatReady = pyqtSignal(object)

    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.layer = None
        self.tool = None
        self.started = 0.0
        self.plan, self.skipped = None, []  # the plan Fetch would run, once planned in a task
        self.plans = Latest(self.planned, self)  # a burst of selection changes or spin-box ticks: one plan
        self.unloaded = False  # after unload, the layers panel's signals must not plan again
        self._build()
        iface.currentLayerChanged.connect(self.watch_layer)
        self.watch_layer(iface.activeLayer())

    # -- widgets ------------------------------------------------------------------------------
    def _build(self):
        layout = QVBoxLayout(self)
        layout.addWidget(self._deps_box())
        self.use_selection = QRadioButton(tr("Selected polygons of the active layer"))
        self.use_circle = QRadioButton(tr("A circle"))
        self.use_selection.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.use_selection)
        group.addButton(self.use_circle)
        layout.addWidget(self.use_selection)
        self.selection_info = QLabel()
        self.selection_info.setWordWrap(True)
        layout.addWidget(self.selection_info)
        layout.addWidget(self.use_circle)
        layout.addLayout(self._circle_form())
        layout.addLayout(self._options_form())
        self.basemap_note = QLabel()
        self.basemap_note.setWordWrap(True)
        layout.addWidget(self.basemap_note)
        self.basemap.currentIndexChanged.connect(self.basemap_chosen)
        self.output_system.currentIndexChanged.connect(self.check_basemap_coordinates)
        self.basemap_chosen()

        self.add_run_controls(layout, tr("Fetch"))
        self.fetch = self.run_button
        self.zones = ZoneBox(self.iface, self.status.setText)
        self.zones.zonesReady.connect(self.heatReady)
        layout.addWidget(self.zones)
        layout.addStretch(1)
        self.results = HeatResults(self)
        for signal in (
            self.use_selection.toggled,
            self.use_circle.toggled,
            self.level.currentIndexChanged,
            self.input_numbers.currentIndexChanged,
            self.lng.valueChanged,
            self.lat.valueChanged,
            self.radius.valueChanged,
        ):
            signal.connect(self.refresh)

    def _deps_box(self):
        """Shown only while a Python package heat needs is missing, with a button to install it."""
        self.deps_box = QWidget()
        deps_layout = QVBoxLayout(self.deps_box)
        deps_layout.setContentsMargins(0, 0, 0, 0)
        self.deps_text = QLabel()
        self.deps_text.setWordWrap(True)
        self.deps_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.install = QPushButton(tr("Install"))
        self.install.clicked.connect(lambda: self.install_dependencies())
        deps_layout.addWidget(self.deps_text)
        deps_layout.addWidget(self.install)
        return self.deps_box

    def _circle_form(self):
        circle = QFormLayout()
        self.lng = QDoubleSpinBox()
        self.lat = QDoubleSpinBox()
        for box, low, high in ((self.lng, -180, 180), (self.lat, -90, 90)):
            box.setDecimals(6)
            box.setRange(low, high)
        self.lng.setValue(114.0565)
        self.lat.setValue(22.541)
        self.radius = QDoubleSpinBox()
        self.radius.setRange(1, 200_000)
        self.radius.setDecimals(0)
        self.radius.setSuffix(" m")
        self.radius.setValue(500)
        self.draw = QPushButton(tr("Draw on the map…"))
        self.draw.setToolTip(tr("Press at the centre, drag to the radius, release."))
        self.draw.clicked.connect(self.start_drawing)
        circle.addRow(tr("Centre longitude (WGS84)"), self.lng)
        circle.addRow(tr("Centre latitude (WGS84)"), self.lat)
        circle.addRow(tr("Radius"), self.radius)
        circle.addRow("", self.draw)
        return circle

    def _options_form(self):
        """The polygons' numbers, the cell level, the basemap and the output's coordinates."""
        self.level = QComboBox()
        self.level.addItem(tr("Auto (the service chooses)"), 0)
        for level in range(fence.MIN_CELL_LEVEL, fence.MAX_CELL_LEVEL + 1):
            self.level.addItem(tr("Level {0}").format(level), level)
        self.output_system = self.output_system_box()
        self.input_numbers = QComboBox()
        for system, label in output_systems.input_choices():
            self.input_numbers.addItem(label, system)
        self.input_numbers.setToolTip(
            tr(
                "What the selected polygons' numbers are. Chinese boundary files are usually GCJ-02 (DataV/Aliyun, "
                "Amap) or BD-09 (Baidu) although QGIS shows them as EPSG:4326: taken as WGS84 they are off by "
                "hundreds of metres."
            )
        )
        self.basemap = self._basemap_box()
        form = QFormLayout()
        form.addRow(tr("Polygons' coordinates"), self.input_numbers)
        form.addRow(tr("S2 cell level"), self.level)
        form.addRow(tr("Basemap"), self.basemap)
        form.addRow(tr("Output coordinates"), self.output_system)
        return form

    def _basemap_box(self):
        """None, the presets, and an XYZ template the settings hold (set by a script or a test)."""
        box = QComboBox()
        box.addItem(tr("None"), "")
        box.addItem("OpenStreetMap", "osm")
        box.addItem(tr("AutoNavi / Gaode (GCJ-02 streets)"), "gaode")
        box.addItem(tr("Tianditu 天地图 (key in Settings)"), "tianditu")
        box.addItem(tr("Tianditu imagery 天地图影像 (key in Settings)"), "tianditu-img")
        chosen, base = basemaps.chosen_text(), basemaps.chosen()
        if base is not None and base.key == "xyz":
            box.addItem(tr("XYZ: {0}").format(base.name), chosen)  # as set: a gcj02: before it stays
        box.setCurrentIndex(max(0, box.findData(chosen if base is not None else "")))
        box.setToolTip(tr("Added under the heat when it comes; the print layout and the animation use it too."))
        return box

    def basemap_chosen(self, *args):
        """A GCJ-02 basemap makes GCJ-02 the output coordinates, and says so: WGS84 heat lands a
        few hundred metres off its streets in China."""
        basemaps.choose(self.basemap.currentData())
        base = basemaps.chosen()
        if base is not None and base.system != WGS84:
            self.output_system.setCurrentIndex(self.output_system.findData(base.system))
        self.check_basemap_coordinates()

    def check_basemap_coordinates(self, *args):
        base = basemaps.chosen()
        note = ""
        if base is not None and base.relayed and not tianditu.key_stored():
            note = "⚠ " + tianditu.missing_key_message()
        elif base is not None and base.system != WGS84:
            output = self.output_system.currentData()
            note = basemaps.followed(base) if output == base.system else "⚠ " + basemaps.mismatch(base, output)
        self.basemap_note.setText(note)
        self.basemap_note.setVisible(bool(note))

    # -- live state ---------------------------------------------------------------------------
    def watch_layer(self, layer):
        if self.layer is not None:
            try:
                self.layer.selectionChanged.disconnect(self.refresh)
                self.layer.willBeDeleted.disconnect(self.layer_deleted)
            except (TypeError, RuntimeError):
                pass
        self.layer = layer if isinstance(layer, QgsVectorLayer) else None
        if self.layer is not None:
            self.layer.selectionChanged.connect(self.refresh)
            self.layer.willBeDeleted.connect(self.layer_deleted)
        self.refresh()

    def layer_deleted(self):
        """The watched layer left the project: planning must not touch it."""
        self.layer = None
        self.refresh()

    def cell_level(self):
        return self.level.currentData() or None

    def plan_job(self):
        """(PlanJob, None) or (None, why not): the one place that decides whether Fetch can run,
        from what is cheap to read on the UI thread; the job plans in a task."""
        if deps.missing():
            return None, tr("Install the missing Python packages first (above).")
        max_vertices = settings.jike_config(secrets=False).max_vertices
        if self.use_circle.isChecked():
            circle = (self.lng.value(), self.lat.value(), self.radius.value())
            return PlanJob(self.cell_level(), max_vertices, circle=circle), None
        layer = self.layer
        if layer is None or layer.type() != QgsMapLayer.VectorLayer:
            return None, tr("Select a polygon layer in the Layers panel.")
        if layer.geometryType() != QgsWkbTypes.PolygonGeometry:
            return None, tr("The active layer '{0}' is not a polygon layer.").format(layer.name())
        if layer.selectedFeatureCount() == 0:
            return None, tr("No feature is selected in '{0}': select one or more polygons.").format(layer.name())
        return PlanJob(self.cell_level(), max_vertices, layer=layer, numbers=self.input_numbers.currentData()), None

    def refresh(self, *args):
        missing = deps.missing()
        self.deps_box.setVisible(bool(missing))
        if missing:
            self.deps_text.setText(deps.explanation())
        self.zones.watch(self.layer)
        if self.task is not None or self.unloaded:
            return
        self.plan = None  # stale until planned again: Fetch waits for the new plan
        self.fetch.setEnabled(False)
        self.plans.start_after_burst(self.plan_task)

    def planning(self):
        """Whether a plan is still to come (waiting for a burst of changes to end, or in a task)."""
        return self.plans.busy

    def plan_task(self):
        """The task that plans what the tab shows now; None (and why not, shown) when there is none."""
        if self.task is not None:
            return None
        job, why_not = self.plan_job()
        if job is None:
            self.show_plan(None, [], why_not)
            return None
        self.fetch.setToolTip(tr("Planning…"))
        return JobTask(tr("CrowdHeat: planning the heat requests"), job, self.plans.ended)

    def planned(self, task):
        if task.error is not None:
            self.show_plan(None, [], str(task.error))
        elif task.result is not None:
            self.show_plan(*task.result)

    def show_plan(self, plan, skipped, why_not=""):
        """``plan`` (and the features it skipped) is what Fetch runs; without one, ``why_not``."""
        self.plan, self.skipped = plan, skipped
        self.selection_info.setText(why_not if plan is None else plan_text(plan, skipped))
        self.fetch.setToolTip(why_not)
        self.fetch.setEnabled(plan is not None and self.task is None)

    # -- missing packages ---------------------------------------------------------------------
    def install_dependencies(self, install=None):
        self.install.setEnabled(False)
        self.status.setText(tr("Installing {0} with pip…").format(", ".join(deps.missing())))

        def done(task):
            self.install_task = None
            self.install.setEnabled(True)
            if task.error is not None:
                self.status.setText(str(task.error))
                self.iface.messageBar().pushMessage("CrowdHeat", str(task.error), Qgis.Critical, 0)
            else:
                self.status.setText(tr("Installed: crowd heat is ready (no restart needed)."))
            self.refresh()

        self.install_task = InstallTask(done, install)
        QgsApplication.taskManager().addTask(self.install_task)

    # -- drawing a circle ---------------------------------------------------------------------
    def start_drawing(self):
        canvas = self.iface.mapCanvas()
        if self.tool is None:
            self.tool = CircleMapTool(canvas)
            self.tool.circleDrawn.connect(self.circle_drawn)
            self.tool.radiusChanged.connect(lambda r: self.status.setText(tr("Radius: {0:,.0f} m").format(r)))
        self.use_circle.setChecked(True)
        canvas.setMapTool(self.tool)

    def circle_drawn(self, center, radius_m):
        from qgis.core import QgsCoordinateTransform, QgsGeometry

        crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        point = QgsGeometry.fromPointXY(center)
        point.transform(
            QgsCoordinateTransform(
                crs, QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext()
            )
        )
        self.lng.setValue(point.asPoint().x())
        self.lat.setValue(point.asPoint().y())
        self.radius.setValue(round(radius_m))
        self.status.setText(tr("Circle of {0:,.0f} m drawn.").format(radius_m))

    # -- running ------------------------------------------------------------------------------
    def start(self):
        plan = self.plan
        if plan is None:
            return  # Fetch is enabled only with a current plan (refresh drops a stale one)
        threshold = settings.jike_config(secrets=False).confirm_requests
        if len(plan.requests) > threshold and not self.confirm(
            tr(
                "This run sends {0:,} requests (more than {1:,}, the threshold in CrowdHeat's settings). "
                "Answers already in the cache cost nothing.\n\n{2}\n\nFetch?"
            ).format(len(plan.requests), threshold, plan_text(plan, self.skipped))
        ):
            return
        for shape in plan.features.values():
            for warning in shape.warnings:
                log(warning, Qgis.Warning)
        for warning in plan.warnings:
            log(warning, Qgis.Warning)
        for reason in self.skipped:
            log(tr("Skipped: {0}").format(reason), Qgis.Warning)
        for note in plan.notes:
            log(note)
        self.started = time.monotonic()
        task = HeatTask(plan, self.task_done, output_system=self.output_system.currentData())
        self.run_task(task, tr("Fetching {0:,} request(s)…").format(len(plan.requests)))

    def task_done(self, task):
        self.task_ended()
        seconds = time.monotonic() - self.started
        run = task.report
        if task.error is not None:
            self.report_error(tr("CrowdHeat: fetch failed"), task.error)
        elif task.result is None:
            self.status.setText(tr("Cancelled: nothing was received."))
            self.iface.messageBar().pushMessage("CrowdHeat", tr("Fetch cancelled."), Qgis.Info, 5)
        else:
            self.show_result(task, run, seconds)
        self.progress.setValue(100 if task.result else 0)
        self.refresh()

    def confirm(self, text):
        """Ask before a large run (a method, so that a test can answer for the user)."""
        return QMessageBox.question(self, tr("CrowdHeat"), text) == QMessageBox.StandardButton.Yes

    def show_result(self, task, run, seconds):
        hourly, cells = task.result
        project = QgsProject.instance()
        heat_layers.add_to_group(project, [hourly, cells], heat_layers.group_name(run))
        base = basemaps.chosen()
        if base is not None:
            try:
                basemaps.add_under(project, base)
            except CrowdHeatError as exc:
                log(str(exc), Qgis.Warning)
            else:
                for layer in (hourly, cells):
                    basemaps.see_through(layer)
        self.zones.heat_layer.setLayer(hourly)  # heat by zone starts from the heat just fetched
        self.heatReady.emit(hourly)
        heat_layers.show_in_time(heat_layers.time_range(run), project, self.iface)
        heat_layers.open_temporal_controller(self.iface)
        summary = summary_text(run)
        if run.failures or run.cancelled:
            summary += tr(" — {0} request(s) failed or not sent (see the CrowdHeat log)").format(
                len(run.plan.requests) - run.requests_done
            )
        self.status.setText(summary)
        self.results.offer(summary, hourly, cells)

    def unload(self):
        super().unload()
        self.zones.unload()
        if self.tool is not None:
            if self.iface.mapCanvas().mapTool() is self.tool:
                self.iface.mapCanvas().unsetMapTool(self.tool)
            self.tool.clear()
            self.tool = None
        try:
            self.iface.currentLayerChanged.disconnect(self.watch_layer)
        except (TypeError, RuntimeError):
            pass
        self.watch_layer(None)
        self.unloaded = True
        self.plans.cancel()  # watch_layer asked for a plan: nobody will use it
