"""Run the template miner in its own process, so mining never competes with the UI for the GIL.

The sender (the log process, or the UI's log-drain tick) calls :meth:`PatternWorker.submit`
or :meth:`~PatternWorker.submit_pickled` and :meth:`~PatternWorker.snapshot`; neither may
block. Lines travel as *pickled chunks*: the log process hands over the very bytes it sends
to the app, so a line is turned into a row and pickled once, not twice (~2 µs a line of the
log process). The miner process reads every chunk as soon as it arrives and holds the
decoded rows in a bounded :class:`~cockpit.analysis.pattern_sampling.RowBacklog`: when it
lags, the backlog is *sampled* (every other row kept, weights doubled), so counts stay
unbiased estimates, marked ``sampled``; once it catches up, lines are mined whole again.
Only while the miner cannot even read (starting, starved of CPU) does the sender decode
and thin what it holds, in its own RowBacklog, as it did for every line before. The child
publishes a snapshot every ``publish_every`` seconds; ``snapshot()`` returns the newest
one received.

Spawn-safe: the child entry point is a module-level function and only bytes, plain
tuples, queues and events cross the boundary.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import time
from collections.abc import Sequence
from multiprocessing.context import SpawnProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any

from cockpit import malloc_tune, pipes
from cockpit.analysis.pattern_sampling import Row, RowBacklog
from cockpit.analysis.pattern_snapshot import EMPTY, PatternSnapshot

if TYPE_CHECKING:  # the miner's process never loads the source model
    from cockpit.sources.base import LogLine

MINE_SLICE = 100  # rows mined between two reads of the queue (~1-2 ms)
# Smaller caches than PatternMiner's defaults (50k lines, 100k tokens): under a flood of
# unique lines (ids, line numbers) they fill with texts never seen again. Over a 200k-line
# replay of the ingest benchmark the miner grew 7 MB with 10k/20k, 4 MB with 5k/10k;
# repeated lines and tokens still hit (each cache is cleared when full).
WORKER_CACHES: dict[str, Any] = {"cache_size": 5_000, "token_cache_size": 10_000}


def decode_rows(data: bytes) -> list[Row]:
    """Rows of a pickled chunk: a tuple whose item 1 lists LogLine-shaped tuples."""
    return _to_rows(pickle.loads(data)[1])


def _to_rows(lines: Sequence[Sequence[Any]]) -> list[Row]:
    rows: list[Row] = []
    append = rows.append
    last_ts: Any = None
    seconds = 0.0
    for line in lines:
        ts = line[0]
        if ts is not last_ts:  # lines of one stamp share one datetime object
            last_ts, seconds = ts, ts.timestamp()
        append((seconds, line[1], line[2], line[3]))
    return rows


def _read(batches: Any, backlog: RowBacklog, timeout: float) -> int:
    """Move every chunk waiting in the queue into the backlog; lines read.

    Only the lines the backlog keeps become rows: under a flood, reading a chunk
    costs little more than unpickling it, so the miner keeps up with reading.
    """
    read = 0
    while True:
        try:
            weight, payload = batches.get(timeout=timeout) if timeout else batches.get_nowait()
        except queue.Empty:
            return read
        if isinstance(payload, bytes):  # a chunk, as the app received it
            lines = pickle.loads(payload)[1]
            backlog.hold_sample(lines, weight, len(lines), _to_rows)
        else:  # rows the sender already decoded and thinned
            lines = payload
            backlog.hold(lines, weight)
        read += len(lines)
        timeout = 0.0


def _run(batches: Any, results: Any, stop: Event, sampled: Synchronized[int],
         options: dict[str, Any], publish_every: float, limit: int | None,
         pending_lines: int) -> None:
    """The child process: read chunks, mine a bounded sample, publish snapshots."""
    from cockpit.analysis.patterns import PatternMiner  # drain3 loads in the child only

    with contextlib.suppress(OSError):
        os.nice(10)  # on a busy laptop the screen and the log stream come first
    malloc_tune.tune()
    miner = PatternMiner(**options)
    backlog = RowBacklog(pending_lines)
    received = settled = 0
    last_publish, dirty = 0.0, False
    while not stop.is_set():
        waited = not backlog
        read = _read(batches, backlog, 0.05 if waited else 0.0)
        received += read
        if backlog:
            weight, rows = backlog.take(MINE_SLICE)
            miner.add_rows(rows, weight)
            sampled.value = backlog.sampled_away
            dirty = True
        if not backlog:
            settled = received  # every line read is mined or counted through weights
        now = time.monotonic()
        if dirty and (now - last_publish >= publish_every or (waited and not read)):
            last_publish = now
            dirty = not _publish(results, (settled, miner.snapshot(limit).to_dict()))
    results.cancel_join_thread()


def _publish(results: Any, snapshot: tuple[int, dict[str, Any]]) -> bool:
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
        writer = getattr(self._batches, "_writer", None)  # the queue's pipe (private)
        if writer is not None:
            pipes.widen(writer.fileno())  # a chunk in one write (cockpit/pipes.py)
        self._results: Any = ctx.Queue(maxsize=2)
        self._stop = ctx.Event()
        self._sampled: Synchronized[int] = ctx.Value("q", 0, lock=False)
        self._pending_max = pending_lines
        self._chunks: list[tuple[bytes, int]] = []  # as received, while the child keeps up
        self._chunk_lines = 0
        self._rows = RowBacklog(pending_lines)  # decoded and thinned, while it does not
        self.submitted = 0  # lines handed to submit()
        self.sent = 0  # lines handed to the child
        self.settled = 0  # of those, lines the newest snapshot accounts for
        self._latest: PatternSnapshot = EMPTY
        self._process: SpawnProcess = ctx.Process(
            target=_run, name="cockpit-patterns", daemon=True,
            args=(self._batches, self._results, self._stop, self._sampled,
                  {**WORKER_CACHES, **miner_options},
                  publish_every, limit, pending_lines))
        self._process.start()
        self._closed = False

    @property
    def sampled_away(self) -> int:
        """Lines not mined (counted through the weights of others), here and in the child."""
        return self._rows.sampled_away + int(self._sampled.value)

    def submit(self, lines: Sequence[LogLine]) -> None:
        """Hand a batch of lines to the miner; never blocks, samples when the miner lags."""
        if lines and not self._closed:
            rows = list(map(tuple, lines))
            self.submit_pickled(pickle.dumps(("lines", rows), pickle.HIGHEST_PROTOCOL),
                                len(rows))

    def submit_pickled(self, data: bytes, lines: int) -> None:
        """Hand over a pickled chunk (see :func:`decode_rows`) of ``lines`` lines; never blocks."""
        if self._closed:
            return
        self.submitted += lines
        self._flush()  # what is still held from earlier calls goes first
        if self._rows or self._chunk_lines + lines > self._pending_max:
            # the child lags even in reading: sample here, in order, as before chunks
            for chunk, count in [*self._chunks, (data, lines)]:
                self._rows.hold_sample(pickle.loads(chunk)[1], 1.0, count, _to_rows)
            self._chunks, self._chunk_lines = [], 0
        else:
            self._chunks.append((data, lines))
            self._chunk_lines += lines
        self._flush()

    def _flush(self) -> None:
        put = self._batches.put_nowait
        try:
            if self._rows:
                put((self._rows.weight, self._rows.rows))
                self.sent += len(self._rows)
                self._rows.rows = []
            while self._chunks:
                data, lines = self._chunks[0]
                put((1.0, data))
                self.sent += lines
                self._chunk_lines -= lines
                del self._chunks[0]
        except queue.Full:
            return  # keep holding (bounded, thinned)

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
            self.settled = latest[0]
            self._latest = PatternSnapshot.from_dict(latest[1])
        return self._latest

    @property
    def held(self) -> int:
        """Lines (rows once sampled) waiting in this process for room in the queue."""
        return self._chunk_lines + len(self._rows)

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
