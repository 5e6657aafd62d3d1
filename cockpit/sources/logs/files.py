"""Follow local log files like ``tail -F``: rotation, truncation, late files.

On a VM or a bastion the evidence is in /var/log. Files get rotated under us
(renamed and recreated, or copied and truncated), may not exist yet, or
vanish. Polling by name (not inotify) works the same on every filesystem,
including NFS and container overlays. Lines still written to a renamed file
are read until a new file appears at the path. Each change is reported as a
notice line in the stream, never silently.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cockpit.sources.base import HealthState, LogLine, SourceHealth
from cockpit.sources.logs.notices import notice
from cockpit.sources.logs.split import LineSplitter

_READ_SIZE = 1 << 16
_BUDGET = 1 << 20  # bytes read per file per round, so one busy file cannot starve others


@dataclass
class _Tracked:
    path: str
    splitter: LineSplitter
    fd: int | None = None
    ident: tuple[int, int] | None = None
    offset: int = 0
    from_start: bool = False  # created or replaced after we started: read it all
    state: str = ""  # last reported condition, so each is reported once


def tail_offset(fd: int, size: int, lines: int) -> int:
    """Offset where the last ``lines`` lines of the file start (reading backwards)."""
    if lines <= 0 or size == 0:
        return size
    pos, seen = size, 0
    tail_newline = os.pread(fd, 1, size - 1) == b"\n"
    want = lines + (1 if tail_newline else 0)
    while pos > 0:
        step = min(_READ_SIZE, pos)
        block = os.pread(fd, step, pos - step)
        pos -= step
        index = len(block)
        while True:
            index = block.rfind(b"\n", 0, index)
            if index < 0:
                break
            seen += 1
            if seen == want:
                return pos + index + 1
    return 0


class FileFollower:
    """Follow ``paths``; :meth:`follow` yields batches, :meth:`stop` ends it promptly."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        tail_lines: int = 0,
        poll_interval: float = 0.25,
        max_line_length: int = 4096,
    ) -> None:
        self.paths = [str(p) for p in paths]
        self.tail_lines = tail_lines
        self.poll_interval = poll_interval
        self.max_line_length = max_line_length
        self._stop = threading.Event()
        self._tracked = [_Tracked(p, LineSplitter(max_line_length)) for p in self.paths]
        self._last_ok: datetime | None = None
        self.started = threading.Event()  # set once every path has been looked at

    def stop(self) -> None:
        self._stop.set()

    def follow(self) -> Iterator[list[LogLine]]:
        try:
            first = True
            while not self._stop.is_set():
                batch: list[LogLine] = []
                busy = False
                for tracked in self._tracked:
                    busy = self._poll(tracked, batch, first) or busy
                first = False
                self.started.set()
                if batch:
                    self._last_ok = datetime.now(UTC)
                    yield batch
                if not busy:
                    self._stop.wait(self.poll_interval)
        finally:
            for tracked in self._tracked:
                self._close(tracked)

    def health(self) -> SourceHealth:
        problems = [t.state for t in self._tracked if t.state not in ("", "following")]
        return SourceHealth(
            source="logs",
            state=HealthState.DEGRADED if problems else HealthState.OK,
            address=", ".join(self.paths),
            last_error="; ".join(problems),
            last_ok=self._last_ok,
            checked_at=datetime.now(UTC),
        )

    # --- one file ----------------------------------------------------------

    def _report(self, tracked: _Tracked, state: str, text: str, batch: list[LogLine],
                level: str = "warn") -> None:
        if tracked.state != state:
            batch.append(notice(tracked.path, text, level))
        tracked.state = state

    def _poll(self, tracked: _Tracked, batch: list[LogLine], first: bool) -> bool:
        """Read what is new; returns True when the read budget ran out (more waiting)."""
        if tracked.fd is None and not self._open(tracked, batch, first):
            return False
        assert tracked.fd is not None
        try:
            size = os.fstat(tracked.fd).st_size
        except OSError:
            size = tracked.offset
        if size < tracked.offset:  # copytruncate: same file, shorter
            batch.extend(self._lines(tracked, tracked.splitter.flush()))
            tracked.splitter.reset()
            tracked.offset = 0
            batch.append(notice(tracked.path, f"{tracked.path} was truncated; reading from "
                                "the start", "warn"))
        busy = self._read(tracked, batch)
        try:
            st = os.stat(tracked.path)
        except FileNotFoundError:
            self._report(tracked, "vanished", f"{tracked.path} vanished; waiting for it to "
                         "reappear", batch)
            return busy
        except OSError as exc:
            self._report(tracked, "unreadable", f"cannot stat {tracked.path}: {exc.strerror}",
                         batch)
            return busy
        if (st.st_dev, st.st_ino) != tracked.ident:  # rotated: a new file at the path
            self._read(tracked, batch, budget=1 << 62)  # the old file's last words
            batch.extend(self._lines(tracked, tracked.splitter.flush()))
            self._close(tracked)
            tracked.state = "rotated"
            batch.append(notice(tracked.path, f"{tracked.path} was rotated; following the "
                                "new file", "info"))
            if self._open(tracked, batch, first=False):
                busy = self._read(tracked, batch) or busy
        elif tracked.state == "vanished":  # renamed back into place
            batch.append(notice(tracked.path, f"{tracked.path} is back; following it"))
            tracked.state = "following"
        return busy

    def _open(self, tracked: _Tracked, batch: list[LogLine], first: bool) -> bool:
        try:
            fd = os.open(tracked.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            if first:
                tracked.from_start = True
            self._report(tracked, "waiting", f"{tracked.path} does not exist yet; waiting "
                         "for it", batch)
            return False
        except OSError as exc:
            self._report(tracked, "unreadable", f"cannot open {tracked.path}: {exc.strerror}; "
                         "check its permissions", batch, "error")
            return False
        st = os.fstat(fd)
        tracked.fd = fd
        tracked.ident = (st.st_dev, st.st_ino)
        if first and not tracked.from_start:
            tracked.offset = tail_offset(fd, st.st_size, self.tail_lines)
        else:
            if tracked.state in ("waiting", "vanished", "unreadable"):
                batch.append(notice(tracked.path, f"{tracked.path} appeared; following it"))
            tracked.offset = 0
        tracked.state = "following"
        tracked.splitter.reset()
        return True

    def _read(self, tracked: _Tracked, batch: list[LogLine], budget: int = _BUDGET) -> bool:
        assert tracked.fd is not None
        total = 0
        while total < budget:
            try:
                chunk = os.pread(tracked.fd, _READ_SIZE, tracked.offset)
            except OSError as exc:
                self._report(tracked, "unreadable", f"cannot read {tracked.path}: "
                             f"{exc.strerror}", batch, "error")
                return False
            if not chunk:
                return False
            tracked.offset += len(chunk)
            total += len(chunk)
            batch.extend(self._lines(tracked, tracked.splitter.feed(chunk)))
        return True

    def _lines(self, tracked: _Tracked, lines: list[tuple[str, bool]]) -> list[LogLine]:
        now = datetime.now(UTC)
        source = tracked.path
        return [LogLine(now, source, text, "", "", cut) for text, cut in lines]

    def _close(self, tracked: _Tracked) -> None:
        if tracked.fd is not None:
            with contextlib.suppress(OSError):
                os.close(tracked.fd)
        tracked.fd = None
        tracked.ident = None
