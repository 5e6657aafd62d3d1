"""Where the screen gets its log lines: the log process, or threads in this process.

Sources built from the config (pod logs, files, a command) offer a picklable
``spawn_factory``, so they are followed, tagged and mined in the log process and
the screen only drains tagged lines. Sources handed in as objects (tests, embedders)
cannot cross a process boundary, so they are followed by threads here, through the
same pump and ingest. Both sides answer the same five calls.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from cockpit.sources.base import HealthState, LogLine, LogSource
from cockpit.sources.logs.ingest import IngestStats, LogIngest
from cockpit.sources.logs.process import LogProcess, spawn_factory
from cockpit.sources.logs.pump import HealthChanges, pump
from cockpit.ui.patterns_feed import PatternFeed

if TYPE_CHECKING:
    from cockpit.analysis.pattern_snapshot import PatternSnapshot


class LogHub(Protocol):
    capacity: int

    def start(self) -> None:
        """Blocking start-up: call from a thread worker after the first frame."""

    def drain(self, max_lines: int | None = None) -> list[LogLine]: ...

    def stats(self) -> IngestStats: ...

    def health_changes(self) -> list[tuple[HealthState, str]]: ...

    def patterns(self) -> tuple[PatternSnapshot | None, str]: ...

    def close(self) -> None:
        """Blocking: stop the followers (call off the UI thread)."""


class ThreadHub:
    """Followers as threads of this process, feeding one :class:`LogIngest`."""

    def __init__(self, sources: Sequence[LogSource], capacity: int, max_line_length: int) -> None:
        self.capacity = capacity
        self.ingest = LogIngest(capacity, max_line_length)
        self._sources = list(sources)
        self._feed = PatternFeed()
        self._stop = threading.Event()
        self._changes = HealthChanges()

    def start(self) -> None:
        report = self._changes.report
        for source in self._sources:
            threading.Thread(target=pump, args=(source, self.ingest, self._stop, report),
                             name="cockpit-log-follower", daemon=True).start()
        self._feed.start()

    def drain(self, max_lines: int | None = None) -> list[LogLine]:
        lines = self.ingest.drain(max_lines)
        if lines:
            self._feed.submit(lines)
        return lines

    def stats(self) -> IngestStats:
        return self.ingest.stats()

    def health_changes(self) -> list[tuple[HealthState, str]]:
        return self._changes.take()

    def patterns(self) -> tuple[PatternSnapshot | None, str]:
        return self._feed.snapshot(), self._feed.error

    def close(self) -> None:
        self._stop.set()
        self._feed.close()
        for source in self._sources:
            try:
                source.stop()
            except Exception:
                continue


def make_hub(sources: Sequence[LogSource], capacity: int, max_line_length: int) -> LogHub:
    """The log process when every source can be rebuilt there, else threads here."""
    factories = [spawn_factory(source) for source in sources]
    if factories and all(f is not None for f in factories):
        return LogProcess([f for f in factories if f is not None], capacity, max_line_length)
    return ThreadHub(sources, capacity, max_line_length)
