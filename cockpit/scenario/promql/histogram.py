"""histogram_quantile over classic ``_bucket`` series, as Prometheus 2.42 computes it.

Linear interpolation inside the bucket holding the rank, the +Inf bucket
required, equal bounds merged and counts forced monotonic, so the p99 panel
matches a real server even when extrapolated bucket rates wobble.
"""

from __future__ import annotations

import math


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """The q-quantile from (upper bound, cumulative count) pairs."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    buckets = sorted(buckets, key=lambda b: b[0])
    if not buckets or not math.isinf(buckets[-1][0]) or buckets[-1][0] < 0:
        return math.nan
    merged: list[list[float]] = []
    for upper, count in buckets:
        if merged and merged[-1][0] == upper:
            merged[-1][1] += count
        else:
            merged.append([upper, count])
    highest = -math.inf
    for b in merged:   # ensureMonotonic
        if b[1] > highest:
            highest = b[1]
        elif b[1] < highest:
            b[1] = highest
    if len(merged) < 2:
        return math.nan
    observations = merged[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    counts = [b[1] for b in merged[:-1]]
    # sort.Search(len-1, count >= rank): first index whose count reaches the rank
    idx = _search(counts, rank)
    if idx == len(merged) - 1:
        return merged[-2][0]
    if idx == 0 and merged[0][0] <= 0:
        return merged[0][0]
    bucket_start = 0.0
    bucket_end = merged[idx][0]
    count = merged[idx][1]
    if idx > 0:
        bucket_start = merged[idx - 1][0]
        count -= merged[idx - 1][1]
        rank -= merged[idx - 1][1]
    return bucket_start + (bucket_end - bucket_start) * (rank / count)


def _search(counts: list[float], rank: float) -> int:
    """Go's sort.Search(len(counts), counts[i] >= rank): a binary search, NaN included."""
    lo, hi = 0, len(counts)
    while lo < hi:
        mid = (lo + hi) // 2
        if not counts[mid] >= rank:
            lo = mid + 1
        else:
            hi = mid
    return lo
