"""The dock's Scans tab: choose a CSV, check how it is read, see what it will cost, run."""

from qgis.core import Qgis, QgsProject, QgsWkbTypes
from qgis.gui import QgsCollapsibleGroupBoxBasic, QgsFileWidget
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..core import scan_formats, scans
from ..core.errors import CrowdHeatError
from ..core.scan_job import Status
from ..gis import scan_layers, settings
from ..gis.scan_run import plan_text, summary_text
from ..gis.tasks import Latest, ScanPlanTask, ScanTask, log
from ..i18n import tr
from .run_panel import RunPanel

PREVIEW_ROWS = 200
PREVIEW_VISIBLE_ROWS = 8
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
DELIMITERS = [(",", ","), (";", ";"), ("\t", "Tab"), ("|", "|")]


def role_labels():
    """Roles shown for mapping, in the order an analyst thinks of them, with plain labels."""
    return [
        ("macs", tr("WiFi list (mac,rssi,ssid|…)")),
        ("mac", tr("Access point MAC")),
        ("ssid", tr("SSID")),
        ("rssi", tr("Access point signal, dBm")),
        ("bts", tr("Serving cell (mcc,mnc,lac,cellid,signal)")),
        ("nearbts", tr("Neighbour cells (…|…)")),
        ("mmac", tr("Connected access point")),
        ("mcc", tr("MCC")),
        ("mnc", tr("MNC")),
        ("lac", tr("LAC / TAC")),
        ("cellid", tr("Cell ID")),
        ("signal", tr("Cell signal, dBm")),
        ("radio", tr("Technology (GSM, LTE, WIFI…)")),
        ("network", tr("Network type")),
        ("serving", tr("Serving cell? (true/false)")),
        ("neighbour", tr("Neighbour cell? (true/false)")),
        ("scan_id", tr("Scan id")),
        ("time", tr("Time")),
        ("date", tr("Date")),
        ("lng", tr("GPS longitude (WGS84)")),
        ("lat", tr("GPS latitude (WGS84)")),
    ]


PROBLEM_STATUSES = (Status.INVALID, Status.ERROR, Status.NOT_FOUND)  # what the problems button shows
PROBLEM_FILTER = '"status" IN ({0})'.format(", ".join(f"'{status.value}'" for status in PROBLEM_STATUSES))


