"""The heat archive: one table of hourly heat, one row per (cell, date), that grows run after run
past the service's 10-day window.

A run writes each feature's answer into a staging table beside the archive, then merges it with
one SQL statement in the archive's own database (SQLite's or PostgreSQL's upsert on the unique
key (cell_token, date)): a cell-day the archive lacks is added, one answered alike is left alone,
one answered differently replaces the old numbers, with ``revisions`` counted and
``last_fetched`` set. ``first_fetched``/``last_fetched`` therefore say when the row's first and
current numbers were fetched. The key is enforced by the database itself (a unique index), so no
path, not even another program writing the table, can put a cell-day in twice.

What fed the archive (its level and the digest of its features) is kept in a small table,
``crowdheat_archive_sources``: a run at another level or on other features is refused, so that an
archive never mixes them silently; another table (layer name) in the same file keeps them apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsDataSourceUri,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core.errors import InputError, OutputError
from ..core.jike import CRS as HEAT_CRS
from ..core.shapely_lib import wkt
from ..core.sql import literal, name
from ..i18n import tr
from . import archive_postgres, heat_layers, heat_run
from .archive_table import (
    DEFAULT_TABLE,
    SOURCES_TABLE,
    answer_columns,
    archive_fields,
    hours_differ,
    on_conflict,
    schema_statements,
)
from .default_styles import save_default_style
from .heat_zones import as_day


class Destination:
    """Where an archive is: a GeoPackage file and table, or a PostgreSQL table; from what
    Processing's vector outputs take (a path, ``ogr:dbname='…' table="…"``, ``postgres://…``)."""

    def __init__(self, text):
        text = str(text or "").strip()
        self.text = text
        self.postgres = text.startswith("postgres://")
        if self.postgres:
            uri = QgsDataSourceUri(text[len("postgres://") :])
            self.table = uri.table() or DEFAULT_TABLE
            self.schema = uri.schema() or "public"
            uri.setDataSource(self.schema, self.table, "geom")
            self.uri = uri
            self.path = ""
            return
        if text.startswith("ogr:"):
            uri = QgsDataSourceUri(text[len("ogr:") :])
            self.path, self.table = uri.database(), uri.table() or DEFAULT_TABLE
        else:
            path, _, options = text.partition("|")
            layer = re.search(r"layername=([^|]+)", options)
            self.path, self.table = path, layer.group(1) if layer else DEFAULT_TABLE
        self.schema = ""
        if not self.path.lower().endswith(".gpkg"):
            raise InputError(
                tr(
                    "The archive must be a GeoPackage (.gpkg) or a PostgreSQL table, not '{0}': an archive is "
                    "merged into by every run, which only a database can do safely."
                ).format(text or "(none)")
            )

    @property
    def qualified(self):
        return self.qualify(self.table)

    def qualify(self, table):
        """``table`` (the archive's, its staging or sources table) as SQL names it: in the archive's
        schema in PostgreSQL, alone in a GeoPackage."""
        return f"{name(self.schema)}.{name(table)}" if self.postgres else name(table)

    def dates(self, connection=None):
        """The dates the archive holds, in order."""
        rows = (connection or self.connection()).executeSql(f"SELECT DISTINCT date FROM {self.qualified}")
        return sorted(as_day(row[0]) for row in rows if row[0] is not None)

    def layer_source(self):
        """(QGIS data source, provider key) of the archive table."""
        if self.postgres:
            return self.uri.uri(False), "postgres"
        return f"{self.path}|layername={self.table}", "ogr"

    def connection(self):
        key = "postgres" if self.postgres else "ogr"
        uri = self.uri.connectionInfo(False) if self.postgres else self.path
        return QgsProviderRegistry.instance().providerMetadata(key).createConnection(uri, {})


