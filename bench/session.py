"""Start the real cockpit in a pty with a private home and a flood as its log source.

Prometheus, Alertmanager and Kubernetes are off unless ``extra_config`` turns
them on, so what we time is the app and the log path, not a network.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import PYTHON, REPO, child_env
from bench.ptyterm import PtyProcess

#: Every pane's title: all of them on screen is a full first frame.
PANE_TITLES = ("Metrics", "Logs", "Cluster & alerts", "Timeline (UTC)", "Analysis", "Actions")
#: On screen once every pane's contents are mounted: the footer comes with them. The
#: key benchmarks start pressing after it, so they time the running app, not its start.
FILLED_MARK = "Remedy"


def write_config(home: Path, flood_args: Sequence[str], extra_config: str = "") -> Path:
    command = [PYTHON, str(REPO / "bench" / "flood.py"), *flood_args]
    config = home / "bench-config.toml"
    body = extra_config or "[kubernetes]\nenabled = false\n"
    config.write_text(f"{body}\n[logs]\ncommand = {json.dumps(command)}\n")
    return config


def start_cockpit(home: Path, flood_args: Sequence[str], *, extra_config: str = "",
                  instrumented: bool = True) -> PtyProcess:
    """``cockpit --config … open --title bench`` in a pty (instrumented: SIGUSR1 → stats)."""
    home.mkdir(parents=True, exist_ok=True)
    config = write_config(home, flood_args, extra_config)
    entry = [str(REPO / "bench" / "app_under_test.py")] if instrumented else ["-m", "cockpit"]
    env = child_env(COCKPIT_HOME=str(home), BENCH_STATS=str(home / "stats.json"))
    return PtyProcess([PYTHON, *entry, "--config", str(config), "open", "--title", "bench"],
                      env, cwd=str(REPO))


def app_stats(proc: PtyProcess, home: Path, timeout: float = 3.0) -> dict[str, Any] | None:
    """Ask the instrumented app for its log counters (SIGUSR1) and read them."""
    path = home / "stats.json"
    path.unlink(missing_ok=True)
    try:
        os.kill(proc.pid, signal.SIGUSR1)
    except ProcessLookupError:
        return None
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if path.exists():
            try:
                result: dict[str, Any] = json.loads(path.read_text())
                return result
            except ValueError:
                pass
        time.sleep(0.02)
    return None
