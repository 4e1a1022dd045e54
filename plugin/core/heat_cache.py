"""A persistent cache of Jike's heat answers: a rerun, or a run after a crash, asks only for what
is missing, and a rerun on the same day asks for nothing.

The service answers for the days T-14..T-3 of the day it is asked on (Beijing time), so an
answer is keyed by the exact request (service address, body) and that day. Answers are stored
compressed, once they have been parsed without error, before anything is written out.
"""

import hashlib
import json
import time

from .answer_body import CompressedBody, compressed
from .sqlite_store import SqliteStore


class HeatCache(SqliteStore):
    TABLE = "heat_answers"
    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS heat_answers (key TEXT PRIMARY KEY, day TEXT NOT NULL, "
        "request TEXT NOT NULL, answer BLOB NOT NULL, saved REAL NOT NULL)"
    )

    @staticmethod
    def key(base_url, body, day):
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha1(f"{base_url}\n{day.isoformat()}\n{text}".encode("utf-8")).hexdigest()

    def get(self, base_url, body, day):
        """The answer (a CompressedBody, read back a window at a time), or None."""
        row = self._read("SELECT answer FROM heat_answers WHERE key = ?", (self.key(base_url, body, day),))
        return CompressedBody.from_compressed(row[0]) if row else None

    def put(self, base_url, body, day, content):
        self._put(
            "INSERT OR REPLACE INTO heat_answers VALUES (?, ?, ?, ?, ?)",
            [
                (
                    self.key(base_url, body, day),
                    day.isoformat(),
                    json.dumps(body, sort_keys=True),
                    compressed(content),
                    time.time(),
                )
            ],
        )  # level 1: ~5x smaller, fast enough to not show in a run

    def claim(self, base_url, body, day, is_cancelled=None):
        """A local cache has one user at a time: nothing to wait for (see core/answers_ledger.py)."""
        return None

    def release(self, base_url, body, day):
        pass

    def size_bytes(self):
        if not self.usable:
            return 0
        row = self._read("SELECT COALESCE(SUM(LENGTH(answer)), 0) FROM heat_answers", ())
        return int(row[0]) if row else 0
