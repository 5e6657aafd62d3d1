"""The log pane's pattern miner, running in its own process behind a small facade.

Mining holds the GIL, so it lives in a separate process (PatternWorker). The
worker starts in a thread after the first frame; lines drained before it is
ready wait in a bounded buffer instead of being missed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cockpit.sources.base import LogLine

if TYPE_CHECKING:
    from cockpit.analysis.pattern_snapshot import PatternSnapshot
    from cockpit.analysis.pattern_worker import PatternWorker

EARLY_LINES = 20_000


class PatternFeed:
    def __init__(self) -> None:
        self._worker: PatternWorker | None = None
        self._early: deque[LogLine] = deque(maxlen=EARLY_LINES)
        self._lock = threading.Lock()
        self._closed = False
        self.latest: PatternSnapshot | None = None
        self.error = ""

    def start(self) -> None:
        """Blocking (spawns a process): call from a thread worker."""
        try:
            from cockpit.analysis.pattern_worker import PatternWorker

            # Textual swaps sys.stderr for an object without a real file descriptor,
            # which multiprocessing's spawn refuses to pass on ("bad value(s) in
            # fds_to_keep"): lend it a real one for the moment of the spawn.
            with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
                worker = PatternWorker()
        except Exception as exc:  # patterns are an aid; the log stream goes on without them
            self.error = f"pattern miner unavailable: {exc}"
            return
        with self._lock:
            if self._closed:
                worker.close()
                return
            self._worker = worker
            early, self._early = list(self._early), deque(maxlen=EARLY_LINES)
        if early:
            worker.submit(early)

    def submit(self, lines: Sequence[LogLine]) -> None:
        with self._lock:
            worker = self._worker
            if worker is None:
                self._early.extend(lines)
                return
        worker.submit(lines)

    def snapshot(self) -> PatternSnapshot | None:
        worker = self._worker
        if worker is not None:
            self.latest = worker.snapshot()
        return self.latest

    def close(self) -> None:
        with self._lock:
            self._closed = True
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()
