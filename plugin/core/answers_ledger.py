"""The answers cache in a PostgreSQL database: the ledger of what has been paid for, shared by
every machine that writes the same archive.

An answer is keyed as in the local cache (``HeatCache.key``: service address, request body and
Beijing day) and stored compressed. Before a machine asks the service it *claims* the request: a
session-level advisory lock on the key. A second machine that wants the same request waits until
the claim is let go, then finds the answer stored and pays nothing. A claim is held from just
before the request is sent until its answer is stored (or has failed), and never longer than the
claiming connection lives: PostgreSQL lets go of a session's advisory locks when its connection
ends, so a worker killed mid-request frees its claims at once; one cut off from the network frees
them when the server's TCP keepalive gives up on it (``KEEPALIVE``: about a minute).

``connect()`` returns a DB-API connection to the database (psycopg2's, from ``gis``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from .answer_body import CompressedBody, compressed
from .errors import CancelledError
from .heat_cache import HeatCache
from .sql import name

TABLE = "crowdheat_answers"
POLL_S = 0.5  # how often a waiting machine looks again whether a claim was let go
# libpq's keepalive settings for the ledger's connection: a dead peer is found after ~60 s.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def lock_id(text: str) -> int:
    """The advisory lock of ``text`` (a cache key, a table's name): 63 bits of its SHA-1, a
    positive bigint."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:16], 16) & 0x7FFF_FFFF_FFFF_FFFF


CREATE_LOCK = lock_id(TABLE)


class PostgresAnswers:
    """The heat answers cache of a PostgreSQL archive (same interface as ``HeatCache``), with
    claims so that two machines never pay for one request."""

    key = staticmethod(HeatCache.key)

    def __init__(self, connect: Callable[[], Any], schema: str = "public", poll_s: float = POLL_S):
        self.db = connect()
        self.db.autocommit = True
        self.table = f"{name(schema)}.{TABLE}"
        self.poll_s = poll_s
        self.problem = ""
        self.path = f"{schema}.{TABLE}"
        self._held: set[int] = set()  # lock ids this connection holds
        with self.db.cursor() as cursor:
            # Two machines creating the table at once: the lock makes one wait for the other.
            cursor.execute("SELECT pg_advisory_lock(%s)", (CREATE_LOCK,))
            try:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table} (key text PRIMARY KEY, day date NOT NULL, "
                    "request text NOT NULL, answer bytea NOT NULL, saved timestamptz NOT NULL DEFAULT now())"
                )
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", (CREATE_LOCK,))

    @property
    def usable(self):
        return self.db is not None

    def _one(self, sql, args=()):
        with self.db.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchone()

    def get(self, base_url, body, day):
        row = self._one(f"SELECT answer FROM {self.table} WHERE key = %s", (self.key(base_url, body, day),))
        return CompressedBody.from_compressed(bytes(row[0])) if row else None

    def put(self, base_url, body, day, content):
        key = self.key(base_url, body, day)
        with self.db.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (key, day, request, answer) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, saved = now()",
                (key, day.isoformat(), json.dumps(body, sort_keys=True), compressed(content)),
            )
        self.release(base_url, body, day)

    def claim(self, base_url, body, day, is_cancelled=None):
        """Wait until this machine holds the request's claim (then None: ask the service, then
        :meth:`put` or :meth:`release`) or another machine has stored its answer (then the answer)."""
        key = self.key(base_url, body, day)
        lock = lock_id(key)
        while True:
            if self._one("SELECT pg_try_advisory_lock(%s)", (lock,))[0]:
                self._held.add(lock)
                content = self.get(base_url, body, day)  # stored by the claim's last holder?
                if content is not None:
                    self.release(base_url, body, day)
                return content
            content = self.get(base_url, body, day)
            if content is not None:
                return content
            if is_cancelled is not None and is_cancelled():
                raise CancelledError()
            time.sleep(self.poll_s)

    def release(self, base_url, body, day):
        lock = lock_id(self.key(base_url, body, day))
        if lock in self._held:
            self._held.discard(lock)
            self._one("SELECT pg_advisory_unlock(%s)", (lock,))

    def count(self):
        return int(self._one(f"SELECT COUNT(*) FROM {self.table}")[0])

    def size_bytes(self):
        return int(self._one(f"SELECT COALESCE(SUM(LENGTH(answer)), 0) FROM {self.table}")[0])

    def close(self):
        """Closing the connection lets go of every claim still held (a cancelled run's)."""
        if self.db is not None:
            self.db.close()
            self.db = None
