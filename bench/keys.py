"""Benchmark 2, keys under flood: what the engineer waits for while logs pour in.

The real app runs in a pty with ``bench/flood.py`` as its log command (the
real CommandFollower path). Every ~137 ms we write ``w`` (metrics window:
15m → 1h → 3h → 6h) and time until the pane's border shows the new window
label in the terminal output. Baseline: the same keys on the idle app.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Check, Result, median, percentile
from bench.ptyterm import PtyProcess
from bench.session import FILLED_MARK, PANE_TITLES, app_stats, start_cockpit

LABELS = ("15m", "1h", "3h", "6h")
INTERVAL_S = 0.137
KEY_TIMEOUT_S = 2.0


def press_w(proc: PtyProcess, seconds: float) -> tuple[list[float], int, int]:
    """Press ``w`` every INTERVAL_S for ``seconds``: (latencies in ms, presses, keys lost).

    The app must show the first window (15m) when this starts.
    """
    latencies: list[float] = []
    lost = 0
    index = 0
    start = time.perf_counter()
    presses = max(1, int(seconds / INTERVAL_S))
    for number in range(presses):
        due = start + number * INTERVAL_S
        time.sleep(max(0.0, due - time.perf_counter()))
        index = (index + 1) % len(LABELS)
        mark = proc.mark()
        sent = proc.send(b"w")
        seen = proc.wait_for(f"window {LABELS[index]} (w)", mark, KEY_TIMEOUT_S)
        if seen is None:
            lost += 1
        else:
            latencies.append((seen[0] - sent) * 1000)
        if number % 20 == 0:
            proc.forget_before(mark)
    return latencies, presses, lost


def press_keys(home: Path, flood_args: list[str], seconds: float) -> dict[str, Any]:
    """Run the app with ``flood_args``; press ``w`` for ``seconds``; latencies and counts."""
    proc = start_cockpit(home, flood_args)
    try:
        # "●logs": the header shows the log source's health once its follower runs
        if proc.wait_all((*PANE_TITLES, FILLED_MARK, "●logs"), 0, 30) is None:
            return {"error": "the app did not fill its panes and start its logs within 30 s"}
        time.sleep(0.5)  # the sources have started: we time the running app, not its start
        latencies, presses, lost = press_w(proc, seconds)
        stats = _final_stats(proc, home)
        return {"latencies_ms": latencies, "presses": presses, "lost": lost, "stats": stats,
                "pty_bytes": proc.bytes_read}
    finally:
        proc.stop()


def _final_stats(proc: Any, home: Path) -> dict[str, Any]:
    """The app's counters once the flood ended and the ingest is empty (or 20 s passed)."""
    report = home / "flood.json"
    deadline = time.perf_counter() + 20
    stats: dict[str, Any] = {}
    while time.perf_counter() < deadline:
        if report.exists():
            sent = json.loads(report.read_text())["sent"]
            stats = app_stats(proc, home) or {}
            expected = sent + 2  # the first and last marker lines
            if stats.get("received", 0) >= expected and stats.get("buffered", 1) == 0:
                break
        time.sleep(0.2)
    if report.exists():
        stats["flood"] = json.loads(report.read_text())
    return stats


def run(quick: bool) -> Result:
    seconds = 30.0 if quick else 60.0
    base = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    idle_home, flood_home = base / "idle", base / "flood"
    idle = press_keys(idle_home, ["--seconds", "0", "--report", str(idle_home / "flood.json")],
                      5.0 if quick else 10.0)
    flood = press_keys(flood_home, ["--pods", "50", "--rate", "200", "--seconds", str(seconds),
                                    "--report", str(flood_home / "flood.json")], seconds)
    result = Result("keys-under-flood", details={"flood": "50 pods x 200 lines/s",
                                                 "seconds": seconds})
    for side in (idle, flood):
        if "error" in side:
            result.error = side["error"]
            return result
    lat, base_lat = flood["latencies_ms"], idle["latencies_ms"]
    stats = flood["stats"]
    sent = stats.get("flood", {}).get("sent", 0) + 2
    received = stats.get("received", 0)
    delivered = stats.get("delivered", 0)
    result.checks = [
        Check("p50", median(lat), 30.0, "ms", baseline=median(base_lat)),
        Check("p95", percentile(lat, 95), 75.0, "ms", baseline=percentile(base_lat, 95)),
        Check("max", max(lat, default=0.0), 150.0, "ms", baseline=max(base_lat, default=0.0)),
        Check("keys lost", float(flood["lost"]), 0.0, "keys", baseline=float(idle["lost"])),
        Check("lines ingested", delivered / sent * 100 if sent else 0.0, 99.0, "%",
              higher_is_better=True),
        Check("lines lost silently", float(sent - received), 0.0, "lines"),
    ]
    for check in result.checks[:3]:
        check.ratio = check.figure / check.baseline if check.figure and check.baseline else None
    result.details.update(
        presses=flood["presses"], idle_presses=idle["presses"], app=stats,
        flood_rate=(stats.get("flood", {}).get("sent", 0)
                    / max(stats.get("flood", {}).get("seconds", 1), 1e-9)),
        pty_mb=flood["pty_bytes"] / 1e6)
    return result
