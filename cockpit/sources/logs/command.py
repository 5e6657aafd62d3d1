"""Follow a command's output: ``journalctl -fu api``, ``docker logs -f``, ``ssh host tail``.

The command is an argument vector, never a shell string, so nothing from the
config or the scenario is ever interpreted by a shell. It runs in its own
process group (pipelines and wrappers die with it on :meth:`stop`). stdout and
stderr are followed line by line (``container`` is "stdout" or "stderr") and
the way it ended is the stream's last line.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shlex
import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from cockpit.sources.base import HealthState, LogLine, SourceHealth
from cockpit.sources.logs.notices import notice
from cockpit.sources.logs.split import LineSplitter

_READ_SIZE = 1 << 16


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    return f"exited with status {returncode}"


class CommandFollower:
    """Run ``argv`` and yield its output lines in batches until it exits or is stopped."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        source: str = "",
        max_line_length: int = 4096,
        stop_grace_s: float = 2.0,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        if not argv:
            raise ValueError("logs.command is empty: give the command as a list, "
                             'e.g. ["journalctl", "-fu", "api"]')
        self.argv = [str(a) for a in argv]
        self.source = source or shlex.join(self.argv)
        self.max_line_length = max_line_length
        self.stop_grace_s = stop_grace_s
        self.env = env
        self.cwd = cwd
        self.returncode: int | None = None
        self.error = ""
        self._stop = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._last_ok: datetime | None = None

    @property
    def process_group(self) -> int | None:
        """The running command's process group (its own session), for a last-resort kill."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def stop(self) -> None:
        """Ask the follow loop to end; it terminates the command's process group."""
        self._stop.set()

    def follow(self) -> Iterator[list[LogLine]]:
        try:
            process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True, close_fds=True,
                env=self.env, cwd=self.cwd,
            )
        except FileNotFoundError:
            self.error = f"cannot run {self.argv[0]!r}: no such command (check logs.command)"
        except PermissionError:
            self.error = f"cannot run {self.argv[0]!r}: permission denied (is it executable?)"
        except OSError as exc:
            self.error = f"cannot run {self.argv[0]!r}: {exc.strerror}"
        if self.error:
            yield [notice(self.source, self.error, "error")]
            return
        self._process = process
        try:
            yield from self._pump(process)
        finally:
            self._terminate(process)
            for pipe in (process.stdout, process.stderr):
                if pipe is not None:
                    pipe.close()
        yield [self._final_line(process)]

    def _pump(self, process: subprocess.Popen[bytes]) -> Iterator[list[LogLine]]:
        assert process.stdout is not None and process.stderr is not None
        splitters = {process.stdout.fileno(): ("stdout", LineSplitter(self.max_line_length)),
                     process.stderr.fileno(): ("stderr", LineSplitter(self.max_line_length))}
        with selectors.DefaultSelector() as selector:
            for fd in splitters:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map() and not self._stop.is_set():
                exited = process.poll() is not None
                # once the command has exited, only drain what is already there:
                # a leftover grandchild may hold the pipe open forever
                ready = selector.select(0 if exited else 0.1)
                if exited and not ready:
                    break
                batch: list[LogLine] = []
                now = datetime.now(UTC)
                for key, _ in ready:
                    fd = int(key.fd)
                    stream, splitter = splitters[fd]
                    chunk = os.read(fd, _READ_SIZE)
                    lines = splitter.feed(chunk) if chunk else splitter.flush()
                    if not chunk:
                        selector.unregister(fd)
                    batch.extend(LogLine(now, self.source, text, "", stream, cut)
                                 for text, cut in lines)
                if batch:
                    self._last_ok = now
                    yield batch
            rest = [LogLine(datetime.now(UTC), self.source, text, "", stream, cut)
                    for stream, splitter in splitters.values() for text, cut in splitter.flush()]
            if rest:
                yield rest

    def _terminate(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_grace_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.returncode = process.returncode

    def _final_line(self, process: subprocess.Popen[bytes]) -> LogLine:
        code = process.returncode
        if self._stop.is_set() and code is not None and code < 0:
            return notice(self.source, f"command stopped ({describe_exit(code)})")
        text = f"command {describe_exit(code)}"
        if code != 0:
            self.error = text
        return notice(self.source, text, "info" if code == 0 else "error")

    def health(self) -> SourceHealth:
        if self.error:
            state = HealthState.DOWN
        elif self.returncode is None and self._process is not None:
            state = HealthState.OK
        else:
            state = HealthState.DEGRADED if self.returncode is not None else HealthState.OK
        return SourceHealth(source="logs", state=state, address=self.source,
                            last_error=self.error, last_ok=self._last_ok,
                            checked_at=datetime.now(UTC))
