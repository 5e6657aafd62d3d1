"""The log process: followers, splitting, tagging, mining and polling away from the screen.

Why a process: every line of a flood costs ~13 µs of Python (split, stamp, level,
count, miner rows). In the app's process that time is taken from the UI thread
under one GIL, and keys wait behind it. Here it runs on the other core, and the
app receives lines already tagged, in chunks it only has to unpickle.

Protocol, child → parent (one pickled tuple per message, on ``out``):
``("lines", [LogLine fields as plain tuples, ...], IngestStats | None)``,
``("stats", IngestStats)``, ``("health", HealthState value, error)``,
``("patterns", snapshot dict | None, error)``, ``("groups", [pgid, ...])``,
``("polled", role, result | None, SourceHealth)`` (the cluster's snapshot or the firing
alerts: the log process polls those too, see :mod:`cockpit.sources.polling`).
The parent → child ``control`` pipe carries nothing: its end of file (the app
closed it or died, even by SIGKILL) is the order to stop, so no follower is orphaned.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from cockpit import malloc_tune
from cockpit.sources.base import HealthState, LogSource
from cockpit.sources.logs.ingest import IngestStats, LogIngest
from cockpit.sources.logs.pump import MAX_BACKOFF_S, Report, describe, pump
from cockpit.sources.polling import poll_remote

#: A source polled in this process: ``(role, name, factory, interval_s)``.
Polled = tuple[str, str, Callable[[], Any], float]

#: Lines per message: unpickling one takes the app's GIL for ~1 µs a line, so a
#: chunk costs the screen at most a few milliseconds at a time.
CHUNK_LINES = 2000
TICK_S = 0.05
PATTERNS_EVERY_S = 0.5
STOP_GRACE_S = 3.0
NICE = 5  # the screen first, the stream second, mining (nice 10) last


class _Sender:
    """Sends whole messages from several threads; a closed pipe means the app is gone."""

    def __init__(self, out: Connection, stop: threading.Event) -> None:
        self._out, self._stop = out, stop
        self._lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        self.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def send_bytes(self, data: bytes) -> None:
        """A message pickled by the caller (so that the miner can get the same bytes)."""
        with self._lock:
            try:
                self._out.send_bytes(data)
            except (OSError, ValueError):
                self._stop.set()


def _watch_parent(control: Connection, stop: threading.Event) -> None:
    with contextlib.suppress(EOFError, OSError):
        while True:
            control.recv_bytes()
    stop.set()


def _start_patterns() -> tuple[Any, str]:
    try:
        from cockpit.analysis.pattern_worker import PatternWorker

        # two batches in flight and 5k lines held, here and in the miner: it samples
        # sooner under a flood, and the lines waiting weigh little (bench ingest, 3 pairs:
        # the miner grew 5.4-5.9 MB over idle with 5k, 6.3-7.6 MB with 10k)
        return PatternWorker(max_batches=2, pending_lines=5_000), ""
    except Exception as exc:  # patterns are an aid; the stream goes on without them
        return None, f"pattern miner unavailable: {describe(exc)}"


def skip_httpx_cli() -> None:
    """Keep httpx's command-line client out of this process.

    httpx's package init imports it whenever its dependencies are installed (click,
    rich and pygments are, for the app): 4.5 MB of this process's memory, for a
    ``main`` it never runs. A ``None`` entry in ``sys.modules`` makes that import fail,
    and httpx then defines a stub ``main`` instead; the client itself is unchanged.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def run(out: Connection, control: Connection, factories: list[Callable[[], LogSource]],
        capacity: int, max_line_length: int, patterns: bool,
        polled: Sequence[Polled] = ()) -> None:
    """The child's entry point (module level, so ``spawn`` can find it).

    ``polled``: ``(role, name, factory, interval_s)`` of sources polled here, not in the app.
    """
    with contextlib.suppress(OSError):
        os.nice(NICE)
    malloc_tune.tune()  # before the threads: chunks pass through here all the time
    skip_httpx_cli()  # before the sources are built: the alert source imports httpx
    stop = threading.Event()
    sender = _Sender(out, stop)
    threading.Thread(target=_watch_parent, args=(control, stop), daemon=True).start()
    ingest = LogIngest(capacity, max_line_length)
    sources: list[LogSource] = []

    def report(state: HealthState, error: str) -> None:
        sender.send(("health", state.value, error))

    threads = [threading.Thread(target=_follow, args=(factory, sources, ingest, stop, report),
                                daemon=True, name="cockpit-log-follower")
               for factory in factories]
    threads += [threading.Thread(target=poll_remote, daemon=True, name=f"cockpit-poll-{role}",
                                 args=(role, name, factory, interval, stop,
                                       lambda sent: sender.send(("polled", *sent))))
                for role, name, factory, interval in polled]
    for thread in threads:
        thread.start()
    worker, error = _start_patterns() if patterns else (None, "")
    try:
        _ship(ingest, sender, stop, worker, error, sources)
    finally:
        stop.set()
        for source in sources:
            with contextlib.suppress(Exception):
                source.stop()
        if worker is not None:
            worker.close()
        deadline = time.monotonic() + STOP_GRACE_S
        for thread in threads:  # followers end their commands' process groups on the way out
            thread.join(max(0.0, deadline - time.monotonic()))


