"""The miner in a real separate process: a flood is sampled, the caller never waits."""

from __future__ import annotations

import pickle
import time
from datetime import UTC, datetime, timedelta

import pytest

from cockpit.analysis.pattern_snapshot import PatternSnapshot
from cockpit.analysis.pattern_worker import PatternWorker
from cockpit.sources.base import LogLine
from tests.unit.analysis.corpus import scenario_lines

T0 = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
BLOCKED = 0.25  # a submit slower than this would freeze the UI's log tick


def _flood_batch(i: int, n: int = 1000) -> list[LogLine]:
    return [LogLine(T0 + timedelta(seconds=i * 0.01), f"web-{j % 3}",
                    f"GET /api/v1/users/{i * n + j} 200 took {j % 97}ms trace={i * n + j:08x}ab",
                    "info") for j in range(n)]


def _wait_for(worker: PatternWorker, deadline: float = 30.0) -> PatternSnapshot:
    """The first snapshot that covers every line handed over (held lines are flushed first)."""
    end = time.monotonic() + deadline
    snap = worker.snapshot()
    while (worker.settled < worker.sent or worker.held) and time.monotonic() < end:
        time.sleep(0.05)
        snap = worker.snapshot()
    return snap


def test_a_flood_is_sampled_without_blocking_the_caller() -> None:
    batches = [_flood_batch(i) for i in range(200)]
    total = sum(len(b) for b in batches)
    with PatternWorker(max_batches=4, pending_lines=5_000) as worker:
        assert worker.alive()
        blocked = 0
        for batch in batches:
            began = time.perf_counter()
            worker.submit(batch)
            blocked += time.perf_counter() - began > BLOCKED
        assert blocked <= 1  # a scheduler hiccup at most, never a wait for the miner
        snap = _wait_for(worker)
        assert worker.sampled_away > 0
        # every line counted, most of them through weights (systematic sampling: close)
        assert abs(snap.lines - total) <= total // 100
        assert snap.mined < total
        assert snap.sampled
        (template,) = snap.templates
        assert template.sampled and template.count == snap.lines
        assert template.template.startswith("GET <PATH> <NUM> took <DUR>")
        assert abs(sum(template.pods.values()) - total) <= total // 100
        began = time.monotonic()
    assert not worker.alive()
    assert time.monotonic() - began < 5  # close() returned promptly (generous bound)


@pytest.mark.parametrize("pickled", [False, True], ids=["lines", "pickled chunks"])
def test_a_steady_stream_is_mined_whole_and_published(pickled: bool) -> None:
    lines = scenario_lines("api-gateway", "10:28", "10:32")
    with PatternWorker(publish_every=0.1) as worker:
        assert worker.snapshot().templates == ()  # nothing yet, and no waiting
        for k in range(0, len(lines), 500):
            batch = lines[k:k + 500]
            if pickled:  # as the log process sends them to the app, stats and all
                message = ("lines", list(map(tuple, batch)), None)
                worker.submit_pickled(pickle.dumps(message), len(batch))
            else:
                worker.submit(batch)
            time.sleep(0.02)
        snap = _wait_for(worker)
    assert snap.lines == snap.mined == len(lines)
    assert not snap.sampled
    timeouts = [t for t in snap.templates if "connection timeout" in t.template]
    assert len(timeouts) == 1
    assert timeouts[0].count == sum("connection timeout" in ln.text for ln in lines)


def test_close_is_idempotent_and_submit_after_close_is_ignored() -> None:
    worker = PatternWorker()
    worker.close()
    worker.close()
    worker.submit(_flood_batch(0, 10))
    assert not worker.alive()
    assert worker.snapshot().lines == 0
