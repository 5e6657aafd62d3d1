"""The log process: real followers in a spawned child, tagged lines back to this process."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from cockpit.sources.base import HealthState, LogLine
from cockpit.sources.logs.process import LogProcess
from tests.unit.logs.process_sources import (
    Live,
    Replay,
    broken_source,
    printing_command,
    process_gone,
    wait_until,
)


def _drain_all(logs: LogProcess, count: int, timeout: float = 30.0) -> list[LogLine]:
    got: list[LogLine] = []

    def enough() -> bool:
        got.extend(logs.drain())
        return len(got) >= count

    wait_until(enough, timeout)
    return got


@pytest.fixture
def started() -> Iterator[Callable[..., LogProcess]]:
    made: list[LogProcess] = []

    def start(*factories: Callable[[], object], capacity: int = 20_000,
              patterns: bool = False) -> LogProcess:
        logs = LogProcess(list(factories), capacity, 4096, patterns=patterns)  # type: ignore[arg-type]
        made.append(logs)
        logs.start()
        return logs

    yield start
    for logs in made:
        logs.close()


def test_lines_arrive_tagged_in_order_with_counts(started: Callable[..., LogProcess]) -> None:
    logs = started(partial(printing_command, 300), patterns=True)
    lines = _drain_all(logs, 301)  # 300 lines and the "command exited" notice
    texts = [line.text for line in lines if line.source == "printer"]
    assert texts[:300] == [f"{'ERROR' if n % 10 == 0 else 'INFO'} request {n} done"
                           for n in range(300)]
    first = lines[0]
    assert first.ts.isoformat() == "2026-11-29T03:00:00.123456+00:00"  # the stamp, parsed
    assert [line.level for line in lines[:2]] == ["error", "info"]
    assert lines[-1].text == "cockpit: command exited with status 0"
    wait_until(lambda: logs.stats().received == 301)
    stats = logs.stats()
    assert (stats.delivered, stats.dropped, stats.buffered) == (301, 0, 0)
    assert stats.per_level["error"] == 30
    assert logs.health_changes()[0] == (HealthState.OK, "")
    def mined_all() -> bool:
        snapshot = logs.patterns()[0]
        return snapshot is not None and snapshot.mined >= 301

    wait_until(mined_all)
    snapshot, error = logs.patterns()
    assert error == ""
    assert snapshot is not None
    assert any("request" in t.template for t in snapshot.top(5))


def test_a_source_that_cannot_be_built_is_reported_down(
        started: Callable[..., LogProcess]) -> None:
    logs = started(broken_source)
    changes: list[tuple[HealthState, str]] = []

    def reported() -> bool:
        changes.extend(logs.health_changes())
        return bool(changes)

    wait_until(reported)
    assert changes[0] == (HealthState.DOWN, "ValueError: logs.command is empty: give the "
                                            "command as a list")


def test_a_lossless_replay_waits_for_room_and_loses_nothing(
        started: Callable[..., LogProcess]) -> None:
    logs = started(partial(Replay, 20_000), capacity=1000)
    time.sleep(1.0)  # nobody drains: a live source would have overflowed by now
    lines = _drain_all(logs, 20_000)
    assert [line.text for line in lines] == [f"line {n}" for n in range(20_000)]
    assert logs.stats().dropped == 0


def test_a_live_stream_never_waits_and_its_drops_are_counted(
        started: Callable[..., LogProcess]) -> None:
    logs = started(partial(Live, 20_000), capacity=1000)
    lines: list[LogLine] = []

    def newest_arrived() -> bool:
        lines.extend(logs.drain())
        return bool(lines) and lines[-1].text == "line 19999"

    # the stream outruns the 50 ms shipping tick, so the child's full ingest drops the oldest
    wait_until(newest_arrived)
    stats = logs.stats()
    assert stats.dropped > 0
    assert stats.received == stats.delivered + stats.dropped + stats.buffered
    assert lines[-1].text == "line 19999"  # the newest lines are the ones kept


def test_close_ends_the_child_and_its_command(started: Callable[..., LogProcess],
                                              tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    logs = started(partial(printing_command, 5, str(pid_file), True))
    _drain_all(logs, 5)
    pid = int(pid_file.read_text())
    assert not process_gone(pid)
    logs.close()
    wait_until(lambda: process_gone(pid), 10)
