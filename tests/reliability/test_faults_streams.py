"""Cut streams (watch-drop, logs disconnect): followers reconnect, lose and repeat nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cockpit.scenario.durations import parse_offset
from cockpit.sources.base import LogLine
from cockpit.sources.k8s_events import EventWatcher
from cockpit.sources.k8s_logs import PodLogFollower
from tests.reliability.conftest import SimFactory, move, sim_config
from tests.reliability.tally import Tally


def wait_for(condition: Callable[[], bool], what: str, limit_s: float = 15.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def test_logs_disconnect_resumes_without_gap_or_repeat(make_sim: SimFactory, tmp_path: Path,
                                                       tally: Tally) -> None:
    sim = make_sim("logs:disconnect@10:26:10-10:26:50", at="10:25")
    config = sim_config(sim, tmp_path)
    follower = PodLogFollower(config.kubernetes, deployment="api-gateway", tail_lines=50,
                              poll_s=0.2, batch_s=0.05)
    lines: list[LogLine] = []

    def pump() -> None:
        for batch in follower.follow():
            lines.extend(batch)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(follower.status().streams) >= 1 and bool(lines), "first lines")
        move(sim, "10:26:20")  # inside the window: the cutter drops every stream
        wait_for(lambda: bool(sim.stream_cutter.fired), "the stream cut")
        move(sim, "10:27:30")  # after it: the follower comes back
        cut_at = sim.clock.to_unix(sim.clock.offset())

        def resumed() -> bool:
            return any(line.ts.timestamp() >= cut_at - 1 for line in lines)

        wait_for(resumed, "lines after the reconnect")
    finally:
        follower.stop()
        thread.join(timeout=5)
    keys = Counter((line.source, line.ts, line.text) for line in lines)
    repeated = [k for k, n in keys.items() if n > 1]
    assert repeated == []
    start, end = (sim.clock.to_unix(parse_offset(t, sim.scenario.origin))
                  for t in ("10:26:10", "10:26:50"))
    window = [line for line in lines if start <= line.ts.timestamp() < end]
    assert window, "lines from the outage were backfilled after the reconnect"
    tally.fault("logs:disconnect")
    tally.events(len(lines))


def test_watch_drop_reconnects_without_duplicate_events(make_sim: SimFactory, tmp_path: Path,
                                                        tally: Tally) -> None:
    sim = make_sim("k8s:watch-drop@10:29-10:29:30", at="10:28")
    config = sim_config(sim, tmp_path)
    watcher = EventWatcher(config.kubernetes, backoff_base_s=0.05, backoff_max_s=0.2)
    seen: list[tuple[str, str, str, int]] = []

    def pump() -> None:
        for event in watcher.events():
            seen.append((event.uid, event.object, event.reason, event.count))

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        wait_for(lambda: watcher.health().state.value == "ok", "the watch to start")
        move(sim, "10:29:10")
        wait_for(lambda: bool(sim.stream_cutter.fired), "the watch cut")
        move(sim, "10:31")
        wait_for(lambda: watcher.reconnects + watcher.relists >= 1, "a reconnect")
        wait_for(lambda: watcher.health().state.value == "ok", "healthy again")
    finally:
        watcher.stop()
        thread.join(timeout=5)
    assert [k for k, n in Counter(seen).items() if n > 1] == []
    tally.fault("k8s:watch-drop")
    tally.events(len(seen))
