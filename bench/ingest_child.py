"""One side of the ingest benchmark, run in its own process on a pty (see ingest.py).

``cockpit`` mode: 50 pods' byte streams, cut into 4 KiB chunks anywhere, go
through the app's real path — in the log process, a LineSplitter per pod and
the LogIngest (timestamp, level tagging, bounded buffer), the pattern miner's
queue and the pipe to the app; in the app, the drain timer and
``LogsPane.append`` — into a 10k-line pane. The feeder is a lossless source,
as fast as the ingest takes lines without overflowing (like a reader that is
never the bottleneck). ``bare`` mode: the same lines, already formatted, written
straight into a bare Textual ``Log`` from a thread. Memory is the PSS of the app
and its child processes together, sampled every PSS_EVERY_S on both sides (reading
smaps costs the kernel and the sampling thread time, so both sides pay it). Prints one
JSON object to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.chunk_source import PANE_LINES, ChunkSource, expected_tail, pod_text
from bench.common import rss_kb, tree_pss_kb
from bench.flood import pod_names

# Textual and the app are imported inside the runners: the log process, spawned
# from this program, re-imports this module as its __main__ and must stay light.

SETTLE_S = 0.7
PSS_EVERY_S = 0.25


def _wait_for_screen(app: Any) -> Any:
    """The main screen once its log process runs, then a short settle (the idle state)."""
    from cockpit.sources.logs.process import LogProcess

    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        screen = app.main_screen
        logs = getattr(screen, "_logs", None)
        if isinstance(logs, LogProcess) and logs.running():
            time.sleep(SETTLE_S)
            return screen
        time.sleep(0.01)
    raise RuntimeError("the cockpit's log process did not start within 30 s")


def run_cockpit(total: int, pods: int) -> dict[str, Any]:
    from cockpit.config import Config
    from cockpit.config.schema import KubernetesConfig
    from cockpit.incident.model import Severity
    from cockpit.incident.store import IncidentStore
    from cockpit.ui.app import create_app
    from cockpit.ui.sources import SourceSet
    from cockpit.ui.widgets.log_view import LogView
    from cockpit.ui.widgets.logs import LogsPane
    from cockpit.ui.wiring import LazyLogs

    home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    loaded = IncidentStore(home / "incidents").create(
        "bench ingest", Severity.SEV2, ["api-gateway"], commander="bench")
    go_file = home / "go"
    source = LazyLogs("logs", partial(ChunkSource, total, pods, str(go_file)))
    config = Config(kubernetes=KubernetesConfig(enabled=False))
    app = create_app(config, loaded, SourceSet(logs=[source]))
    result: dict[str, Any] = {}

    def drive() -> None:
        screen = _wait_for_screen(app)
        logs = screen._logs
        pane = app.call_from_thread(screen.query_one, LogsPane)
        result["idle_rss_kb"] = tree_pss_kb()
        started = time.perf_counter()
        go_file.touch()
        peak, sampled = 0, 0.0
        while pane.received < total:
            time.sleep(0.01)
            now = time.perf_counter()
            if now - sampled >= PSS_EVERY_S:  # reading smaps costs the kernel ~1 ms a process
                peak, sampled = max(peak, tree_pss_kb()), now
        elapsed = time.perf_counter() - started
        rss, hwm = rss_kb()
        expected = expected_tail(total, pods)

        def check() -> dict[str, Any]:
            log = pane.query_one(LogView)
            held = [line.text for line in pane.lines]
            stats = logs.stats()
            return {"pane_exact": held == expected and log.line_count == PANE_LINES
                    and log.lines[-1].endswith(expected[-1])
                    and log.lines[0].endswith(expected[0]),
                    "pane_lines": len(held), "log_lines": log.line_count,
                    "dropped": stats.dropped, "received": stats.received}

        result.update(app.call_from_thread(check))
        result.update(seconds=elapsed, lines=total, rate=total / elapsed, rss_kb=rss,
                      hwm_kb=hwm, tree_peak_kb=peak)
        app.call_from_thread(app.exit)

    _start(app, drive, result)
    return result


def run_bare(total: int, pods: int, batch: int = 2000) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import Log

    class BareLogApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Log(max_lines=PANE_LINES)

    app = BareLogApp()
    names = pod_names(pods)
    result: dict[str, Any] = {}

    def drive() -> None:
        while not app.is_running:
            time.sleep(0.01)
        time.sleep(SETTLE_S)
        log: Log = app.call_from_thread(app.query_one, Log)
        result["idle_rss_kb"] = tree_pss_kb()
        clock = f"{datetime.now(UTC):%H:%M:%S}"
        started = sampled = time.perf_counter()
        peak = 0
        for first in range(0, total, batch):
            lines = [f"{clock} {names[n % pods][-5:]} INFO  {pod_text(n, names[n % pods])}"
                     for n in range(first, min(total, first + batch))]
            app.call_from_thread(log.write_lines, lines)
            now = time.perf_counter()
            if now - sampled >= PSS_EVERY_S:  # measured as the cockpit side is: same cost
                peak, sampled = max(peak, tree_pss_kb()), now
        elapsed = time.perf_counter() - started
        rss, hwm = rss_kb()
        result.update(seconds=elapsed, lines=total, rate=total / elapsed, rss_kb=rss,
                      hwm_kb=hwm, tree_peak_kb=max(peak, tree_pss_kb()),
                      log_lines=log.line_count)
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