class Archive:
    """An archive opened for a run: created with its unique key if missing, its sources checked."""

    def __init__(self, destination: Destination):
        self.destination = destination
        if destination.postgres:  # several machines may start at once: see gis/archive_postgres.py
            self.exists = not archive_postgres.create(destination, archive_fields(), schema_statements(destination))
            self.connection = destination.connection()
            return
        self.exists = self.table_exists(destination)
        if not self.exists:
            self._create()
        self.connection = destination.connection()
        for statement in schema_statements(destination):
            self.sql(statement)

    @property
    def _sources(self):
        return self.destination.qualify(SOURCES_TABLE)

    def sql(self, statement):
        return self.connection.executeSql(statement)

    # -- creation -------------------------------------------------------------------------------

    @staticmethod
    def table_exists(destination):
        source, provider = destination.layer_source()
        if not destination.postgres and not os.path.exists(destination.path):
            return False
        layer = QgsVectorLayer(source, "archive", provider)
        return layer.isValid()

    def _create(self, table=None, fields=None):
        """A GeoPackage's archive table (or its staging table): through QGIS's writer, so that the
        file registers it as a layer (geometry column, spatial index, GeoPackage contents)."""
        table = table or self.destination.table
        fields = fields or archive_fields()
        crs = QgsCoordinateReferenceSystem(HEAT_CRS)
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = table
        if os.path.exists(self.destination.path):
            options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
        writer = QgsVectorFileWriter.create(
            self.destination.path, fields, QgsWkbTypes.Polygon, crs, QgsCoordinateTransformContext(), options
        )
        if writer.hasError() != QgsVectorFileWriter.NoError:
            raise OutputError(
                tr("The archive {0} cannot be written: {1}").format(self.destination.text, writer.errorMessage())
            )
        del writer

    # -- what fed it ----------------------------------------------------------------------------

    def check_sources(self, plan):
        """Refuse a run whose level or features differ from those that fed the archive; record them
        on the first run."""
        if not plan.level:
            # The service's choice may differ from run to run (it follows its own load and the
            # fence), and an archive never mixes levels: a fixed level is the one way to keep it.
            raise InputError(
                tr(
                    "An archive needs a fixed S2 cell level: with 'Auto' the service may choose another level on "
                    "another day, and an archive never mixes levels. Choose a level (16 is a street block)."
                )
            )
        digest = features_digest(plan)
        names = ", ".join(sorted(f.label for f in plan.features.values()))[:500]
        level = plan.level or 0
        table = literal(self.destination.table)
        rows = self.sql(f"SELECT level, features, feature_count, names FROM {self._sources} WHERE archive = {table}")
        now = literal(_utc_now())
        if not rows:
            # Another machine's shard may record them at the same moment: the first one wins, and
            # this run is checked against what it recorded.
            self.sql(
                f"INSERT INTO {self._sources} VALUES ({table}, {level}, {literal(digest)}, {len(plan.features)}, "
                f"{literal(names)}, {now}, {now}) ON CONFLICT (archive) DO NOTHING"
            )
            rows = self.sql(
                f"SELECT level, features, feature_count, names FROM {self._sources} WHERE archive = {table}"
            )
        old_level, old_digest, old_count, old_names = rows[0]
        if int(old_level) != level or old_digest != digest:
            what = (
                tr("level {0} (this run: {1})").format(_level_text(old_level), _level_text(level))
                if int(old_level) != level
                else tr("{0} other feature(s): {1}").format(old_count, old_names)
            )
            raise InputError(
                tr(
                    "The archive '{0}' holds heat of {1}. An archive never mixes levels or features: run with the "
                    "same features and level, or give another archive (another layer name in the same GeoPackage "
                    "keeps them apart)."
                ).format(self.destination.table, what)
            )
        self.sql(f"UPDATE {self._sources} SET last_run = {now} WHERE archive = {table}")

    # -- the merge ------------------------------------------------------------------------------

    def staging_layer(self):
        """An empty staging table beside a GeoPackage's archive, opened as a layer to write into
        (a PostgreSQL archive's writer stages in its own session: gis/archive_postgres.py)."""
        table = self.destination.table + "_staging"
        self._create(table, heat_layers.hourly_fields())
        layer = QgsVectorLayer(f"{self.destination.path}|layername={table}", "staging", "ogr")
        if not layer.isValid():
            raise OutputError(tr("The archive's staging table {0} cannot be opened.").format(table))
        self.staging_table = table
        return layer

    def merge(self, fetched):
        """Merge a GeoPackage's staging rows into its archive and empty the staging table: (added,
        unchanged, revised) cell-days. ``fetched``: when they were fetched (UTC, ISO 8601)."""
        archive = self.destination.qualified
        staging = self.destination.qualify(self.staging_table)
        counts = self.sql(
            f"SELECT COUNT(*), SUM(CASE WHEN a.cell_token IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN a.cell_token IS NOT NULL AND ({hours_differ(False, 'a', 's')}) THEN 1 ELSE 0 END) "
            f"FROM {staging} s LEFT JOIN {archive} a ON a.cell_token = s.cell_token AND a.date = s.date"
        )[0]
        total, added, revised = (int(v or 0) for v in counts)
        columns = f"geom, {answer_columns()}"
        self.sql(
            f"INSERT INTO {archive} ({columns}, first_fetched, last_fetched, revisions) "
            f"SELECT {columns}, {literal(fetched)}, {literal(fetched)}, 0 FROM {staging} WHERE true "
            f"{on_conflict(archive, postgres=False)}"
        )
        self.sql(f"DELETE FROM {staging}")
        return added, total - added - revised, revised

    def writer(self):
        """The sink of a run into this archive."""
        if self.destination.postgres:
            return archive_postgres.PostgresArchiveWriter(self.destination, _utc_now())
        return ArchiveWriter(self)

    def answers_cache(self):
        """Where the run's answers are kept: the shared ledger in a PostgreSQL archive's database
        (machines writing one archive never pay twice), else the local cache (None)."""
        return archive_postgres.ledger(self.destination) if self.destination.postgres else None

    def close(self, writer=None):
        """Drop the staging table and let go of every handle on the file or database (a style is
        saved into it next, and a handle left open would hold its lock)."""
        if writer is not None:
            writer.close()
        if getattr(self, "staging_table", None):
            self.connection.dropVectorTable("", self.staging_table)
            self.staging_table = None
        self.connection = None