def _follow(factory: Callable[[], LogSource], built: list[LogSource], ingest: LogIngest,
            stop: threading.Event, report: Report) -> None:
    """Build the source here (its client lives in this process), retrying a failure."""
    delay = 1.0
    while not stop.is_set():
        try:
            source = factory()
        except Exception as exc:
            report(HealthState.DOWN, describe(exc))
            stop.wait(delay)
            delay = min(delay * 2, MAX_BACKOFF_S)
            continue
        built.append(source)
        pump(source, ingest, stop, report)
        return


def _process_group(source: LogSource) -> int | None:
    group = getattr(source, "process_group", None)
    return group if isinstance(group, int) else None


def _ship(ingest: LogIngest, sender: _Sender, stop: threading.Event, worker: Any,
          error: str, sources: list[LogSource]) -> None:
    """Every tick: tagged lines to the app in chunks, then the counters, then patterns,
    and the process groups of the commands followed (so that the app can end them if
    this process is killed before it could)."""
    last_stats: IngestStats | None = None
    last_groups: list[int] = []
    next_patterns = 0.0
    while not stop.wait(TICK_S):
        # One chunk at a time, up to what is buffered now: the ingest gets its room back
        # chunk by chunk, so lines are not held twice (drained here and refilled there).
        left = len(ingest)
        stats: IngestStats | None = None
        while left > 0:
            lines = ingest.drain(min(left, CHUNK_LINES))
            if not lines:
                break
            left -= len(lines)
            stats = ingest.stats() if left <= 0 else None  # counters with the last chunk
            rows = list(map(tuple, lines))  # plain tuples: half the cost of LogLines
            # pickled once: the miner decodes the very bytes the app receives
            data = pickle.dumps(("lines", rows, stats), pickle.HIGHEST_PROTOCOL)
            if worker is not None:
                worker.submit_pickled(data, len(rows))
            sender.send_bytes(data)
        if stats is None:
            stats = ingest.stats()
            if stats != last_stats:
                sender.send(("stats", stats))
        last_stats = stats
        groups = sorted(g for g in map(_process_group, sources) if g is not None)
        if groups != last_groups:
            sender.send(("groups", groups))
            last_groups = groups
        now = time.monotonic()
        if now >= next_patterns and (worker is not None or error):
            next_patterns = now + PATTERNS_EVERY_S
            snapshot = worker.snapshot().to_dict() if worker is not None else None
            sender.send(("patterns", snapshot, error))
