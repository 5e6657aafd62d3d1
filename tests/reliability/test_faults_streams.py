"""Cut streams (watch-drop, logs disconnect): followers reconnect, lose and repeat nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cockpit.scenario.durations import parse_offset
from cockpit.scenario.sim import Simulator
from cockpit.sources.base import HealthState, LogLine
from cockpit.sources.k8s_convert import to_event
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


def _server_counts(sim: Simulator) -> dict[str, int]:
    """What ``kubectl get events`` would show now: each event's uid and count."""
    items, _ = sim.cluster.list_items("events", sim.scenario.namespace)
    return {event.uid: event.count for event in map(to_event, items)}


def advance(sim: Simulator, at: str) -> None:
    """Move the scenario clock and let the cluster catch up with it at once."""
    move(sim, at)
    sim.driver.sync()


def test_watch_drop_reconnects_without_duplicate_events(make_sim: SimFactory, tmp_path: Path,
                                                        tally: Tally) -> None:
    """A live watch is cut mid-crashloop; afterwards every event is there, none twice.

    The watch must be proven live before the cut (events that only a watch can
    deliver arrive), else the cut may hit the opening request instead, which the
    client retries on its own, and the test exercises nothing.
    """
    sim = make_sim("k8s:watch-drop@09:13-09:13:30", name="oom-crashloop", at="09:08")
    config = sim_config(sim, tmp_path)
    watcher = EventWatcher(config.kubernetes, backoff_base_s=0.05, backoff_max_s=0.2)
    seen: list[tuple[str, str, str, int]] = []
    listed = len(_server_counts(sim))

    def pump() -> None:
        for event in watcher.events():
            seen.append((event.uid, event.object, event.reason, event.count))

    def caught_up() -> bool:
        latest: dict[str, int] = {}
        for uid, _, _, count in list(seen):
            latest[uid] = max(count, latest.get(uid, 0))
        return latest == _server_counts(sim)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(seen) >= listed, "the initial list")
        advance(sim, "09:12")  # the crashloop starts: new events, only a live watch sees them
        wait_for(caught_up, "events through the watch before the drop")
        before = len(seen)
        advance(sim, "09:13:10")  # inside the window: the simulator cuts every stream
        wait_for(lambda: bool(sim.stream_cutter.fired), "the watch cut")
        advance(sim, "09:16")  # after it: BackOff counts grow while the watch was away
        wait_for(caught_up, "every event after the reconnect")
    finally:
        watcher.stop()
        thread.join(timeout=5)
    assert len(seen) > before, "the BackOff counts that grew across the drop arrived"
    assert watcher.reconnects >= 1, "the cut reached the live watch"
    assert watcher.health().state is HealthState.OK, watcher.health()
    assert [k for k, n in Counter(seen).items() if n > 1] == []
    tally.fault("k8s:watch-drop")
    tally.events(len(seen))
