"""The Archive tab: choose or create an archive, see its span, gaps and size, add the Heat tab's
current selection (or circle) to it, compare two of its periods, and play it whole in the
Temporal Controller. The work is ``gis.heat_archive``'s, in tasks; the comparison is
crowdheat:heatcompare in Processing's own dialog, with the archive and periods filled in."""

import datetime as dt

from qgis.core import Qgis, QgsProject, QgsSettings, QgsVectorLayer
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..core import compare
from ..core.errors import CrowdHeatError
from ..gis import heat_archive
from ..gis.default_styles import restore_time_settings
from ..gis.tasks import ArchiveTask, JobTask, Latest, log
from ..i18n import tr
from .run_panel import RunPanel

PATH_KEY = "crowdheat/archive/path"


class ArchiveTab(RunPanel):
    def __init__(self, iface, heat_tab, parent=None):
        super().__init__(iface, parent)
        self.heat_tab = heat_tab
        self.info = None  # the ArchiveInfo shown, once read
        self.infos = Latest(self.info_read, self)
        self.compare_dialog = None
        self._build()
        self.path.setFilePath(QgsSettings().value(PATH_KEY, "", type=str))
        self.read_info()

    def _build(self):
        layout = QVBoxLayout(self)
        self.path = QgsFileWidget()
        self.path.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.path.setFilter(tr("GeoPackage (*.gpkg)"))
        self.path.setDialogTitle(tr("Choose or create a heat archive"))
        self.path.setToolTip(
            tr(
                "A GeoPackage that grows run after run, one row per S2 cell and date. A PostgreSQL archive is "
                "made with the Processing algorithm 'Add crowd heat to an archive'."
            )
        )
        self.path.fileChanged.connect(self.path_changed)
        form = QFormLayout()
        form.addRow(tr("Archive"), self.path)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.compare = QPushButton(tr("Compare periods…"))
        self.compare.setToolTip(tr("What changed between two periods of the archive, and which days stand out."))
        self.compare.clicked.connect(self.open_compare)
        self.play = QPushButton(tr("Play the archive"))
        self.play.setToolTip(tr("Add the archive to the map and play its whole span in the Temporal Controller."))
        self.play.clicked.connect(self.play_archive)
        self.animation = QPushButton(tr("Animation…"))
        self.animation.setToolTip(
            tr("The archive's last day (or any hours) as a GIF or MP4, over the Heat tab's basemap.")
        )
        self.animation.clicked.connect(self.open_animation)
        self.add_run_controls(layout, tr("Add the Heat tab's selection"))
        more = QHBoxLayout()  # a second row: a dock is narrow
        more.addWidget(self.compare)
        more.addWidget(self.play)
        more.addWidget(self.animation)
        layout.addLayout(more)
        self.run_button.setToolTip(
            tr("Fetches the last 10 days for what the Heat tab would fetch (its polygons or circle, its level).")
        )
        layout.addStretch(1)

    def destination_text(self):
        return self.path.filePath().strip()

    def path_changed(self, path):
        QgsSettings().setValue(PATH_KEY, path)
        self.read_info()

    # -- what the archive holds ----------------------------------------------------------------
    def read_info(self):
        self.info = None
        self.compare.setEnabled(False)
        self.play.setEnabled(False)
        self.animation.setEnabled(False)
        text = self.destination_text()
        if not text:
            self.summary.setText(tr("Choose a GeoPackage: an existing archive, or a new file to create one."))
            return
        self.summary.setText(tr("Reading the archive…"))
        self.infos.start_after_burst(  # a path typed key by key is read once, when the typing stops
            lambda: JobTask(tr("CrowdHeat: reading the archive"), heat_archive.ArchiveInfoJob(text), self.infos.ended)
        )

    def info_read(self, task):
        if task.error is not None:
            self.summary.setText(str(task.error))
            return
        self.info = task.result
        if self.info is None:
            self.summary.setText(tr("No archive there yet: the first run creates it."))
            return
        self.summary.setText(self.info.text())
        self.compare.setEnabled(bool(self.info.dates))
        self.play.setEnabled(bool(self.info.dates))
        self.animation.setEnabled(bool(self.info.dates))

    # -- adding heat ---------------------------------------------------------------------------
    def start(self):
        plan = self.heat_tab.plan
        if plan is None:
            self.status.setText(
                tr("Nothing to add: select polygons (or set a circle) in the Heat tab first. {0}").format(
                    self.heat_tab.fetch.toolTip()
                )
            )
            return
        if not self.destination_text():
            self.status.setText(tr("Choose the archive's file first."))
            return
        task = ArchiveTask(plan, self.destination_text(), self.task_done)
        self.run_task(task, tr("Adding {0:,} request(s) to the archive…").format(len(plan.requests)))

    def task_done(self, task):
        self.task_ended()
        self.run_button.setEnabled(True)
        if task.error is not None:
            self.report_error(tr("CrowdHeat: archive run failed"), task.error)
        elif task.result is None:
            self.status.setText(tr("Cancelled: nothing was received."))
        else:
            done = task.result
            done.save_style()
            lines = [done.summary(), done.gaps_text(), done.incomplete_text()]
            text = "\n".join(line for line in lines if line)
            self.status.setText(text)
            log(text, Qgis.Warning if done.incomplete_text() else Qgis.Info)
            level = Qgis.Warning if done.incomplete_text() else Qgis.Success
            self.iface.messageBar().pushMessage("CrowdHeat", done.summary(), level, 10)
        self.progress.setValue(100 if task.result else 0)
        self.read_info()

    # -- comparing and playing -----------------------------------------------------------------
    def compare_parameters(self):
        """heatcompare's parameters for this archive: the last 7 days against the 7 before when it
        holds two weeks, else its first half against its second."""
        dates = self.info.dates
        parameters = {"INPUT": self.layer_source()}
        if (dates[-1] - dates[0]).days >= 13:
            parameters["PRESET"] = compare.LAST_7_VS_7_BEFORE
        else:
            middle = dates[len(dates) // 2]
            parameters["PERIOD_A"] = f"{dates[0]}..{middle - dt.timedelta(days=1)}"
            parameters["PERIOD_B"] = f"{middle}..{dates[-1]}"
        return parameters

    def open_compare(self):
        self.compare_dialog = self.open_algorithm("crowdheat:heatcompare", self.compare_parameters())

    def layer_source(self):
        return heat_archive.Destination(self.destination_text()).layer_source()[0]

    def archive_layer(self):
        """The archive's layer in the project (added once), or None with the reason shown."""
        project = QgsProject.instance()
        source = self.layer_source()
        layer = next((lyr for lyr in project.mapLayers().values() if lyr.source() == source), None)
        if layer is None:
            try:
                name = heat_archive.Destination(self.destination_text()).table
            except CrowdHeatError as exc:
                self.status.setText(str(exc))
                return None
            layer = QgsVectorLayer(source, f"Heat archive — {name}", "ogr")  # layer names are English: data
            if not layer.isValid():
                self.status.setText(tr("The archive cannot be opened: {0}").format(source))
                return None
            project.addMapLayer(layer)
        return layer

    def open_animation(self):
        """The archive (in the map once) in the animation's dialog."""
        layer = self.archive_layer()
        return self.open_animation_dialog(layer) if layer is not None else None

    def play_archive(self):
        """The archive in the map (once), styled and playing over its whole span."""
        project = QgsProject.instance()
        layer = self.archive_layer()
        if layer is None:
            return
        restore_time_settings([layer], project, self.iface)
        self.status.setText(
            tr("Playing {0} – {1} in the Temporal Controller.").format(self.info.dates[0], self.info.dates[-1])
        )

    def unload(self):
        super().unload()
        self.infos.cancel()
