"""The append-only, fsynced incident journal (one JSONL file per incident).

Why this shape: at 03:00 a crash, a dropped SSH session or a second terminal
must never cost an event. Every append is one ``write`` of a whole line under
an exclusive ``flock``, on a descriptor opened ``O_DSYNC``: the write returns once the
line and the file's new size are on the disk (as ``write`` then ``fdatasync`` would, in
one system call instead of two), so:

* an acknowledged append survives ``kill -9`` and power loss;
* two processes appending to one incident never interleave partial lines;
* a torn last line (a crash mid-write) is skipped with a warning on replay,
  and the next append starts on a fresh line, so every other event survives;
* events carrying an idempotency ``key`` are written at most once, even
  across processes (the check happens under the same lock).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

from msgspec import Struct, field

from cockpit.incident.codec import (
    FORMAT_VERSION,
    decode_event,
    encode_event,
    format_ts,
    parse_ts,
)
from cockpit.incident.model import Event
from cockpit.name_watch import NAMES

__all__ = ["FORMAT_VERSION", "Journal", "JournalError", "JournalWriteError", "Replay",
           "decode_event", "encode_event", "format_ts", "parse_ts"]


#: Bound once: each append runs right after the previous one's sync, when every
#: attribute look-up costs about three times what it costs warm.
_flock, _LOCK_EX, _LOCK_UN = fcntl.flock, fcntl.LOCK_EX, fcntl.LOCK_UN
_lseek, _SEEK_END, _write = os.lseek, os.SEEK_END, os.write
#: Each write is durable before it returns: the data and the metadata needed to read it
#: back (the size), not the mtime. One system call less than write + fsync, the
#: guarantee PostgreSQL and SQLite rely on for their logs.
_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_DSYNC


class JournalError(Exception):
    """The journal cannot be used; the message says what to do."""


class JournalWriteError(JournalError):
    """An append did not reach the disk (the event was NOT recorded)."""

    def __init__(self, message: str, *, errno_: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_

    @property
    def disk_full(self) -> bool:
        return self.errno in (errno.ENOSPC, errno.EDQUOT)


class Replay(Struct):
    """What a journal file holds: its events, and what had to be skipped."""

    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Journal:
    """One incident's journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: set[str] = set()
        self._offset = 0  # bytes already scanned for keys
        self._fd: int | None = None
        self._closer: weakref.finalize[[int, int], Journal] | None = None
        self._watch = -1  # our descriptor's name watch (cockpit.name_watch)
        self._seen = -1  # the watch generation last looked at; -1: look next time
        self._clean_end = -1  # the file's size right after our last append
        self._lock = threading.Lock()  # flock cannot tell our own threads apart

    # -- reading -------------------------------------------------------------

    def replay(self) -> Replay:
        """Every readable event in file order; torn or corrupt lines become warnings."""
        result = Replay()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise JournalError(f"{self.path}: no such journal") from None
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot read: {exc.strerror}") from None
        for number, line, complete in _lines(raw):
            event = self._parse(line, number, complete, result.warnings)
            if event is not None:
                result.events.append(event)
        self._offset = max(self._offset, len(raw))
        return result

    def _parse(self, line: bytes, number: int, complete: bool, warnings: list[str]) -> Event | None:
        if not line.strip():
            return None
        try:
            record = json.loads(line)
            version = int(record.get("v", 0))
        except (ValueError, AttributeError):
            what = "torn last line (interrupted write)" if not complete else "unreadable line"
            warnings.append(f"{self.path}:{number}: {what}, skipped")
            return None
        if version > FORMAT_VERSION:
            raise JournalError(
                f"{self.path}:{number}: written by a newer cockpit (journal format {version}, "
                f"this version reads {FORMAT_VERSION}); upgrade cockpit to open it"
            )
        try:
            event = decode_event(record)
        except (KeyError, ValueError, TypeError) as exc:
            warnings.append(f"{self.path}:{number}: malformed event ({exc}), skipped")
            return None
        if event.key is not None:
            self._keys.add(event.key)
        return event

    # -- writing -------------------------------------------------------------

    def append(self, event: Event) -> bool:
        """Write ``event`` durably; False if its ``key`` is already journalled.

        Raises :class:`JournalWriteError` when the event could not be stored
        (disk full, read-only, permissions): the caller still has the event.
        """
        data = encode_event(event)  # before the locks: nothing waits on it
        key = event.key
        with self._lock:
            fd = self._fd
            try:  # the descriptor is kept (see _follow), under an exclusive flock
                if fd is None:
                    fd = self._open()
                _flock(fd, _LOCK_EX)
                if self._seen != NAMES.generation or NAMES.pending(0):
                    fd = self._follow(fd)
                size = _lseek(fd, 0, _SEEK_END)
            except OSError as exc:
                raise JournalWriteError(f"{self.path}: cannot open for writing: "
                                        f"{exc.strerror}", errno_=exc.errno) from None
            try:
                if key is not None:
                    self._catch_up(fd, size)
                    if key in self._keys:
                        return False
                # never glue an event onto a torn line (a file still the size our last
                # line left it ends with that line's "\n")
                if size != self._clean_end and size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data
                written = _write(fd, data)  # durable on return (O_DSYNC)
                if written != len(data):
                    _write_all(fd, data[written:])
                self._offset = self._clean_end = size + len(data)
                if key is not None:
                    self._keys.add(key)
                return True
            except OSError as exc:
                self._clean_end = -1
                with contextlib.suppress(OSError):  # take back a partial line: replay stays clean
                    os.ftruncate(fd, size)
                raise JournalWriteError(f"{self.path}: write failed: {exc.strerror}",
                                        errno_=exc.errno) from None
            finally:
                try:
                    _flock(fd, _LOCK_UN)
                except OSError:  # pragma: no cover - closing the descriptor releases it too
                    self.close()

    def _follow(self, fd: int) -> int:
        """Something may have happened to the file we hold: if it has no name left
        (deleted, or replaced by a rename), follow the path.

        The descriptor is opened on the first append and kept, because reopening
        the path and closing it for every event cost a fifth of an fsynced append;
        the path stays the authority, so no event goes to an orphaned inode.
        fstat is asked only when the name watch had an event (see
        cockpit.name_watch), or on each append where there is no watch.
        """
        if NAMES.pending(0):
            NAMES.drain()
        self._seen = NAMES.generation if self._watch >= 0 else -1  # before fstat: no gap
        if os.fstat(fd).st_nlink:
            return fd
        self.close()  # closing releases our lock on the old file
        try:
            fd = self._open()
            _flock(fd, _LOCK_EX)
        except OSError as exc:
            raise JournalWriteError(f"{self.path}: cannot open for writing: {exc.strerror}",
                                    errno_=exc.errno) from None
        return self._follow(fd)  # replaced again meanwhile? (the watch makes this rare)

    def _open(self) -> int:
        fd = os.open(self.path, _FLAGS, 0o600)
        self._watch = NAMES.watch(fd)
        self._fd, self._clean_end, self._seen = fd, -1, -1  # first append: fstat once
        self._closer = weakref.finalize(self, _release, fd, self._watch)
        return fd

    def close(self) -> None:
        """Close the descriptor now (it is also closed when the journal is collected)."""
        if self._closer is not None:
            self._closer()
        self._fd = self._closer = None

    def _catch_up(self, fd: int, size: int) -> None:
        """Learn the keys other writers appended since we last looked."""
        if size <= self._offset:
            return
        chunk = os.pread(fd, size - self._offset, self._offset)
        for line in chunk.split(b"\n"):
            if b'"key"' not in line:
                continue
            try:
                key = json.loads(line).get("key")
            except ValueError:
                continue
            if isinstance(key, str):
                self._keys.add(key)
        self._offset = size

    def has_key(self, key: str) -> bool:
        return key in self._keys


def _lines(raw: bytes) -> Iterator[tuple[int, bytes, bool]]:
    parts = raw.split(b"\n")
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index == last and not part:
            break
        yield index + 1, part, index < last


def _release(fd: int, watch: int) -> None:
    if watch >= 0:
        NAMES.unwatch(watch)
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
