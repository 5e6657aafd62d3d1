"""Run a program in a pseudo-terminal and watch what it draws, with arrival times.

Why: a key's latency is what the engineer sees, so we measure from the moment
the key byte is written to the terminal until the output stream carries the
text that shows its effect. A reader thread drains the pty as fast as a real
terminal would (an unread pty would block the app), strips escape sequences
and keeps the plain text with the time each chunk arrived.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence

_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\"
                     r"|[()][0-9A-Za-z]|[=>78cM])")
_PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?|P[^\x1b]*\x1b?|[()])?\Z")


class PtyProcess:
    """A child process on a pty of ``cols`` x ``rows``; text it drew, timestamped."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], *, cols: int = 160,
                 rows: int = 48, cwd: str | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True, close_fds=True, preexec_fn=_take_tty,
        )
        os.close(slave)
        self.master = master
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._carry = ""
        self._lock = threading.Condition()
        self._text = ""  # plain text since ``_base``
        self._base = 0  # absolute offset of _text[0]
        self._times: list[tuple[int, float]] = []  # (absolute end offset, arrival time)
        self.bytes_read = 0
        self.closed = False
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- reading ------------------------------------------------------------

    def _read_loop(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        break
                    continue
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            now = time.perf_counter()
            self.bytes_read += len(chunk)
            raw = self._carry + self._decoder.decode(chunk)
            partial = _PARTIAL.search(raw)
            self._carry = ""
            if partial is not None and partial.start() < len(raw):
                self._carry, raw = raw[partial.start():], raw[:partial.start()]
            plain = _ESCAPE.sub("", raw)
            with self._lock:
                self._text += plain
                self._times.append((self._base + len(self._text), now))
                self._lock.notify_all()
        with self._lock:
            self.closed = True
            self._lock.notify_all()

    def mark(self) -> int:
        """The current end of the text: search only what arrives after it."""
        with self._lock:
            return self._base + len(self._text)

    def forget_before(self, offset: int) -> None:
        """Drop text before ``offset`` (keeps memory flat on long runs)."""
        with self._lock:
            cut = max(0, min(offset, self._base + len(self._text)) - self._base)
            self._text = self._text[cut:]
            self._base += cut
            self._times = [t for t in self._times if t[0] > self._base]

    def wait_for(self, needle: str, since: int, timeout: float) -> tuple[float, int] | None:
        """``(arrival time, end offset)`` of the first ``needle`` at or after ``since``."""
        deadline = time.perf_counter() + timeout
        with self._lock:
            while True:
                start = max(0, since - self._base)
                index = self._text.find(needle, start)
                if index >= 0:
                    end = self._base + index + len(needle)
                    for offset, when in self._times:
                        if offset >= end:
                            return when, end
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    return None
                self._lock.wait(min(left, 0.05))

    def wait_all(self, needles: Sequence[str], since: int, timeout: float) -> float | None:
        """Arrival time of the chunk that completed the last of ``needles``."""
        latest = 0.0
        deadline = time.perf_counter() + timeout
        for needle in needles:
            found = self.wait_for(needle, since, max(0.0, deadline - time.perf_counter()))
            if found is None:
                return None
            latest = max(latest, found[0])
        return latest

    def text_since(self, offset: int) -> str:
        with self._lock:
            return self._text[max(0, offset - self._base):]

    # -- writing and ending -------------------------------------------------

    def send(self, data: bytes) -> float:
        """Write ``data`` to the terminal; the time just before the write."""
        now = time.perf_counter()
        os.write(self.master, data)
        return now

    def stop(self, grace: float = 2.0) -> None:
        """End the whole process group (SIGTERM, then SIGKILL) and close the pty."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(2.0)
        with contextlib.suppress(OSError):
            os.close(self.master)


def _take_tty() -> None:
    """In the child: make the pty its controlling terminal (like a real terminal does)."""
    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
