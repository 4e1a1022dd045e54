"""A small SQLite file that never stops a run (both answer caches are one).

Another program may hold the file locked (a second QGIS, a sync client, a backup). Each call
waits up to ``busy_timeout_s`` for the lock and is tried again a few times; after that the store
is given up for the run, and ``problem`` says why, once.
"""

import sqlite3
import time

BUSY_TIMEOUT_S = 5.0
TRIES = 3


class SqliteStore:
    # CREATE TABLE IF NOT EXISTS …, of the subclass (one statement, or a tuple of them)
    SCHEMA: str | tuple[str, ...] = ""
    TABLE = ""

    def __init__(self, path, busy_timeout_s=BUSY_TIMEOUT_S, tries=TRIES):
        self.path = str(path)
        self.busy_timeout_s = busy_timeout_s
        self.tries = tries
        self.problem = ""  # why the store is not used any more ('' while it works)
        self.db = None
        try:
            self.db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False)
        except sqlite3.Error as exc:
            self._give_up(exc)
            return
        statements = (self.SCHEMA,) if isinstance(self.SCHEMA, str) else self.SCHEMA
        self._atomic(lambda db: [db.execute(statement) for statement in statements])

    @property
    def usable(self):
        return self.db is not None and not self.problem

    def count(self):
        return self.db.execute(f"SELECT COUNT(*) FROM {self.TABLE}").fetchone()[0] if self.usable else 0

    def clear(self):
        """Forget everything; False (and ``problem`` says why) when the file cannot be written."""
        return self._atomic(lambda db: db.execute(f"DELETE FROM {self.TABLE}") is not None, default=False)

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None

    def _read(self, sql, args):
        """One row, or None (also when the store is, or becomes, unusable)."""
        if not self.usable:
            return None
        try:
            return self._retried(lambda: self.db.execute(sql, args).fetchone())
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None

    def _put(self, sql, rows):
        if rows:
            self._atomic(lambda db: db.executemany(sql, rows))

    def _atomic(self, work, default=None):
        """``work(db)`` in one write transaction, taken at once (BEGIN IMMEDIATE) so that two
        programs deciding on the same rows take turns, tried again while the file is locked;
        ``default`` when the store is, or becomes, unusable (``problem`` says why)."""
        if not self.usable:
            return default

        def transaction():
            try:
                self.db.execute("BEGIN IMMEDIATE")
                result = work(self.db)
                self.db.commit()
                return result
            except sqlite3.Error:
                self.db.rollback()
                raise

        try:
            return self._retried(transaction)
        except sqlite3.Error as exc:
            self._give_up(exc)
            return default

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
            self.problem = (
                f"The answers cache {self.path} cannot be used ({exc}); the run goes on without it, "
                "so these answers will be asked for again by a rerun. Close the program that holds "
                "the file (another QGIS?), or choose another cache file."
            )
