"""Python's cyclic garbage collector, paused while a worker thread makes many short-lived objects.

A full collection walks every object of the process (QGIS's own Python objects too) holding the
GIL. Triggered by the allocations of parsing one 10,000-cell answer, it froze QGIS's UI thread for
~110 ms offscreen and ~300 ms in the desktop. The objects a parse or a chunk of features makes die
by reference counting as soon as it ends, so pausing the collector meanwhile skips only useless
work (and the parse itself is twice as fast). Pauses are counted across threads: the collector
resumes when the last one ends, and only if it was on before the first.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
