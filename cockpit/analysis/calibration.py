"""Does "80 %" mean right four times in five? A reliability table says.

Confidences from :mod:`cockpit.analysis.offline` are checked against scenarios whose
answer is known: hypotheses are binned by confidence and each bin's mean confidence is
set beside its accuracy. A well-calibrated analyzer has the two close; the scoring
test prints the table and fails when confident answers are wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EDGES = (0.0, 0.3, 0.5, 0.7, 0.9, 1.0)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


def reliability(pairs: Iterable[tuple[float, bool]], edges: Sequence[float] = EDGES) -> list[Bin]:
    """(confidence, was it right) pairs binned by confidence; empty bins are left out."""
    items = list(pairs)
    out = []
    for i, (low, high) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        inside = [(c, ok) for c, ok in items if low <= c < high or (last and c == high)]
        if inside:
            out.append(Bin(low, high, len(inside), sum(c for c, _ in inside) / len(inside),
                           sum(ok for _, ok in inside) / len(inside)))
    return out


def format_table(bins: Sequence[Bin]) -> str:
    rows = ["confidence    n  mean conf  accuracy"]
    rows += [f"{b.low:.1f}-{b.high:.1f}  {b.count:>5}  {b.mean_confidence:>9.2f}  "
             f"{b.accuracy:>8.2f}" for b in bins]
    return "\n".join(rows)
