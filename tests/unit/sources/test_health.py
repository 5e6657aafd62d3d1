"""Backoff growth and jitter, health transitions, OS error wording."""

from __future__ import annotations

import errno

from cockpit.sources.base import HealthState
from cockpit.sources.health import Backoff, HealthTracker, describe_os_error


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    low, high = Backoff(1, 30, rng=lambda: 0.0), Backoff(1, 30, rng=lambda: 0.999999)
    lows = [low.fail() for _ in range(8)]
    highs = [high.fail() for _ in range(8)]
    assert lows == [0.5, 1, 2, 4, 8, 15, 15, 15]
    assert [round(h) for h in highs] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_tracker_goes_down_backs_off_and_recovers() -> None:
    now = [1000.0]
    tracker = HealthTracker("prometheus", "http://p:9090", 15, lambda: now[0],
                            backoff=Backoff(1, 60, rng=lambda: 1.0))
    tracker.ok()
    assert tracker.snapshot().state is HealthState.OK and tracker.next_delay() == 15
    now[0] = 1010
    tracker.failed("cannot connect", HealthState.DOWN)
    tracker.failed("cannot connect", HealthState.DOWN)
    snap = tracker.snapshot()
    assert (snap.state, snap.last_error, snap.address) == (
        HealthState.DOWN, "cannot connect", "http://p:9090")
    assert snap.last_ok is not None and snap.last_ok.timestamp() == 1000
    assert tracker.next_delay() == 2
    tracker.ok()
    assert tracker.snapshot().last_error == "" and tracker.next_delay() == 15
    disabled = HealthTracker("alertmanager", "", 10, lambda: 0, enabled=False).snapshot()
    assert disabled.state is HealthState.DISABLED


def test_os_error_found_through_wrapping() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('1.2.3.4', 1)")
    try:
        try:
            raise refused
        except OSError as inner:
            raise RuntimeError("Max retries exceeded") from inner
    except RuntimeError as outer:
        assert describe_os_error(outer) == "[Errno 111] Connection refused"
    assert describe_os_error(ValueError("x" * 500)).endswith("...")
