"""How long the UI thread could not run anything: a QTimer ticks every ``period_ms`` on it, and
each gap between two ticks longer than the period is time when a click or a repaint would have
waited. Used by the widget test, the real-desktop test (tests/desktop/drive_qgis.py) and
``make bench``."""

import time

from qgis.PyQt.QtCore import QTimer


class Heartbeat:
    def __init__(self, period_ms=10):
        self.period_ms = period_ms
        self.gaps = []
        self.ends = []
        self.started = self._last = None
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)

    def start(self):
        self.gaps.clear()
        self.ends = []  # when each gap ended, seconds after start
        self.started = self._last = time.monotonic()
        self._timer.start(self.period_ms)
        return self

    def stop(self):
        self._timer.stop()
        return self

    def _tick(self):
        now = time.monotonic()
        self.gaps.append(now - self._last)
        self.ends.append(now - self.started)
        self._last = now

    @property
    def longest_ms(self):
        return max(self.gaps, default=0.0) * 1000

    @property
    def p99_ms(self):
        ordered = sorted(self.gaps)
        return ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else 0.0

    def summary(self):
        return {
            "heartbeat_ms": self.period_ms,
            "ticks": len(self.gaps),
            "longest_ms": round(self.longest_ms),
            "p99_ms": round(self.p99_ms),
            # when the longest gap ended, seconds after start (where to look for its cause)
            "longest_at_s": round(self.ends[self.gaps.index(max(self.gaps))], 2) if self.gaps else None,
        }
