"""The simulator clock maps scenario offsets to served timestamps consistently."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from cockpit.scenario.clock import SimClock

ORIGIN = datetime(2024, 1, 15, 8, 0, tzinfo=UTC)


def test_anchor_now_puts_the_start_offset_at_the_wall_clock() -> None:
    wall = time.time()
    clock = SimClock(ORIGIN, start_offset=9000, speed=1, anchor="now", wall=wall)
    assert clock.to_unix(9000) == pytest.approx(wall)
    assert clock.offset() >= 9000
    assert clock.to_offset(clock.now()) == pytest.approx(clock.offset(), abs=0.05)


def test_anchor_origin_keeps_the_scenario_date() -> None:
    clock = SimClock(ORIGIN, start_offset=3600, anchor="origin")
    assert clock.to_unix(0) == ORIGIN.timestamp()
    assert clock.now_datetime().hour == 9


def test_speed_runs_scenario_time_faster_and_can_change() -> None:
    clock = SimClock(ORIGIN, start_offset=0, speed=1000, anchor="origin")
    time.sleep(0.05)
    assert clock.offset() >= 50
    clock.jump_to(100)
    clock.set_speed(1)
    assert 100 <= clock.offset() < 101


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        SimClock(ORIGIN, 0, speed=0)
    with pytest.raises(ValueError):
        SimClock(ORIGIN, 0, anchor="tomorrow")
