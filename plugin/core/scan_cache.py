"""A persistent cache of Baidu's answers, so that a rerun spends no quota twice.

Keyed by the normalised scan (what the service sees, without ctime) and the requested system.
Which answers are kept, and for how long, is decided by the scan job (``scan_job.cached_answer``).

Several runs may share one cache file (two QGIS, the dock and a batch): a run *claims* the scans
it is about to send, and a scan claimed by another run is waited for, not paid for twice. A
claim lasts until its answer is saved or its run lets it go; its run renews it while its requests
are out. A run that was killed leaves claims that expire after ``ttl_s``, or at once when it ran
on this machine (its process is gone).
"""

import hashlib
import json
import os
import socket
import time

from .sqlite_store import SqliteStore


class ScanCache(SqliteStore):
    TABLE = "answers"
    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, coor TEXT NOT NULL, "
        "answer TEXT NOT NULL, saved REAL NOT NULL)",
        "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, until REAL NOT NULL)",
    )

    @staticmethod
    def key(scan_key, coor):
        return hashlib.sha1(f"{coor}\n{scan_key}".encode("utf-8")).hexdigest()

    def get(self, scan_key, coor):
        """(answer, saved time) or None."""
        row = self._read("SELECT answer, saved FROM answers WHERE key = ?", (self.key(scan_key, coor),))
        return (json.loads(row[0]), row[1]) if row else None

    def put_many(self, entries, coor):
        """entries: [(scan_key, answer dict)]; committed at once (one transaction per batch), with
        the claims on them let go."""
        if not entries:
            return
        now = time.time()
        rows = [(self.key(k, coor), coor, json.dumps(a, ensure_ascii=False), now) for k, a in entries]

        def save(db):
            db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", rows)
            db.executemany("DELETE FROM claims WHERE key = ?", [row[:1] for row in rows])

        self._atomic(save)

    def claim(self, scan_keys, coor, owner, ttl_s, answered_since):
        """The scan keys now claimed by ``owner`` (all of them when the store is unusable): those
        nobody else holds (or whose claim expired) and with no answer saved since
        ``answered_since`` (another run's, saved after this one looked); for ``ttl_s`` at most."""
        keys = {self.key(k, coor): k for k in scan_keys}

        def take(db):
            now = time.time()
            db.execute("DELETE FROM claims WHERE until < ?", (now,))
            holders = {who for k in keys for (who,) in db.execute("SELECT owner FROM claims WHERE key = ?", (k,))}
            gone = [(who,) for who in holders if who != owner and _process_gone(who)]
            db.executemany("DELETE FROM claims WHERE owner = ?", gone)
            db.executemany("INSERT OR IGNORE INTO claims VALUES (?, ?, ?)", [(k, owner, now + ttl_s) for k in keys])
            ours = "SELECT 1 FROM claims WHERE key = ? AND owner = ?"
            answered = "SELECT 1 FROM answers WHERE key = ? AND saved >= ?"
            taken = {k for k in keys if db.execute(ours, (k, owner)).fetchone()}
            late = {k for k in taken if db.execute(answered, (k, answered_since)).fetchone()}
            db.executemany("DELETE FROM claims WHERE key = ? AND owner = ?", [(k, owner) for k in late])
            return {keys[k] for k in taken - late}

        return self._atomic(take, default=set(scan_keys))

    def renew(self, owner, ttl_s):
        """``owner``'s claims last ``ttl_s`` from now (its requests are still out)."""
        self._atomic(lambda db: db.execute("UPDATE claims SET until = ? WHERE owner = ?", (time.time() + ttl_s, owner)))

    def release(self, scan_keys, coor, owner):
        """Let go of ``owner``'s claims on these scans (sent without an answer worth keeping)."""
        rows = [(self.key(k, coor), owner) for k in scan_keys]
        if rows:
            self._atomic(lambda db: db.executemany("DELETE FROM claims WHERE key = ? AND owner = ?", rows))


def claim_owner(run_id):
    """How a run is named in the claims: this machine, this process, the run."""
    return f"{socket.gethostname()}/{os.getpid()}/{run_id}"


def _process_gone(owner):
    """True when ``owner`` ran on this machine in a process that has ended (POSIX: signal 0
    probes without touching it; elsewhere the claim's expiry decides)."""
    host, _, rest = owner.partition("/")
    pid = rest.partition("/")[0]
    if os.name != "posix" or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        pass
    return False
