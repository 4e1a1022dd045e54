"""The archive's table as both writers make and merge it (a GeoPackage's through QGIS, a
PostgreSQL one's through ``archive_postgres``): its fields, its key and indexes, the table of
what fed it, and the one rule by which an answer's rows are merged into it."""

from ..core.sql import name
from . import heat_layers
from .compat import fields_of
from .heat_layers import HOUR_FIELDS

DEFAULT_TABLE = "heat_archive"
SOURCES_TABLE = "crowdheat_archive_sources"
KEY = "cell_token, date"  # one row per cell and date: the unique index and the upsert's conflict
# What an archive row holds besides the hourly layer's fields (fence_id is not kept: a cell's heat
# on a date is the same for every feature it lies in).
EXTRA_FIELDS = [
    ("first_fetched", "datetime", "when this cell-day was first fetched (UTC)"),
    ("last_fetched", "datetime", "when its current numbers were fetched (UTC)"),
    ("revisions", "int", "times the service answered it differently since"),
]
# What an answer gives each row, in this order (the staging tables', the COPY lines').
ANSWER_COLUMNS = ["cell_token", "cell_id", "level", "date", "start", "end", *HOUR_FIELDS, "day_heat", "peak_hour"]


def archive_fields():
    fields = heat_layers.hourly_fields()
    fields.remove(fields.indexFromName("fence_id"))
    for field in fields_of(EXTRA_FIELDS):
        fields.append(field)
    return fields


def answer_columns():
    """The answer's columns as SQL names them, comma-separated."""
    return ", ".join(name(column) for column in ANSWER_COLUMNS)


def schema_statements(destination):
    """The key (a unique index: the database refuses a second row for a cell-day), the date index
    and the sources table, each created if missing."""
    table = destination.qualified
    return [
        f"CREATE UNIQUE INDEX IF NOT EXISTS {name(destination.table + '_cell_date')} ON {table} ({KEY})",
        f"CREATE INDEX IF NOT EXISTS {name(destination.table + '_date')} ON {table} (date)",
        f"CREATE TABLE IF NOT EXISTS {destination.qualify(SOURCES_TABLE)} (archive TEXT PRIMARY KEY, level INTEGER, "
        "features TEXT, feature_count INTEGER, names TEXT, first_run TEXT, last_run TEXT)",
    ]


def hours_differ(postgres, old, new):
    """SQL true when any hour of row ``old`` differs from that of row ``new`` (NULLs compare as values)."""
    operator = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " OR ".join(f"{old}.{h} {operator} {new}.{h}" for h in HOUR_FIELDS)


def on_conflict(table, postgres):
    """The merge rule: a cell-day answered alike is left alone; answered differently, its numbers
    are replaced, ``last_fetched`` set and ``revisions`` counted."""
    updates = ", ".join(f"{h} = excluded.{h}" for h in (*HOUR_FIELDS, "day_heat", "peak_hour"))
    return (
        f"ON CONFLICT ({KEY}) DO UPDATE SET {updates}, last_fetched = excluded.last_fetched, "
        f"revisions = {table}.revisions + 1 WHERE {hours_differ(postgres, table, 'excluded')}"
    )
