"""The miner's backlog: bounded, every line counted through the weights, converting only
what it keeps."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cockpit.analysis.pattern_sampling import Row, RowBacklog
from cockpit.analysis.pattern_worker import decode_rows
from cockpit.sources.base import LogLine


def _rows(n: int, start: int = 0) -> list[Row]:
    return [(float(start + i), "pod", f"line {start + i}", "info") for i in range(n)]


def test_a_flood_is_thinned_to_the_bound_and_every_line_still_counts() -> None:
    backlog = RowBacklog(1000)
    mined_weight = 0.0
    for k in range(50):  # 50k lines, 300 mined after each 1000 arrive
        backlog.hold(_rows(1000, k * 1000), 1.0)
        assert len(backlog) <= 1000
        weight, taken = backlog.take(300)
        mined_weight += weight * len(taken)
    while backlog:
        weight, taken = backlog.take(300)
        mined_weight += weight * len(taken)
    assert backlog.sampled_away > 30_000
    assert abs(mined_weight - 50_000) <= 50_000 // 100


def test_rows_already_weighted_keep_their_weight() -> None:
    backlog = RowBacklog(10_000)
    backlog.hold(_rows(100), 4.0)
    backlog.hold(_rows(100), 1.0)  # lighter rows: every 4th is kept, at weight 4
    assert backlog.weight == 4.0
    assert len(backlog) == 125
    assert backlog.weight * len(backlog) == 500


def test_only_the_kept_items_are_converted() -> None:
    backlog = RowBacklog(10)
    backlog.hold(_rows(40), 1.0)  # thinned: weight 4
    converted: list[int] = []

    def convert(items: Sequence[int]) -> list[Row]:
        converted.extend(items)
        return [(float(i), "pod", str(i), "") for i in items]

    backlog.hold_sample(list(range(100)), 1.0, 100, convert)
    assert len(converted) == 25


def test_a_chunk_as_the_app_receives_it_decodes_to_rows() -> None:
    t0 = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
    lines = [LogLine(t0, "pod-a", "GET /", "info"), LogLine(t0, "pod-b", "boom", "error", "app"),
             LogLine(t0 + timedelta(seconds=1.5), "pod-a", "x", "", "", True)]
    data = pickle.dumps(("lines", list(map(tuple, lines)), None), pickle.HIGHEST_PROTOCOL)
    assert decode_rows(data) == [(t0.timestamp(), "pod-a", "GET /", "info"),
                                 (t0.timestamp(), "pod-b", "boom", "error"),
                                 (t0.timestamp() + 1.5, "pod-a", "x", "")]
