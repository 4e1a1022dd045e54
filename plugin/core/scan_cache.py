"""A persistent cache of the service's answers, so that a rerun spends no quota twice.

Keyed by the normalised scan (what the service sees, without ctime) and the requested system.
Only definitive answers are kept (located or not found), never transient errors.
"""

import hashlib
import json
import sqlite3
import time


class ScanCache:
    def __init__(self, path):
        self.path = str(path)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, coor TEXT NOT NULL, "
                        "answer TEXT NOT NULL, saved REAL NOT NULL)")
        self.db.commit()

    @staticmethod
    def key(scan_key, coor):
        return hashlib.sha1(f"{coor}\n{scan_key}".encode("utf-8")).hexdigest()

    def get(self, scan_key, coor):
        row = self.db.execute("SELECT answer FROM answers WHERE key = ?", (self.key(scan_key, coor),)).fetchone()
        return json.loads(row[0]) if row else None

    def put_many(self, entries, coor):
        """entries: [(scan_key, answer dict)]; committed at once (one transaction per batch)."""
        now = time.time()
        self.db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                            [(self.key(k, coor), coor, json.dumps(a, ensure_ascii=False), now) for k, a in entries])
        self.db.commit()

    def count(self):
        return self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def clear(self):
        self.db.execute("DELETE FROM answers")
        self.db.commit()

    def close(self):
        self.db.close()
