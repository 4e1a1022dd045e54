"""An archive in PostgreSQL, written by several machines at once (shards of one plan).

Each answer of each feature is one transaction of the writer's own connection: its rows are
COPied into a temporary staging table (the fastest way into PostgreSQL), then merged into the
archive by one ``INSERT … ON CONFLICT (cell_token, date)``, ordered by that key so that two
writers merging neighbouring answers take their row locks in the same order. A writer killed
mid-answer loses that answer's transaction and nothing else; the answer itself is in the ledger
(``core/answers_ledger.py``), so its rerun pays nothing for it. Creating the archive is
serialised by an advisory lock, so three shards starting at once make one table.

psycopg2 is QGIS's own dependency on Debian/Ubuntu (DB Manager) and in OSGeo4W.
"""

from __future__ import annotations

import datetime as dt
import io
import time

from qgis.PyQt.QtCore import QVariant

from ..core import heat_answer
from ..core.answers_ledger import KEEPALIVE, PostgresAnswers, lock_id
from ..core.errors import OutputError
from ..core.s2cells import cell_rings
from ..core.sql import name
from ..i18n import tr
from .archive_table import KEY, answer_columns, on_conflict
from .heat_layers import polygon_wkbs

DEADLOCK_TRIES = 5
COPY_CHUNK = 10_000  # cell-days per COPY: a few MB of text
_SQL_TYPES = {
    int(QVariant.Int): "integer",
    int(QVariant.LongLong): "bigint",
    int(QVariant.String): "text",
    int(QVariant.Date): "date",
    int(QVariant.DateTime): "timestamp",
    int(QVariant.Double): "double precision",
}


def connect(destination):
    """A psycopg2 connection to the archive's database (its password from QGIS's authentication
    database when the connection names one), with keepalives so a dead peer is noticed."""
    try:
        import psycopg2
    except ImportError:
        raise OutputError(
            tr(
                "A PostgreSQL archive needs the Python package psycopg2, which QGIS installs with DB Manager: "
                "install python3-psycopg2 (Debian/Ubuntu) or psycopg2 in QGIS's Python."
            )
        ) from None
    try:
        return psycopg2.connect(destination.uri.connectionInfo(True), **KEEPALIVE)
    except psycopg2.Error as exc:
        raise OutputError(
            tr("The archive's database cannot be reached ({0}): check the connection.").format(
                str(exc).strip().splitlines()[0]
            )
        ) from None


def ledger(destination):
    """The shared answers ledger in the archive's database and schema."""
    return PostgresAnswers(lambda: connect(destination), destination.schema)


def _column_sql(field):
    kind = field.type()
    return f"{name(field.name())} {_SQL_TYPES.get(int(kind), 'text')}"


def create(destination, fields, statements):
    """Create the archive (if missing) with ``fields``, then run ``statements`` (its key, indexes
    and sources table: ``archive_table.schema_statements``) and add its spatial index, one machine
    at a time. Returns whether this call created the archive."""
    db = connect(destination)
    try:
        with db, db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id(f"crowdheat archive {destination.qualified}"),))
            cursor.execute("SELECT to_regclass(%s)", (destination.qualified,))
            created = cursor.fetchone()[0] is None
            columns = ", ".join(_column_sql(f) for f in fields)
            table = destination.qualified
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (fid bigserial PRIMARY KEY, "
                f"geom geometry(Polygon, 4326), {columns})"
            )
            for statement in statements:
                cursor.execute(statement)
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name(destination.table + '_geom')} ON {table} USING gist (geom)"
            )
        return created
    finally:
        db.close()


class PostgresArchiveWriter:
    """The sink of a heat run into a PostgreSQL archive: one transaction per feature's answer."""

    def __init__(self, destination, fetched):
        self.destination = destination
        self.fetched = fetched
        self.db = connect(destination)
        self.added = self.unchanged = self.revised = 0
        with self.db, self.db.cursor() as cursor:
            # The archive's own column types, and the cells' WKB (made a geometry when merged).
            cursor.execute(
                "CREATE TEMP TABLE crowdheat_staging ON COMMIT DELETE ROWS AS "
                f"SELECT NULL::bytea AS geom, {answer_columns()} FROM {destination.qualified} WITH NO DATA"
            )

    def __call__(self, data):
        for attempt in range(1, DEADLOCK_TRIES + 1):
            try:
                self._merge(data)
                return
            except Exception as exc:  # psycopg2's errors: a deadlock between writers is tried again
                code = getattr(exc, "pgcode", None)
                if code not in ("40P01", "40001") or attempt == DEADLOCK_TRIES:
                    raise OutputError(
                        tr("The archive {0} refused an answer's rows: {1}").format(
                            self.destination.qualified, str(exc).strip().splitlines()[0]
                        )
                    ) from None
                time.sleep(0.05 * attempt)

    def _merge(self, data):
        table = self.destination.qualified
        columns = answer_columns()
        with self.db, self.db.cursor() as cursor:
            for text in _copy_chunks(data):
                cursor.copy_expert(f"COPY crowdheat_staging (geom, {columns}) FROM STDIN", io.StringIO(text))
            cursor.execute(
                f"INSERT INTO {table} (geom, {columns}, first_fetched, last_fetched, revisions) "
                f"SELECT ST_SetSRID(ST_GeomFromWKB(geom), 4326), {columns}, %s, %s, 0 FROM crowdheat_staging "
                f"ORDER BY {KEY} {on_conflict(table, postgres=True)} RETURNING (xmax = 0)",
                (self.fetched, self.fetched),
            )
            inserted = [row[0] for row in cursor.fetchall()]
        added = sum(1 for new in inserted if new)
        self.added += added
        self.revised += len(inserted) - added
        self.unchanged += data.cell_day_count - len(inserted)

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None


def _copy_chunks(data, chunk=COPY_CHUNK):
    """COPY's text format of one feature's answer, a line per cell-day (its WKB, then
    ``archive_table.ANSWER_COLUMNS`` in order), ``chunk`` lines at a time (an answer of 50,000
    cells × 10 days would be 120 MB of text at once)."""
    wkbs = ["\\\\x" + wkb.hex() for wkb in polygon_wkbs(cell_rings(data.ids, data.levels))]
    identity = [
        f"{token}\t{cell_id}\t{level}"
        for token, cell_id, level in zip(data.tokens, data.ids.tolist(), data.levels.tolist())
    ]
    days = {}
    for first in range(0, data.cell_day_count, chunk):
        lines = []
        for cell, ordinal, hours, total, peak in data.day_rows(first, first + chunk):
            day = days.get(ordinal)
            if day is None:
                start = heat_answer.day_start(ordinal)
                end = start + dt.timedelta(days=1)
                day = days[ordinal] = f"{start.date().isoformat()}\t{start.isoformat(' ')}\t{end.isoformat(' ')}"
            hours_text = "\t".join(map(str, hours))
            lines.append(f"{wkbs[cell]}\t{identity[cell]}\t{day}\t{hours_text}\t{total}\t{peak}\n")
        yield "".join(lines)
