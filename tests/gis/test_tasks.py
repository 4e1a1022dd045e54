"""The dock's task helpers on QGIS's real task manager: Latest reports only the newest task, and a
burst of changes starts one task, when it ends."""

from crowdheat.plugin.gis.tasks import JobTask, Latest


class Job:
    def __init__(self, value, made):
        self.value = value
        made.append(value)

    def run(self, is_cancelled):
        return self.value


def test_a_burst_of_changes_starts_one_task_and_reports_it_once(qtbot):
    made, heard = [], []
    latest = Latest(lambda task: heard.append(task.result))
    for n in range(20):  # as fast as keystrokes: each call replaces the one before
        latest.start_after_burst(lambda n=n: JobTask("burst", Job(n, made), latest.ended))
    assert latest.busy and latest.task is None and made == []  # nothing started during the burst
    qtbot.waitUntil(lambda: not latest.busy, timeout=30000)
    assert made == [19] and heard == [19]


def test_a_newer_task_replaces_the_one_before_which_is_not_reported(qtbot):
    made, heard = [], []
    latest = Latest(lambda task: heard.append(task.result))
    for n in range(5):
        latest.start(JobTask("newest", Job(n, made), latest.ended))
    qtbot.waitUntil(lambda: not latest.busy, timeout=30000)
    assert heard == [4]


def test_cancel_drops_a_task_still_waiting_for_its_burst(qtbot):
    made = []
    latest = Latest(lambda task: None)
    latest.start_after_burst(lambda: JobTask("dropped", Job(1, made), latest.ended))
    latest.cancel()
    qtbot.wait(400)
    assert made == [] and not latest.busy
