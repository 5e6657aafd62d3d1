"""Where the screen gets its log lines: the log process, or threads in this process.

Sources built from the config (pod logs, files, a command) offer a picklable
``spawn_factory``, so they are followed, tagged and mined in the log process and
the screen only drains tagged lines. Sources handed in as objects (tests, embedders)
cannot cross a process boundary, so they are followed by threads here, through the
same pump and ingest. Both sides answer the same calls.

The log process also polls the cluster and the alerts when it can
(:mod:`cockpit.sources.polling` says why); ``remote`` names what it polls, ``polled()``
hands over the results.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from cockpit.sources.base import HealthState, LogLine, LogSource, SourceHealth
from cockpit.sources.logs.ingest import IngestStats, LogIngest
from cockpit.sources.logs.process import LogProcess, spawn_factory
from cockpit.sources.logs.pump import HealthChanges, pump
from cockpit.ui.patterns_feed import PatternFeed

if TYPE_CHECKING:
    from cockpit.analysis.pattern_snapshot import PatternSnapshot


class LogHub(Protocol):
    capacity: int
    #: roles of sources this hub polls in the log process (their results come from polled())
    remote: tuple[str, ...]

    def start(self) -> None:
        """Blocking start-up: call from a thread worker after the first frame."""

    def drain(self, max_lines: int | None = None) -> list[LogLine]: ...

    def stats(self) -> IngestStats: ...

    def health_changes(self) -> list[tuple[HealthState, str]]: ...

    def patterns(self) -> tuple[PatternSnapshot | None, str]: ...

    def polled(self) -> list[tuple[str, Any, SourceHealth]]: ...

    def close(self) -> None:
        """Blocking: stop the followers (call off the UI thread)."""


class ThreadHub:
    """Followers as threads of this process, feeding one :class:`LogIngest`."""

    def __init__(self, sources: Sequence[LogSource], capacity: int, max_line_length: int) -> None:
        self.capacity = capacity
        self.remote: tuple[str, ...] = ()
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

    def polled(self) -> list[tuple[str, Any, SourceHealth]]:
        return []  # nothing is polled here: the screen polls in-process sources itself

    def close(self) -> None:
        self._stop.set()
        self._feed.close()
        for source in self._sources:
            try:
                source.stop()
            except Exception:
                continue


def make_hub(sources: Sequence[LogSource], capacity: int, max_line_length: int,
             polled: Sequence[tuple[str, str, object, float]] = ()) -> LogHub:
    """The log process when every log source can be rebuilt there, else threads here.

    ``polled``: ``(role, name, source, interval_s)`` of polled sources (cluster, alerts) that
    the log process may poll instead of the app, if they offer a ``spawn_factory``. Those
    it takes are named in the hub's ``remote``; the screen polls the others itself.
    """
    factories = [spawn_factory(source) for source in sources]
    remote = [(role, name, factory, interval) for role, name, source, interval in polled
              if (factory := spawn_factory(source)) is not None]
    if all(f is not None for f in factories) and (factories or remote):
        return LogProcess([f for f in factories if f is not None], capacity, max_line_length,
                          polled=remote)
    return ThreadHub(sources, capacity, max_line_length)
