"""A persistent cache of Baidu's answers, so that a rerun spends no quota twice.

Keyed by the normalised scan (what the service sees, without ctime) and the requested system.
Which answers are kept, and for how long, is decided by the scan job (``scan_job.cached_answer``).
"""

import hashlib
import json
import time

from .sqlite_store import SqliteStore


class ScanCache(SqliteStore):
    TABLE = "answers"
    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, coor TEXT NOT NULL, "
        "answer TEXT NOT NULL, saved REAL NOT NULL)"
    )

    @staticmethod
    def key(scan_key, coor):
        return hashlib.sha1(f"{coor}\n{scan_key}".encode("utf-8")).hexdigest()

    def get(self, scan_key, coor):
        """(answer, saved time) or None."""
        row = self._read("SELECT answer, saved FROM answers WHERE key = ?", (self.key(scan_key, coor),))
        return (json.loads(row[0]), row[1]) if row else None

    def put_many(self, entries, coor):
        """entries: [(scan_key, answer dict)]; committed at once (one transaction per batch)."""
        now = time.time()
        self._put(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
            [(self.key(k, coor), coor, json.dumps(a, ensure_ascii=False), now) for k, a in entries],
        )
