"""The ingest benchmark's feeder: 50 pods' kubectl-style byte streams, as a log source.

Its own light module because the log process builds it (pickled by reference):
a spawned child imports this, never the Textual app that runs the benchmark.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench.flood import LEVELS, MESSAGES, pod_names
from cockpit.sources.base import LogLine
from cockpit.sources.logs.split import LineSplitter

CHUNK_BYTES = 4096
PANE_LINES = 10_000


def pod_text(number: int, pod: str) -> str:
    level = LEVELS[number % len(LEVELS)]
    message = MESSAGES[number % len(MESSAGES)].format(n=number, ms=number % 997, a=number % 5)
    return f"{level} [{pod}] line={number} {message}"


def pod_streams(total: int, pods: int) -> Iterator[tuple[str, bytes]]:
    """``(pod, chunk)``: each pod's kubectl-style byte stream, cut every 4 KiB, round robin."""
    names = pod_names(pods)
    pending = {name: b"" for name in names}
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    number = 0
    while number < total or any(pending.values()):
        for name in names:
            buf = pending[name]
            while len(buf) < CHUNK_BYTES and number < total:
                line = f"{stamp} {pod_text(number, name)}\n".encode()
                buf += line
                number += 1
            chunk, pending[name] = buf[:CHUNK_BYTES], buf[CHUNK_BYTES:]
            if chunk:
                yield name, chunk


class ChunkSource:
    """A lossless LogSource replaying :func:`pod_streams` through one LineSplitter per pod.

    Built inside the log process from its picklable arguments, like every source the
    config describes; it starts when ``go_file`` exists, so the idle app is measured first.
    """

    lossless = True  # a replay waits for room in the ingest instead of losing lines

    def __init__(self, total: int, pods: int, go_file: str = "") -> None:
        self.total, self.pods, self.go_file = total, pods, go_file

    def follow(self) -> Iterator[list[LogLine]]:
        while self.go_file and not Path(self.go_file).exists():
            time.sleep(0.002)
        splitters = {name: LineSplitter() for name in pod_names(self.pods)}
        for pod, chunk in pod_streams(self.total, self.pods):
            now = datetime.now(UTC)
            yield [LogLine(now, pod, text, "", "", cut) for text, cut in splitters[pod].feed(chunk)]
        for pod, splitter in splitters.items():
            rest = [LogLine(datetime.now(UTC), pod, text, "", "", cut)
                    for text, cut in splitter.flush()]
            if rest:
                yield rest

    def stop(self) -> None:
        pass


def expected_tail(total: int, pods: int) -> list[str]:
    """The texts the pane must hold at the end: the replay's last 10k lines, stamp cut."""
    tail: deque[str] = deque(maxlen=PANE_LINES)
    for batch in ChunkSource(total, pods).follow():
        tail.extend(line.text.partition(" ")[2] for line in batch)
    return list(tail)