class ScansTab(RunPanel):
    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.fmt = None
        self.counting = Latest(self.plan_done, self)  # the count of the scans of the file as read now
        self.result_layer = None
        self._updating = False
        self._header = None
        self._build()

    def _build(self):
        layout = QVBoxLayout(self)
        self.file = QgsFileWidget()
        self.file.setFilter(tr("CSV files (*.csv *.txt *.tsv);;All files (*)"))
        self.file.fileChanged.connect(self.load)
        layout.addWidget(QLabel(tr("Scan file")))
        layout.addWidget(self.file)

        layout.addLayout(self._reading_form())
        self.layout_note = QLabel()
        self.layout_note.setWordWrap(True)
        layout.addWidget(self.layout_note)
        layout.addWidget(self._mapping_box())
        for combo in (self.encoding, self.delimiter, self.shape):
            combo.currentIndexChanged.connect(self.reread)
        self.header.toggled.connect(self.reread)

        self.preview = QTableWidget()
        self.preview.setMinimumHeight(self.preview.verticalHeader().defaultSectionSize() * (PREVIEW_VISIBLE_ROWS + 1))
        layout.addWidget(self.preview, 1)
        self.counts = QLabel(tr("Choose a scan file."))
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)

        out = QFormLayout()
        self.output_system = self.output_system_box()
        self.circles = QCheckBox(tr("Also draw accuracy circles"))
        out.addRow(tr("Output coordinates"), self.output_system)
        out.addRow("", self.circles)
        layout.addLayout(out)

        self.problems = QPushButton(tr("Show invalid / failed rows"))
        self.problems.setEnabled(False)
        self.problems.clicked.connect(self.show_problems)
        self.add_run_controls(layout, tr("Run"), self.problems)
        self.run_button.setEnabled(False)

    def _reading_form(self):
        """How the file is read: encoding, delimiter, header row, shape (guessed, then the user's)."""
        how = QFormLayout()
        self.encoding = QComboBox()
        self.encoding.addItems(ENCODINGS)
        self.delimiter = QComboBox()
        for value, label in DELIMITERS:
            self.delimiter.addItem(label, value)
        self.shape = QComboBox()
        for shape, label in (
            (scan_formats.SHAPE_BAIDU, tr("One row per scan, Baidu columns")),
            (scan_formats.SHAPE_SPLIT, tr("One row per scan, split cell columns")),
            (scan_formats.SHAPE_OBSERVATIONS, tr("One row per AP / cell, grouped into scans")),
        ):
            self.shape.addItem(label, shape)
        self.header = QCheckBox(tr("The first row names the columns"))
        self.header.setToolTip(
            tr(
                "Detected from the first row; untick for files without a header row (their "
                "columns are then col1, col2, …)."
            )
        )
        how.addRow(tr("Encoding"), self.encoding)
        how.addRow(tr("Delimiter"), self.delimiter)
        how.addRow(tr("Header"), self.header)
        how.addRow(tr("Shape"), self.shape)
        return how

    def _mapping_box(self):
        """The column of each role. Most files need no mapping: the box stays folded unless
        something is missing (see reread). Basic: no collapsed state saved and restored on show,
        which would override that rule."""
        self.mapping_box = QgsCollapsibleGroupBoxBasic(tr("Columns"))
        self.mapping_form = QFormLayout(self.mapping_box)
        self.role_boxes = {}
        for role, label in role_labels():
            box = QComboBox()
            box.currentIndexChanged.connect(self.reread)
            self.role_boxes[role] = box
            self.mapping_form.addRow(f"{label} ({role})", box)
        return self.mapping_box

    # -- reading the file ---------------------------------------------------------------------
    def load(self, path=None):
        """A new file: guess everything, then show it in the editable widgets."""
        path = path or self.file.filePath()
        try:
            fmt = scan_formats.sniff(path)
        except CrowdHeatError as exc:
            self.fail(str(exc))
            return
        self._show_format(fmt)
        self.reread()

    def _show_format(self, fmt):
        self._header = list(fmt.header)
        self._updating = True
        try:
            self.header.setChecked(fmt.has_header)
            if self.encoding.findText(fmt.encoding) < 0:
                self.encoding.addItem(fmt.encoding)
            self.encoding.setCurrentText(fmt.encoding)
            self.delimiter.setCurrentIndex(max(0, self.delimiter.findData(fmt.delimiter)))
            self.shape.setCurrentIndex(max(0, self.shape.findData(fmt.shape)))
            for role, box in self.role_boxes.items():
                box.clear()
                box.addItem(tr("(none)"), "")
                for column in fmt.header:
                    box.addItem(column, column)
                box.setCurrentIndex(max(0, box.findData(fmt.mapping.get(role, ""))))
        finally:
            self._updating = False

    def chosen_mapping(self):
        return {role: box.currentData() for role, box in self.role_boxes.items() if box.currentData()}

    def reread(self, *args):
        """Read again with what the widgets say (the user's choice overrides the guess)."""
        if self._updating or not self.file.filePath():
            return
        path = self.file.filePath()
        config = settings.baidu_config(secrets=False)
        header = scan_formats.HEADER_YES if self.header.isChecked() else scan_formats.HEADER_NO
        try:
            guessed = scan_formats.sniff(
                path,
                encoding=self.encoding.currentText(),
                delimiter=self.delimiter.currentData(),
                header=header,
                window_s=config.scan_window_s,
                distance_m=config.scan_distance_m,
            )
            if guessed.header != self._header:
                self._show_format(guessed)  # a new delimiter, encoding or header choice gives new columns
            # The widgets decide every role they show (one set to "(none)" is unmapped); roles
            # without a widget (imei, imsi, clientip, cdma) keep the guess.
            mapping = {r: c for r, c in guessed.mapping.items() if r not in self.role_boxes}
            mapping.update(self.chosen_mapping())
            self.fmt = guessed.chosen(mapping, self.shape.currentData(), keep_guesses=False)
            rows = scans.preview(path, self.fmt, PREVIEW_ROWS)
        except CrowdHeatError as exc:
            self.fail(str(exc))
            return
        self.preview.clear()
        self.preview.setColumnCount(len(self.fmt.header))
        self.preview.setHorizontalHeaderLabels(self.fmt.header)
        self.preview.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values[: len(self.fmt.header)]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        if self.fmt.layout:
            note = tr("Recognised: {0}.").format(self.fmt.why)
        elif self.fmt.has_header and self.fmt.mapping:
            note = tr("Columns recognised by their names: {0}.").format(
                ", ".join(f"{role}={column}" for role, column in self.fmt.mapping.items())
            )
        else:
            note = self.fmt.why or ""
        self.layout_note.setText("\n".join([note] + [f"⚠ {w}" for w in self.fmt.warnings]).strip())
        # Folded while the columns make scans; open, with the warning above, when they cannot.
        self.mapping_box.setCollapsed(not self.fmt.warnings)
        self.counts.setText(tr("Read as {0}. Counting scans…").format(self.fmt.describe()))
        self.run_button.setEnabled(False)
        # A newer choice stops the count of an older one (it reads the whole file); a burst of
        # choices is counted once, when it ends (gis/tasks.py, Latest.start_after_burst).
        self.counting.start_after_burst(self.count_task)

    def count_task(self):
        if self.fmt is None or not self.file.filePath():
            return None
        config = settings.baidu_config(secrets=False)
        return ScanPlanTask(self.file.filePath(), self.fmt, config, self.counting.ended)

    def plan_done(self, task):
        if task.error is None and task.result is None:  # cancelled before it ran (the tab is closing)
            return
        if task.error is not None:
            self.fail(str(task.error))
            return
        numbers = task.result
        self.counts.setText(f"{self.fmt.describe()}: {plan_text(numbers)}")
        self.run_button.setEnabled(numbers["valid"] > 0 and self.task is None)
        self.run_button.setToolTip("" if numbers["valid"] else tr("No scan in this file can make a valid request."))

    def fail(self, message):
        self.fmt = None
        self.run_button.setEnabled(False)
        self.counts.setText(message)
        self.iface.messageBar().pushMessage(tr("CrowdHeat: cannot read the scan file"), message, Qgis.Warning, 8)

    # -- running ------------------------------------------------------------------------------
    def start(self):
        if self.fmt is None:
            return
        task = ScanTask(
            self.file.filePath(), self.fmt, self.output_system.currentData(), self.circles.isChecked(), self.task_done
        )
        self.run_task(task, tr("Geolocating…"))

    def stop(self):
        super().stop(tr("Cancelling: the scans done so far are kept…"))

    def task_done(self, task):
        self.task_ended()
        self.run_button.setEnabled(self.fmt is not None)
        if task.error is not None:
            self.report_error(tr("CrowdHeat: positioning failed"), task.error)
            return
        run = task.result
        project = QgsProject.instance()
        self.result_layer = task.layers[0]
        scan_layers.style_scans(self.result_layer)
        for layer in task.layers[1:]:
            if layer.geometryType() == QgsWkbTypes.PolygonGeometry:
                scan_layers.style_circles(layer)
            else:
                scan_layers.style_error_lines(layer)
        for layer in reversed(task.layers):  # the points on top, then the lines, then the circles
            project.addMapLayer(layer)
        stats = run.stats
        summary = summary_text(stats)
        if run.quality_text():
            summary += "\n" + run.quality_text()
        if run.quality_warning():
            summary += "\n" + run.quality_warning()
        self.status.setText(summary)
        self.progress.setValue(100)
        problems = sum(stats.counts.get(status, 0) for status in PROBLEM_STATUSES)
        self.problems.setEnabled(problems > 0)
        level = Qgis.Warning if stats.stopped_by is not None or run.quality_warning() else Qgis.Success
        bar = self.iface.messageBar()
        widget = bar.createMessage(tr("CrowdHeat"), summary.replace("\n", " "))
        if problems:
            button = QPushButton(tr("Show {0} invalid / failed rows").format(problems))
            button.clicked.connect(self.show_problems)
            widget.layout().addWidget(button)
        bar.pushWidget(widget, level, 0)
        if stats.stopped_by is not None:
            log(str(stats.stopped_by), Qgis.Critical)

    def show_problems(self):
        if self.result_layer is not None:
            return self.iface.showAttributeTable(self.result_layer, PROBLEM_FILTER)
        return None

    def unload(self):
        super().unload()
        self.counting.cancel()
