"""One side of the ingest benchmark, run in its own process on a pty (see ingest.py).

``cockpit`` mode: 50 pods' byte streams, cut into 4 KiB chunks anywhere, go
through the app's real path — LineSplitter per pod, the screen's LogIngest
(timestamp, level tagging, bounded buffer), the 50 ms drain timer and
``LogsPane.append`` — into a 10k-line pane. The feeder is as fast as the
ingest takes lines without overflowing (like a reader that is never the
bottleneck). ``bare`` mode: the same lines, already formatted, written straight
into a bare Textual ``Log`` from a thread. Prints one JSON object to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Log

from bench.common import rss_kb
from bench.flood import LEVELS, MESSAGES, pod_names
from cockpit.config import Config
from cockpit.config.schema import KubernetesConfig
from cockpit.incident.model import Severity
from cockpit.incident.store import IncidentStore
from cockpit.sources.base import LogLine
from cockpit.sources.logs.split import LineSplitter
from cockpit.ui.app import create_app
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs import LogsPane

CHUNK_BYTES = 4096
PANE_LINES = 10_000
SETTLE_S = 0.7


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
    """A LogSource that replays :func:`pod_streams` through one LineSplitter per pod."""

    def __init__(self, total: int, pods: int) -> None:
        self.total, self.pods = total, pods
        self.go = threading.Event()
        self.room: Any = None  # () -> bool: may we put another batch without dropping?
        self.started = 0.0
        self.last_texts: deque[str] = deque(maxlen=PANE_LINES)

    def follow(self) -> Iterator[list[LogLine]]:
        self.go.wait()
        splitters = {name: LineSplitter() for name in pod_names(self.pods)}
        self.started = time.perf_counter()
        for pod, chunk in pod_streams(self.total, self.pods):
            now = datetime.now(UTC)
            batch = [LogLine(now, pod, text, "", "", cut)
                     for text, cut in splitters[pod].feed(chunk)]
            while not self.room():
                time.sleep(0.005)
            self.last_texts.extend(line.text.partition(" ")[2] for line in batch)
            yield batch
        for pod, splitter in splitters.items():
            rest = [LogLine(datetime.now(UTC), pod, text, "", "", cut)
                    for text, cut in splitter.flush()]
            if rest:
                self.last_texts.extend(line.text.partition(" ")[2] for line in rest)
                yield rest

    def stop(self) -> None:
        self.go.set()


def _wait_for_screen(app: Any) -> Any:
    """The main screen once its sources started, then a short settle (the idle state)."""
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        screen = app.main_screen
        if screen is not None and hasattr(screen, "_ingest") and app.workers:
            time.sleep(SETTLE_S)
            return screen
        time.sleep(0.01)
    raise RuntimeError("the cockpit screen did not start within 30 s")


def run_cockpit(total: int, pods: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    loaded = IncidentStore(home / "incidents").create(
        "bench ingest", Severity.SEV2, ["api-gateway"], commander="bench")
    source = ChunkSource(total, pods)
    config = Config(kubernetes=KubernetesConfig(enabled=False))
    app = create_app(config, loaded, SourceSet(logs=[source]))
    result: dict[str, Any] = {}

    def drive() -> None:
        screen = _wait_for_screen(app)
        ingest = screen._ingest
        pane = app.call_from_thread(screen.query_one, LogsPane)
        room = ingest.capacity - CHUNK_BYTES  # a batch never has more lines than bytes
        source.room = lambda: len(ingest) < room
        result["idle_rss_kb"] = rss_kb()[0]
        source.go.set()
        while pane.received < total:
            time.sleep(0.01)
        elapsed = time.perf_counter() - source.started
        rss, hwm = rss_kb()

        def check() -> dict[str, Any]:
            log = pane.query_one(LogView)
            expected = list(source.last_texts)
            held = [line.text for line in pane.lines]
            stats = ingest.stats()
            return {"pane_exact": held == expected and log.line_count == PANE_LINES
                    and log.lines[-1].endswith(expected[-1])
                    and log.lines[0].endswith(expected[0]),
                    "pane_lines": len(held), "log_lines": log.line_count,
                    "dropped": stats.dropped, "received": stats.received}

        result.update(app.call_from_thread(check))
        result.update(seconds=elapsed, lines=total, rate=total / elapsed, rss_kb=rss,
                      hwm_kb=hwm)
        app.call_from_thread(app.exit)

    _start(app, drive, result)
    return result


class BareLogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Log(max_lines=PANE_LINES)


def run_bare(total: int, pods: int, batch: int = 2000) -> dict[str, Any]:
    app = BareLogApp()
    names = pod_names(pods)
    result: dict[str, Any] = {}

    def drive() -> None:
        while not app.is_running:
            time.sleep(0.01)
        time.sleep(SETTLE_S)
        log = app.call_from_thread(app.query_one, Log)
        result["idle_rss_kb"] = rss_kb()[0]
        clock = f"{datetime.now(UTC):%H:%M:%S}"
        started = time.perf_counter()
        for first in range(0, total, batch):
            lines = [f"{clock} {names[n % pods][-5:]} INFO  {pod_text(n, names[n % pods])}"
                     for n in range(first, min(total, first + batch))]
            app.call_from_thread(log.write_lines, lines)
        elapsed = time.perf_counter() - started
        rss, hwm = rss_kb()
        result.update(seconds=elapsed, lines=total, rate=total / elapsed, rss_kb=rss,
                      hwm_kb=hwm, log_lines=log.line_count)
        app.call_from_thread(app.exit)

    _start(app, drive, result)
    return result


def _start(app: Any, drive: Any, result: dict[str, Any]) -> None:
    """Run ``drive`` beside the app; a failure ends the app with the reason in ``result``."""
    def guarded() -> None:
        try:
            drive()
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
            app.call_from_thread(app.exit)

    threading.Thread(target=guarded, daemon=True).start()
    app.run()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["cockpit", "bare"])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--pods", type=int, default=50)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    run = run_cockpit if args.mode == "cockpit" else run_bare
    result = run(args.lines, args.pods)
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
