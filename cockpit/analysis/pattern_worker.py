"""Run the template miner in its own process, so mining never competes with the UI for the GIL.

The UI calls :meth:`PatternWorker.submit` from its log-drain tick and
:meth:`PatternWorker.snapshot` on a timer; neither may block. Batches travel through a
bounded queue. When the producer outpaces the miner (the queue is full), the worker does
not block the caller nor grow memory: it holds the lines in one pending batch and, each
time that batch outgrows its bound, *samples* it — keeps every other line and doubles the
weight of the rest — so counts stay unbiased estimates, marked ``sampled``. Once the
miner catches up, lines go through whole again. The child publishes a snapshot every
``publish_every`` seconds; ``snapshot()`` returns the newest one received.

Spawn-safe: the child entry point is a module-level function and only plain tuples,
queues and events cross the boundary.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import time
from collections.abc import Sequence
from multiprocessing.context import SpawnProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import Any

from cockpit.analysis.pattern_snapshot import EMPTY, PatternSnapshot
from cockpit.sources.base import LogLine

Row = tuple[float, str, str, str]  # ts (unix seconds), source, text, level
Batch = tuple[float, list[Row]]  # (weight of each row, rows)


def _run(batches: Any, results: Any, stop: Event, consumed: Synchronized[int],
         options: dict[str, Any], publish_every: float, limit: int | None) -> None:
    """The child process: mine batches, publish snapshots, until told to stop."""
    from cockpit.analysis.patterns import PatternMiner  # drain3 loads in the child only

    with contextlib.suppress(OSError):
        os.nice(10)  # on a busy laptop the screen and the log stream come first
    miner = PatternMiner(**options)
    last_publish, dirty = 0.0, False
    while not stop.is_set():
        try:
            item = batches.get(timeout=0.05)
        except queue.Empty:
            item = None
        if item is not None:
            weight, rows = item
            add = miner.add_fields
            for ts, source, text, level in rows:
                add(ts, source, text, level, weight)
            with consumed.get_lock():
                consumed.value += 1
            dirty = True
        now = time.monotonic()
        if dirty and (now - last_publish >= publish_every or item is None):
            last_publish = now
            dirty = not _publish(results, miner.snapshot(limit).to_dict())
    results.cancel_join_thread()


def _publish(results: Any, snapshot: dict[str, Any]) -> bool:
    """Offer a snapshot; False when the parent has not read the previous ones yet."""
    try:
        results.put_nowait(snapshot)
    except queue.Full:
        return False
    return True


class PatternWorker:
    """A :class:`~cockpit.analysis.patterns.PatternMiner` in a separate process."""

    def __init__(self, *, max_batches: int = 8, pending_lines: int = 20_000,
                 publish_every: float = 0.5, limit: int | None = 500,
                 **miner_options: Any) -> None:
        ctx = mp.get_context("spawn")
        self._batches: Any = ctx.Queue(maxsize=max_batches)
        self._results: Any = ctx.Queue(maxsize=2)
        self._stop = ctx.Event()
        self._consumed: Synchronized[int] = ctx.Value("q", 0)
        self._max_batches = max_batches
        self._pending: list[Row] = []
        self._pending_weight = 1.0
        self._pending_max = pending_lines
        self._index = 0
        self._put = 0
        self.submitted = 0  # lines handed to submit()
        self.sampled_away = 0  # lines not mined (counted through the weights of others)
        self.sent = 0  # lines handed to the child (a snapshot with mined == sent is current)
        self._latest: PatternSnapshot = EMPTY
        self._process: SpawnProcess = ctx.Process(
            target=_run, name="cockpit-patterns", daemon=True,
            args=(self._batches, self._results, self._stop, self._consumed, miner_options,
                  publish_every, limit))
        self._process.start()
        self._closed = False

    @property
    def backlog(self) -> int:
        """Batches handed over but not yet mined."""
        return self._put - self._consumed.value

    def submit(self, lines: Sequence[LogLine]) -> None:
        """Hand a batch to the miner; never blocks, samples when the miner lags."""
        if self._closed:
            return
        self.submitted += len(lines)
        self._flush()  # what is still held from earlier calls goes first
        rows = [(ln.ts.timestamp(), ln.source, ln.text, ln.level) for ln in lines]
        self._hold(rows, 1.0)
        self._flush()

    def _hold(self, rows: list[Row], weight: float) -> None:
        """Add rows to the pending batch, every row of which weighs the same.

        Systematic sampling across batches: with weight k the rows whose running index is
        a multiple of k are kept, so a count is off by less than k, never biased.
        """
        if not self._pending:
            self._pending_weight = weight
        elif weight > self._pending_weight:
            self._thin(weight / self._pending_weight)
        step = int(self._pending_weight)
        kept = rows[(-self._index) % step::step] if step > 1 else rows
        self._index += len(rows)
        self.sampled_away += len(rows) - len(kept)
        self._pending.extend(kept)
        while len(self._pending) > self._pending_max:
            self._thin(2.0)

    def _thin(self, factor: float) -> None:
        step = max(1, int(factor))
        kept = self._pending[::step]
        self.sampled_away += len(self._pending) - len(kept)
        self._pending = kept
        self._pending_weight *= step

    def _flush(self) -> None:
        if not self._pending:
            return
        try:
            self._batches.put_nowait((self._pending_weight, self._pending))
        except queue.Full:
            return  # keep holding (bounded by _pending_max, thinned)
        self._put += 1
        self.sent += len(self._pending)
        self._pending = []

    def snapshot(self) -> PatternSnapshot:
        """The newest snapshot the miner published (never blocks; empty at first)."""
        if not self._closed:
            self._flush()
        latest = None
        while True:
            try:
                latest = self._results.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
        if latest is not None:
            self._latest = PatternSnapshot.from_dict(latest)
        return self._latest

    @property
    def held(self) -> int:
        """Lines waiting in this process for room in the queue."""
        return len(self._pending)

    def alive(self) -> bool:
        return self._process.is_alive()

    def close(self, timeout: float = 2.0) -> None:
        """Stop the child promptly (terminated if it does not stop within ``timeout``)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1.0)
        for q in (self._batches, self._results):
            q.cancel_join_thread()
            q.close()

    def __enter__(self) -> PatternWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
