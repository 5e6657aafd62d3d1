"""One log source's reader loop, the same in the app's process and in the log process.

It feeds the source's batches into a :class:`LogIngest` until told to stop, says
when the source is streaming or failing (the header shows it), and retries a
failed source with a doubling delay. A source that declares ``lossless = True``
(a replay that can wait, like a benchmark feeder) is paused while the ingest is
full instead of having its oldest lines dropped; live streams never wait, so the
screen stays current and the drops are counted.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from cockpit.sources.base import HealthState, LogSource
from cockpit.sources.logs.ingest import LogIngest

MAX_BACKOFF_S = 60.0
ROOM_POLL_S = 0.005

Report = Callable[[HealthState, str], None]
T = TypeVar("T")


class Handoff(Generic[T]):
    """Items put by worker threads, taken in order by the screen's timer (never blocks)."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()

    def put(self, item: T) -> None:
        self._items.append(item)  # deque.append is thread-safe

    def take(self) -> list[T]:
        """Everything put since the last call, oldest first."""
        items = []
        while self._items:
            items.append(self._items.popleft())
        return items


class HealthChanges(Handoff[tuple[HealthState, str]]):
    """Streaming / failing transitions, reported by followers, taken by the screen's timer."""

    def report(self, state: HealthState, error: str) -> None:
        self.put((state, error))


def describe(exc: BaseException) -> str:
    """``Type: first line of the message``: one line for the header and the timeline."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def pump(source: LogSource, ingest: LogIngest, stop: threading.Event, report: Report) -> None:
    """Follow ``source`` into ``ingest`` until ``stop`` or the source ends by itself."""
    delay = 1.0
    lossless = bool(getattr(source, "lossless", False))
    while not stop.is_set():
        try:
            report(HealthState.OK, "")
            for batch in source.follow():
                if lossless:
                    _wait_for_room(ingest, len(batch), stop)
                ingest.put(batch)
                if stop.is_set():
                    return
            return  # the source ended by itself
        except Exception as exc:
            report(HealthState.DOWN, describe(exc))
            stop.wait(delay)
            delay = min(delay * 2, MAX_BACKOFF_S)


def _wait_for_room(ingest: LogIngest, lines: int, stop: threading.Event) -> None:
    room = ingest.capacity - lines
    while len(ingest) > room and not stop.is_set():
        stop.wait(ROOM_POLL_S)
