"""A persistent cache of the service's answers, so that a rerun spends no quota twice.

Keyed by the normalised scan (what the service sees, without ctime) and the requested system.
Which answers are kept, and for how long, is decided by the scan job (``scan_job.cacheable``).

The cache never stops a run: another program may hold the file locked (a second QGIS, a sync
client, a backup). Each call waits up to ``busy_timeout_s`` for the lock and is tried again a
few times; after that the run goes on without the cache, and ``problem`` says why, once.
"""

import hashlib
import json
import sqlite3
import time

BUSY_TIMEOUT_S = 5.0
TRIES = 3


class ScanCache:
    def __init__(self, path, busy_timeout_s=BUSY_TIMEOUT_S, tries=TRIES):
        self.path = str(path)
        self.busy_timeout_s = busy_timeout_s
        self.tries = tries
        self.problem = ""   # why the cache is not used any more ('' while it works)
        self.db = None
        try:
            self.db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False)
            self._retried(lambda: self._write("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, "
                                              "coor TEXT NOT NULL, answer TEXT NOT NULL, saved REAL NOT NULL)"))
        except sqlite3.Error as exc:
            self._give_up(exc)

    @property
    def usable(self):
        return self.db is not None and not self.problem

    @staticmethod
    def key(scan_key, coor):
        return hashlib.sha1(f"{coor}\n{scan_key}".encode("utf-8")).hexdigest()

    def get(self, scan_key, coor):
        """(answer, saved time) or None."""
        if not self.usable:
            return None
        try:
            row = self._retried(lambda: self.db.execute("SELECT answer, saved FROM answers WHERE key = ?",
                                                        (self.key(scan_key, coor),)).fetchone())
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None
        return (json.loads(row[0]), row[1]) if row else None

    def put_many(self, entries, coor):
        """entries: [(scan_key, answer dict)]; committed at once (one transaction per batch)."""
        if not self.usable or not entries:
            return
        now = time.time()
        rows = [(self.key(k, coor), coor, json.dumps(a, ensure_ascii=False), now) for k, a in entries]
        try:
            self._retried(lambda: self._write("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", rows))
        except sqlite3.Error as exc:
            self._give_up(exc)

    def count(self):
        return self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] if self.usable else 0

    def clear(self):
        """Forget every answer; False (and ``problem`` says why) when the file cannot be written."""
        if not self.usable:
            return False
        try:
            self._retried(lambda: self._write("DELETE FROM answers"))
        except sqlite3.Error as exc:
            self._give_up(exc)
            return False
        return True

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None

    def _write(self, sql, rows=None):
        try:
            if rows is None:
                self.db.execute(sql)
            else:
                self.db.executemany(sql, rows)
            self.db.commit()
        except sqlite3.Error:
            self.db.rollback()
            raise

    def _retried(self, call):
        for attempt in range(1, self.tries + 1):
            try:
                return call()
            except sqlite3.OperationalError as exc:  # locked or busy: wait, then once more
                if attempt == self.tries or "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.1 * attempt)
        return None  # pragma: no cover - the loop returns or raises

    def _give_up(self, exc):
        if not self.problem:
            self.problem = (f"The answers cache {self.path} cannot be used ({exc}); the run goes on without it, "
                            "so these answers will be asked for again by a rerun. Close the program that holds "
                            "the file (another QGIS?), or choose another cache file.")
