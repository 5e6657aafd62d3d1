"""The simulator's clock: scenario time running at ``speed`` from a start offset.

Every server of the simulator asks this clock what "now" is, so metrics, logs,
events and alerts stay consistent even when time runs 10× faster than real.
``anchor="now"`` maps the start offset onto the wall clock (the demo: timestamps
look live); ``anchor="origin"`` keeps the scenario's own date (tests, replays).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SimClock:
    def __init__(self, origin: datetime, start_offset: float, speed: float = 1.0,
                 *, anchor: str = "now", wall: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        if anchor not in ("now", "origin"):
            raise ValueError("anchor must be 'now' or 'origin'")
        started = time.time() if wall is None else wall
        self.origin_unix = (started - start_offset) if anchor == "now" else origin.timestamp()
        self._lock = threading.Lock()
        self._base_offset = start_offset
        self._base_wall = started
        self.speed = speed

    def offset(self) -> float:
        """Scenario seconds since origin, now."""
        with self._lock:
            return self._base_offset + (time.time() - self._base_wall) * self.speed

    def now(self) -> float:
        """Unix seconds in the simulated world, now."""
        return self.origin_unix + self.offset()

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def to_unix(self, offset: float) -> float:
        return self.origin_unix + offset

    def to_offset(self, unix: float) -> float:
        return unix - self.origin_unix

    def jump_to(self, offset: float) -> None:
        """Move scenario time (tests; ``--start-at`` after start)."""
        with self._lock:
            self._base_offset = offset
            self._base_wall = time.time()

    def set_speed(self, speed: float) -> None:
        with self._lock:
            now_offset = self._base_offset + (time.time() - self._base_wall) * self.speed
            self._base_offset, self._base_wall, self.speed = now_offset, time.time(), speed
