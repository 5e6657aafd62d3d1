"""Mining a batch counts exactly what mining its lines one by one counts.

The worker mines rows a batch at a time and groups the counting per (template, bucket,
pod, level); the counts, buckets, first/last seen, pods (with the ``(other)`` overflow),
levels and examples must come out as if each line had been added alone, in order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.analysis.patterns import PatternMiner

WORDS = ["connection timeout after 30s", "GET /api/v1/users/42 200",
         "GET /api/v1/users/7 200", "upstream payment-service healthy (rtt=9ms)",
         "order 5e5a50c3c648 failed", "order 1cea50da318c failed", "shutting down"]

rows = st.lists(st.tuples(
    # few distinct times: batches in order, out of order, and later than the next batch
    st.integers(0, 40).map(lambda s: 1_700_000_000 + s * 1.5),
    st.sampled_from(["pod-a", "pod-b", "pod-c", "pod-d"]),
    st.sampled_from(WORDS),
    st.sampled_from(["info", "error", ""])), max_size=60)


def _miner(examples: int) -> PatternMiner:
    # few sources and examples, small buckets: the overflow and eviction paths get used
    return PatternMiner(bucket_seconds=7.0, buckets=5, max_sources=2, examples=examples)


@settings(max_examples=300, deadline=None)
@given(rows, st.lists(st.integers(1, 20), min_size=1, max_size=8),
       st.sampled_from([1.0, 4.0]), st.sampled_from([1, 2]))
def test_batches_count_like_single_lines(given_rows: list[tuple[float, str, str, str]],
                                         cuts: list[int], weight: float, examples: int) -> None:
    single, batched = _miner(examples), _miner(examples)
    one_by_one = [single.add_fields(*row, weight) for row in given_rows]
    ids: list[int] = []
    at, turn = 0, 0
    while at < len(given_rows):  # batches of the drawn sizes, in turn
        size = cuts[turn % len(cuts)]
        ids += batched.add_rows(given_rows[at:at + size], weight)
        at, turn = at + size, turn + 1
    assert ids == one_by_one
    assert batched.snapshot().to_dict() == single.snapshot().to_dict()


def test_a_batch_sets_first_and_last_seen_from_its_lines() -> None:
    miner = PatternMiner()
    line = "shutting down"
    (tid, *_) = miner.add_rows([(30.0, "p", line, ""), (10.0, "p", line, ""),
                                (20.0, "p", line, "")])
    miner.add_rows([(5.0, "p", line, ""), (8.0, "p", line, "")])  # in order, before the first
    (stats,) = miner.snapshot().templates
    assert (stats.id, stats.first_seen, stats.last_seen, stats.count) == (tid, 5.0, 30.0, 5)
    assert (miner.since, miner.until) == (5.0, 30.0)
