"""The append-only, fsynced incident journal (one JSONL file per incident).

Why this shape: at 03:00 a crash, a dropped SSH session or a second terminal
must never cost an event. Every append is one ``write`` of a whole line under
an exclusive ``flock``, followed by ``fsync`` before the call returns, so:

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cockpit.incident.model import Event, EventKind

FORMAT_VERSION = 1


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


def format_ts(ts: datetime) -> str:
    """RFC 3339 UTC with milliseconds, e.g. ``2024-01-15T10:30:00.123Z``."""
    if ts.utcoffset():
        ts = ts.astimezone(UTC)
    return f"{ts.isoformat(timespec='milliseconds')[:23]}Z"  # strftime is 3x slower


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def encode_event(event: Event) -> bytes:
    record: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "ts": format_ts(event.ts),
        "kind": event.kind.value,
        "actor": event.actor,
        "text": event.text,
        "data": dict(event.data),
    }
    if event.key is not None:
        record["key"] = event.key
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        return line.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates from hostile input: escape, stay valid
        return json.dumps(record, separators=(",", ":"), default=str).encode("ascii") + b"\n"


def decode_event(record: dict[str, Any]) -> Event:
    return Event(
        ts=parse_ts(record["ts"]),
        kind=EventKind(record["kind"]),
        actor=str(record["actor"]),
        text=str(record["text"]),
        data=record.get("data") or {},
        key=record.get("key"),
    )


@dataclass
class Replay:
    """What a journal file holds: its events, and what had to be skipped."""

    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Journal:
    """One incident's journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: set[str] = set()
        self._offset = 0  # bytes already scanned for keys

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
        data = encode_event(event)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise JournalWriteError(f"{self.path}: cannot open for writing: {exc.strerror}",
                                    errno_=exc.errno) from None
        size: int | None = None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if event.key is not None:
                self._catch_up(size)
                if event.key in self._keys:
                    return False
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # never glue an event onto a torn line
            _write_all(fd, data)
            os.fsync(fd)
            self._offset = size + len(data)
            if event.key is not None:
                self._keys.add(event.key)
            return True
        except OSError as exc:
            if size is not None:  # take back a partial line: the file stays clean to replay
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
            raise JournalWriteError(f"{self.path}: write failed: {exc.strerror}",
                                    errno_=exc.errno) from None
        finally:
            os.close(fd)  # closing releases the lock

    def _catch_up(self, size: int) -> None:
        """Learn the keys other writers appended since we last looked."""
        if size <= self._offset:
            return
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read(size - self._offset)
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
