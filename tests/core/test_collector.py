"""The garbage collector's pause (core/collector.py): counted across threads, state restored."""

import gc
import threading

from crowdheat.plugin.core import collector


def test_pauses_overlapping_in_two_threads_resume_collection_only_after_the_last():
    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()

    def second():
        first_in.wait()
        with collector.paused():
            assert not gc.isenabled()
        second_done.set()

    worker = threading.Thread(target=second)
    worker.start()
    with collector.paused():
        first_in.set()
        second_done.wait()
        assert not gc.isenabled()  # the other thread's pause ended, this one still holds
    worker.join()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