class ArchiveInfo:
    """What the dock shows of an archive: its dates, gaps, rows, size on disk and what fed it."""

    def __init__(self, destination):
        self.destination = destination
        connection = destination.connection()
        self.dates = destination.dates(connection)
        self.gaps = gap_dates(self.dates)
        self.cell_days = int(connection.executeSql(f"SELECT COUNT(*) FROM {destination.qualified}")[0][0])
        self.size_bytes = os.path.getsize(destination.path) if destination.path else None
        rows = connection.executeSql(
            f"SELECT level, feature_count, names, last_run FROM {destination.qualify(SOURCES_TABLE)} "
            f"WHERE archive = {literal(destination.table)}"
        )
        self.level, self.feature_count, self.names, self.last_run = rows[0] if rows else (None, 0, "", "")

    def text(self):
        if not self.dates:
            return tr("The archive {0} holds no heat yet.").format(self.destination.table)
        lines = [
            tr("{0} – {1}: {2} date(s) with data, {3:,} cell-days").format(
                self.dates[0], self.dates[-1], len(self.dates), self.cell_days
            ),
            tr("Gaps: {0}").format(", ".join(d.isoformat() for d in self.gaps)) if self.gaps else tr("No gap."),
            tr("{0} feature(s) at level {1}: {2}").format(self.feature_count, _level_text(self.level or 0), self.names),
        ]
        if self.size_bytes is not None:
            last_run = f"{str(self.last_run)[:16].replace('T', ' ')} UTC" if self.last_run else "-"
            lines.append(tr("{0:,.1f} MB on disk; last run {1}").format(self.size_bytes / 1e6, last_run))
        return "\n".join(lines)


class ArchiveInfoJob:
    """:class:`ArchiveInfo` read off the UI thread (a JobTask's job)."""

    def __init__(self, destination_text):
        self.destination_text = destination_text

    def run(self, is_cancelled=None):
        destination = Destination(self.destination_text)
        if destination.path and not os.path.exists(destination.path):
            return None
        if not Archive.table_exists(destination):
            return None
        return ArchiveInfo(destination)


def gap_dates(dates):
    """The dates inside the span of ``dates`` (sorted) that are not among them."""
    if not dates:
        return []
    have = set(dates)
    span = (dates[-1] - dates[0]).days + 1
    return [d for d in (dates[0] + dt.timedelta(days=k) for k in range(span)) if d not in have]


def features_digest(plan):
    """A digest of the plan's features (their WGS84 geometries, to ~1 cm) and nothing else."""
    parts = sorted(wkt.dumps(shape.geometry, rounding_precision=7) for shape in plan.features.values())
    return hashlib.sha1("\n".join(parts).encode("ascii")).hexdigest()


