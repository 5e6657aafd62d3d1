"""Run a follower in a thread and wait (with a deadline) for what it yields."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from cockpit.sources.base import LogLine


class Collector:
    """Consumes ``follow()`` in a thread; tests poll :meth:`wait_for` with a deadline."""

    def __init__(self, follow: Callable[[], Iterator[list[LogLine]]]) -> None:
        self.lines: list[LogLine] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(follow,), daemon=True)
        self.thread.start()

    def _run(self, follow: Callable[[], Iterator[list[LogLine]]]) -> None:
        for batch in follow():
            with self._lock:
                self.lines.extend(batch)

    def texts(self) -> list[str]:
        with self._lock:
            return [line.text for line in self.lines]

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts()
            if predicate(texts):
                return texts
            time.sleep(0.02)
        raise AssertionError(f"condition not met in {timeout}s; got {self.texts()!r}")

    def wait_text(self, text: str, timeout: float = 10) -> list[str]:
        return self.wait_for(lambda texts: any(text in t for t in texts), timeout)
