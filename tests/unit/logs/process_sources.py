"""Picklable log sources for the log-process tests (the child builds them itself), and
the waits those tests share."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from cockpit.sources.base import LogLine
from cockpit.sources.logs.command import CommandFollower

STAMP = "2026-11-29T03:00:00.123456789Z"


def printing_command(lines: int, pid_file: str = "", linger: bool = False) -> CommandFollower:
    """A real command printing ``lines`` kubectl-style lines (and its pid), then maybe waiting."""
    script = (
        "import os, sys, time\n"
        f"pid_file = {pid_file!r}\n"
        "if pid_file: open(pid_file, 'w').write(str(os.getpid()))\n"
        f"for n in range({lines}):\n"
        f"    print('{STAMP} ' + ('ERROR' if n % 10 == 0 else 'INFO') + f' request {{n}} done')\n"
        "sys.stdout.flush()\n"
        f"time.sleep({3600 if linger else 0})\n"
    )
    return CommandFollower([sys.executable, "-c", script], source="printer")


def broken_source() -> CommandFollower:
    raise ValueError("logs.command is empty: give the command as a list")


class Replay:
    """``total`` numbered lines in batches of 500; lossless: it waits for room."""

    lossless = True

    def __init__(self, total: int) -> None:
        self.total = total
        self._stop = threading.Event()

    def follow(self) -> Iterator[list[LogLine]]:
        now = datetime.now(UTC)
        for first in range(0, self.total, 500):
            if self._stop.is_set():
                return
            yield [LogLine(now, "replay", f"line {n}")
                   for n in range(first, min(self.total, first + 500))]

    def stop(self) -> None:
        self._stop.set()


class Live(Replay):
    """The same lines from a live stream: it never waits, so a full ingest drops the oldest."""

    lossless = False


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s")


def process_gone(pid: int) -> bool:
    """The process has ended (a zombie awaiting its parent's wait counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