def _level_text(level):
    return str(level) if int(level) else tr("the service's choice")


def _utc_now():
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _ByName:
    """A sink that puts each value in the provider's field of the same name: a GeoPackage table
    written through its provider has its ``fid`` as the first field, a PostgreSQL one its key."""

    def __init__(self, provider, fields):
        self.provider = provider
        names = fields.names()
        self.order = [names.index(n) if n in names else None for n in provider.fields().names()]

    def addFeatures(self, features, flags=None):
        for feature in features:
            values = feature.attributes()
            feature.setAttributes([None if k is None else values[k] for k in self.order])
        ok, _ = self.provider.addFeatures(features)
        return ok

    def flushBuffer(self):
        return True

    def lastError(self):
        return self.provider.lastError()


class ArchiveWriter:
    """The sink of a heat run into an archive: each feature's answer goes to the staging table and
    is merged at once, so that a run stopped half-way has merged every answer it received."""

    def __init__(self, archive):
        self.archive = archive
        self.staging = archive.staging_layer()  # held: its provider lives as long as the layer
        self.rows = heat_layers.HeatWriter(_ByName(self.staging.dataProvider(), heat_layers.hourly_fields()), None)
        self.fetched = _utc_now()
        self.added = self.unchanged = self.revised = 0

    def __call__(self, data):
        self.rows(data)
        added, unchanged, revised = self.archive.merge(self.fetched)
        self.added += added
        self.unchanged += unchanged
        self.revised += revised

    def close(self):
        self.rows = self.staging = None


class ArchiveRun:
    """What one run did to an archive: the counts, the archive's dates and gaps after it, the heat
    run itself, and whether this run created the archive."""

    def __init__(self, destination, archive, writer, run):
        self.destination, self.run = destination, run
        self.created = not archive.exists
        self.added, self.unchanged, self.revised = writer.added, writer.unchanged, writer.revised
        self.dates = destination.dates()
        self.gaps = gap_dates(self.dates)
        self.uppers = heat_layers.hourly_breaks(run)

    def summary(self):
        return tr("Archive {0}: {1:,} cell-days added, {2:,} answered alike, {3:,} revised; it spans {4} – {5}").format(
            self.destination.table, self.added, self.unchanged, self.revised, self.dates[0], self.dates[-1]
        )

    def gaps_text(self):
        if not self.gaps:
            return ""
        return tr("{0} date(s) inside the archive's span have no data (runs more than 10 days apart): {1}").format(
            len(self.gaps), ", ".join(d.isoformat() for d in self.gaps)
        )

    def incomplete_text(self):
        """One line: why the run is incomplete and what the archive kept; '' when it is complete."""
        run = self.run
        if run.complete:
            return ""
        if run.cancelled:
            why = tr("cancelled")
        else:
            first = run.stopped_by or run.unanswered[0][1]
            why = tr("{0} of {1} request(s) not answered ({2})").format(
                len(run.plan.requests) - run.requests_answered, len(run.plan.requests), str(first).splitlines()[0]
            )
        return tr(
            "Incomplete run: {0}. The archive keeps the {1:,} cell-days added and {2:,} revised so far; run it "
            "again to fetch the rest (answers already received come from the cache)."
        ).format(why, self.added, self.revised)

    def save_style(self, feedback=None):
        """The archive's first run gives it its style (classes from the first answers) and time
        settings as its default; later runs leave it."""
        if self.created:
            source, _ = self.destination.layer_source()
            save_default_style(source, lambda layer: heat_layers.style_hourly(layer, self.uppers), feedback)


def add_to_archive(
    plan, destination_text, config=None, is_cancelled=None, on_progress=None, log=None, report=None, network=None
):
    """The last 10 days of ``plan`` merged into the archive at ``destination_text`` through the one
    heat runner; the dock's task and ``crowdheat:heatarchive`` both call it. Raises InputError
    before any request when the destination or the plan does not fit the archive."""
    destination = Destination(destination_text)
    archive = Archive(destination)
    archive.check_sources(plan)
    writer = archive.writer()
    cache = archive.answers_cache()
    try:
        run = heat_run.run_plan(plan, writer, config, is_cancelled, on_progress, log, report, network, cache)
    finally:
        archive.close(writer)
        if cache is not None:
            cache.close()
    return ArchiveRun(destination, archive, writer, run)
