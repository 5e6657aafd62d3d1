"""The app's handle on the log process (see :mod:`process_child` for why it exists).

The app calls :meth:`LogProcess.start` from a thread worker after the first frame,
then, from its drain timer, :meth:`drain`, :meth:`stats`, :meth:`health_changes`
and :meth:`patterns`; none of them block. A reader thread receives the child's
messages; when the app falls behind it stops reading, so the pipe fills and the
child's bounded ingest drops the *oldest* lines and counts them, as in process.
If the child dies, the logs source reports it as down with its exit code, and a
new one starts (after 1 s, doubling up to 30 s if it keeps dying).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import os
import pickle
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cockpit import pipes
from cockpit.sources.base import HealthState, LogLine, LogSource, SourceHealth
from cockpit.sources.logs.ingest import IngestStats, take_oldest
from cockpit.sources.logs.pump import Handoff, HealthChanges

if TYPE_CHECKING:
    from cockpit.analysis.pattern_snapshot import PatternSnapshot
    from cockpit.sources.logs.process_child import Polled

_EMPTY = IngestStats(0, 0, 0, 0, 0, {}, {})
MAX_RESTART_DELAY_S = 30.0
_tuple_new = tuple.__new__


def _sum(a: IngestStats, b: IngestStats) -> IngestStats:
    if a is _EMPTY:
        return b
    return IngestStats(
        received=a.received + b.received, delivered=a.delivered + b.delivered,
        dropped=a.dropped + b.dropped, truncated=a.truncated + b.truncated,
        buffered=b.buffered, per_source=dict(Counter(a.per_source) + Counter(b.per_source)),
        per_level=dict(Counter(a.per_level) + Counter(b.per_level)))


def spawn_factory(source: object) -> Callable[[], LogSource] | None:
    """The picklable factory a source offers for the log process, if any."""
    factory = getattr(source, "spawn_factory", None)
    return factory if callable(factory) else None


class LogProcess:
    """Tagged log lines from a child process, drained by the UI."""

    def __init__(self, factories: Sequence[Callable[[], LogSource]], capacity: int,
                 max_line_length: int, *, patterns: bool = True,
                 polled: Sequence[Polled] = ()) -> None:
        self.capacity = capacity
        self._args = (list(factories), capacity, max_line_length, patterns and bool(factories),
                      list(polled))
        self._names = {role: name for role, name, *_ in polled}
        #: roles polled in the child ("cluster", "alerts"), whose results :meth:`polled` gives
        self.remote = tuple(self._names)
        self._polled: Handoff[tuple[str, Any, SourceHealth]] = Handoff()
        self._lines: deque[LogLine] = deque()
        self._room = threading.Condition()
        self._child_stats = _EMPTY
        self._earlier = _EMPTY  # counters of log processes that died and were replaced
        self._groups: list[int] = []  # process groups of the commands the child follows
        self._delivered = 0
        self._changes = HealthChanges()
        self._snapshot: PatternSnapshot | None = None
        self._patterns_error = ""
        self._process: Any = None
        self._control: Any = None
        self._closed = False
        self._restart_delay = 1.0

    def start(self) -> None:
        """Spawn the child (blocking: call from a thread)."""
        ctx = mp.get_context("spawn")
        out_read, out_write = ctx.Pipe(duplex=False)
        pipes.widen(out_write.fileno())  # a chunk of lines in one write (cockpit/pipes.py)
        control_read, control_write = ctx.Pipe(duplex=False)
        from cockpit.sources.logs import process_child

        process = ctx.Process(target=process_child.run, name="cockpit-logs",
                              args=(out_write, control_read, *self._args))
        # Textual swaps sys.stderr for an object without a file descriptor, which
        # spawn refuses to pass on: lend it a real one for the moment of the spawn.
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
            process.start()
        out_write.close()
        control_read.close()
        with self._room:
            if self._closed:
                control_write.close()
                process.join(5)
                return
            self._process, self._control = process, control_write
        atexit.register(self.close)  # before multiprocessing's own hook joins the child
        threading.Thread(target=self._receive, args=(out_read,), name="cockpit-logs-reader",
                         daemon=True).start()

    def _receive(self, out: Any) -> None:
        while True:
            with self._room:
                while len(self._lines) >= self.capacity and not self._closed:
                    self._room.wait(0.1)
                if self._closed:
                    break
            try:
                message = pickle.loads(out.recv_bytes())
            except (EOFError, OSError):
                break
            self._handle(message)
        out.close()
        if not self._closed:
            self._restart()

    def _restart(self) -> None:
        """The child died (OOM killer, a stray kill): say so, then start a new one."""
        process, control = self._process, self._control
        process.join(1.0)
        control.close()
        for group in self._groups:  # its followed commands would outlive it, orphaned
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGTERM)
        self._groups = []
        why = (f"log process ended unexpectedly (exit code {process.exitcode})"
               f"; restarting in {self._restart_delay:.0f} s")
        self._changes.report(HealthState.DOWN, why)
        for role, name in self._names.items():  # their data is stale until the new one polls
            self._polled.put((role, None, SourceHealth(name, HealthState.DOWN, last_error=why)))
        atexit.unregister(self.close)
        with self._room:
            # the counters go on from where the dead child left them
            self._earlier, self._child_stats = _sum(self._earlier, self._child_stats), _EMPTY
            self._room.wait_for(lambda: self._closed, self._restart_delay)
            if self._closed:
                return
            self._process = self._control = None
        self._restart_delay = min(self._restart_delay * 2, MAX_RESTART_DELAY_S)
        try:
            self.start()
        except Exception as exc:  # spawning failed (no memory, no pids): say why
            self._changes.report(HealthState.DOWN, f"cannot restart the log process: {exc}")

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "lines":
            # a named tuple pickles through a Python-level __getnewargs__ on both sides:
            # plain tuples rebuilt here cost the app ~1.3 µs a line instead of ~2.2
            lines = [_tuple_new(LogLine, row) for row in message[1]]
            with self._room:  # counters first: a drained line is always counted
                if message[2] is not None:
                    self._child_stats = message[2]
                self._lines.extend(lines)
        elif kind == "stats":
            self._child_stats = message[1]
        elif kind == "health":
            self._changes.report(HealthState(message[1]), message[2])
        elif kind == "polled":
            self._polled.put(message[1:])
        elif kind == "groups":
            self._groups = list(message[1])
        elif kind == "patterns":
            if message[1] is not None:
                from cockpit.analysis.pattern_snapshot import PatternSnapshot

                self._snapshot = PatternSnapshot.from_dict(message[1])
            self._patterns_error = message[2]

    def drain(self, max_lines: int | None = None) -> list[LogLine]:
        """Up to ``max_lines`` received lines, oldest first."""
        with self._room:
            out = take_oldest(self._lines, max_lines)
            self._delivered += len(out)
            self._room.notify()
        return out

    @property
    def pid(self) -> int | None:
        """The log process's pid once started (for diagnostics)."""
        return None if self._process is None else int(self._process.pid)

    def running(self) -> bool:
        """Started, not closed, and the child is alive."""
        process = self._process
        return process is not None and not self._closed and process.is_alive()

    def __len__(self) -> int:
        return len(self._lines)

    def stats(self) -> IngestStats:
        """The child's counters (and its predecessors'), with what this side delivered."""
        child = _sum(self._earlier, self._child_stats)
        delivered = self._delivered
        return IngestStats(
            received=child.received, delivered=delivered, dropped=child.dropped,
            truncated=child.truncated,
            buffered=max(0, child.received - child.dropped - delivered),
            per_source=child.per_source, per_level=child.per_level)

    def health_changes(self) -> list[tuple[HealthState, str]]:
        """Streaming / failing transitions since the last call, oldest first."""
        return self._changes.take()

    def patterns(self) -> tuple[PatternSnapshot | None, str]:
        return self._snapshot, self._patterns_error

    def polled(self) -> list[tuple[str, Any, SourceHealth]]:
        """``(role, result or None, health)`` of each poll in the child since the last call."""
        return self._polled.take()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child (its followers end their commands) and wait for it."""
        with self._room:
            if self._closed:
                return
            self._closed = True
            self._room.notify_all()
            process, control = self._process, self._control
        atexit.unregister(self.close)
        if process is None:
            return
        control.close()  # end of file: the child's order to stop
        process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(2.0)
