"""Benchmark 4, memory: 1M lines through the full app with every pane live.

The scenario simulator (Prometheus, Alertmanager and Kubernetes over
loopback) runs in this process; the app gets its config plus
``bench/flood.py --total N`` as a log command, at full speed. We sample the
app's RSS and its ingest counters (SIGUSR1) twice a second.
"""

from __future__ import annotations

import socketserver
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Check, Result, rss_kb, tree_pss_kb
from bench.session import PANE_TITLES, app_stats, start_cockpit


def run(quick: bool) -> Result:
    from cockpit.scenario import load_scenario
    from cockpit.scenario.sim import Simulator

    # the app is killed mid-request at the end: its torn connections are not news
    socketserver.BaseServer.handle_error = lambda *_args: None  # type: ignore[method-assign]
    total = 300_000 if quick else 1_000_000
    home = Path(tempfile.mkdtemp(prefix="bench-mem-"))
    sim = Simulator(load_scenario("api-gateway"), speed=10.0, anchor="now")
    sim.start()
    samples: list[dict[str, Any]] = []
    try:
        sim_config = sim.config_toml(sim.write_kubeconfig(home / "kubeconfig"))
        report = home / "flood.json"
        proc = start_cockpit(home / "app", ["--total", str(total), "--report", str(report)],
                             extra_config=sim_config)
        try:
            if proc.wait_all(PANE_TITLES, 0, 30) is None:
                return Result("memory", error="the app drew no full frame within 30 s")
            deadline = time.perf_counter() + (120 if quick else 400)
            while time.perf_counter() < deadline:
                time.sleep(0.5)
                stats = app_stats(proc, home / "app") or {}
                rss, hwm = rss_kb(proc.pid)
                tree = tree_pss_kb(proc.pid, exclude=("flood.py",))
                samples.append({"t": time.perf_counter() - proc.started, "rss_kb": rss,
                                "hwm_kb": hwm, "tree_kb": tree, **stats})
                proc.forget_before(proc.mark())
                if report.exists() and stats.get("received", 0) >= total \
                        and stats.get("buffered", 1) == 0:
                    break
            else:
                return Result("memory", error=f"{total} lines not through in time",
                              details={"samples": samples[-3:]})
        finally:
            proc.stop()
    finally:
        sim.stop()
    half = next(s for s in samples if s.get("received", 0) >= total // 2)
    end = samples[-1]
    growth = (end["rss_kb"] - half["rss_kb"]) / 1024
    peak = max(s["hwm_kb"] for s in samples) / 1024
    tree_peak = max(s["tree_kb"] for s in samples) / 1024
    tree_growth = (end["tree_kb"] - half["tree_kb"]) / 1024
    seconds = end["t"] - samples[0]["t"]
    return Result("memory", checks=[
        Check("peak RSS, app process", peak, 150.0, "MB"),
        Check("peak PSS, app + log process + miner (sampled)", tree_peak, 150.0, "MB"),
        Check(f"growth {total // 2000}k→{total // 1000}k lines", growth, 5.0, "MB"),
        Check(f"growth {total // 2000}k→{total // 1000}k lines, all processes", tree_growth,
              5.0, "MB"),
    ], details={"lines": total, "received": end.get("received"), "dropped": end.get("dropped"),
                "rss_half_mb": half["rss_kb"] / 1024, "rss_end_mb": end["rss_kb"] / 1024,
                "lines_per_s": end.get("received", 0) / seconds if seconds else None,
                "note": "quick run: 300k lines" if quick else ""})
