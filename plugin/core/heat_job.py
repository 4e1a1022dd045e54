"""The one way to fetch heat for a list of fences; Processing and the dock both call it.

Partial results survive: a fence that fails is recorded and the others go on; an error that
would repeat for every fence (token refused, no network) or a cancel stops the run and
returns what was fetched so far.
"""

import time
from dataclasses import dataclass, field

from . import fence as fence_rules
from .errors import AuthError, CancelledError, ConfigurationError, CrowdHeatError, NetworkError


@dataclass
class HeatRun:
    results: list = field(default_factory=list)      # HeatData, one per fence that succeeded
    failures: list = field(default_factory=list)     # (Fence, CrowdHeatError)
    cancelled: bool = False
    stopped_by: CrowdHeatError = None                # the error that ended the run early
    seconds: float = 0.0

    @property
    def cell_count(self):
        return sum(r.cell_count for r in self.results)

    @property
    def day_count(self):
        return sum(r.day_count for r in self.results)

    def date_range(self):
        ranges = [r.date_range() for r in self.results if r.date_range()]
        if not ranges:
            return None
        return min(a for a, _ in ranges), max(b for _, b in ranges)

    def total_heat(self):
        return int(sum(int(r.day_heat.sum()) for r in self.results))

    def problems(self):
        return [p for r in self.results for p in r.problems]


def check_fences(fences, cell_level):
    """Every check made before a request; raises the first problem, with numbers. Returns the level."""
    level = fence_rules.check_cell_level(cell_level)
    if not fences:
        raise fence_rules.FenceError("There is no fence to fetch: select at least one polygon feature "
                                     "(or draw a circle).")
    for one in fences:
        fence_rules.check_limits(one)
    return level


def fetch_heat(client, fences, cell_level=None, is_cancelled=None, on_progress=None, log=None):
    """Fetch every fence in turn. ``on_progress(fraction)``; ``log(message)`` for per-fence news."""
    started = time.monotonic()
    level = check_fences(fences, cell_level)
    run = HeatRun()
    log = log or (lambda message: None)
    for n, one in enumerate(fences):
        name = one.label or f"fence {one.fence_id}"

        def progress(received, total, n=n):
            if on_progress and total:
                on_progress((n + min(1.0, received / total)) / len(fences))

        try:
            data = client.heat_map(one, level, is_cancelled=is_cancelled, on_progress=progress)
        except CancelledError:
            run.cancelled = True
            break
        except (AuthError, ConfigurationError, NetworkError) as exc:
            run.failures.append((one, exc))
            run.stopped_by = exc
            break
        except CrowdHeatError as exc:
            run.failures.append((one, exc))
            log(f"{name}: {exc}")
        else:
            run.results.append(data)
            log(f"{name}: {data.cell_count} cells, {data.day_count} cell-days "
                f"(response_id {data.response_id or '-'})")
            for problem in data.problems:
                log(f"{name}: {problem}")
        if on_progress:
            on_progress((n + 1) / len(fences))
    run.seconds = time.monotonic() - started
    return run
