"""Shards: one plan split among N machines, each request in exactly one part.

Every machine makes the same plan from the same input (planning is deterministic), then keeps its
part. The rule depends on the plan alone: requests are ordered along the Hilbert curve (the S2 leaf
id of the fence's centre, then the request body, so that ties are broken the same everywhere) and
cut into N runs of consecutive requests holding about the same number of expected cells. Shards
are therefore compact areas, and the N of them together are exactly the unsplit plan.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from . import s2cells
from .errors import InputError
from .fence import expected_cell_count


@dataclass(frozen=True)
class Shard:
    index: int  # k, from 1
    count: int  # N

    @classmethod
    def parse(cls, text: str | None) -> Shard:
        """``k/N`` (``1/1``, the whole plan, when empty); InputError otherwise."""
        text = (text or "").strip() or "1/1"
        match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", text)
        if match:
            index, count = int(match.group(1)), int(match.group(2))
            if 1 <= index <= count <= 10_000:
                return cls(index, count)
        raise InputError(
            f"SHARD '{text}' is not k/N with 1 ≤ k ≤ N (for example 2/3, the second of three machines); "
            "use 1/1 to run the whole plan on one machine."
        )

    @property
    def whole(self) -> bool:
        return self.count == 1

    def __str__(self):
        return f"{self.index}/{self.count}"


def request_weight(request, level: int | None) -> float:
    """What a request costs a machine: its expected cells at ``level`` (its area in km² when the
    service chooses the level)."""
    if level:
        return float(expected_cell_count(request.fence, level))
    return request.fence.area_m2() / 1e6


def _order_key(request):
    lng, lat = request.fence.centroid()
    body = json.dumps(request.fence.request_body(), sort_keys=True, separators=(",", ":"))
    return s2cells.leaf_id(lng, lat), body


def request_weights(plan) -> list[float]:
    """Each request's :func:`request_weight`, in the plan's order."""
    return [request_weight(request, plan.level) for request in plan.requests]


def assign(plan, count: int, weights: list[float] | None = None) -> list[int]:
    """The shard (1..count) of each request of ``plan``, in the plan's order (``weights``: the
    plan's :func:`request_weights`, when already made)."""
    weights = request_weights(plan) if weights is None else weights
    order = sorted(range(len(plan.requests)), key=lambda i: _order_key(plan.requests[i]))
    ordered = [max(weights[i], 1e-9) for i in order]
    total = sum(ordered)
    shards = [0] * len(plan.requests)
    before = 0.0
    for i, weight in zip(order, ordered):
        # The request's middle decides: consecutive runs, each about total / count heavy.
        shards[i] = min(count, int((before + weight / 2) * count / total) + 1)
        before += weight
    return shards


@dataclass
class ShardShare:
    """What a shard holds of its plan, for the log before anything is sent."""

    shard: Shard
    requests: int
    total_requests: int
    weight: float
    total_weight: float
    level: int | None

    def text(self) -> str:
        unit = "cells" if self.level else "km²"
        share = 100.0 * self.weight / self.total_weight if self.total_weight else 0.0
        return (
            f"Shard {self.shard}: {self.requests:,} of the plan's {self.total_requests:,} request(s), "
            f"about {self.weight:,.0f} of {self.total_weight:,.0f} {unit} ({share:.0f}%)."
        )


def take(plan, shard: Shard):
    """(the plan of ``shard``'s requests, its share). Its features are the whole plan's (an archive
    checks them), its requests keep their numbers."""
    weights = request_weights(plan)
    if shard.whole:
        return plan, ShardShare(shard, len(plan.requests), len(plan.requests), sum(weights), sum(weights), plan.level)
    shards = assign(plan, shard.count, weights)
    kept = [r for r, s in zip(plan.requests, shards) if s == shard.index]
    weight = sum(w for w, s in zip(weights, shards) if s == shard.index)
    share = ShardShare(shard, len(kept), len(plan.requests), weight, sum(weights), plan.level)
    if not kept:
        raise InputError(
            f"Shard {shard} holds none of the plan's {len(plan.requests):,} request(s): split it into at most "
            f"{len(plan.requests):,} shards."
        )
    return dataclasses.replace(plan, requests=kept, notes=list(plan.notes), warnings=list(plan.warnings)), share
