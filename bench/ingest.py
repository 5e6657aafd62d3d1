"""Benchmark 1, ingest: 200k lines from 50 pods through the full path into a 10k-line pane.

Both sides run in their own process on a pty (so the terminal output is real
and memory is the app's own): cockpit's path vs a bare Textual ``Log``. Each round runs
the two one after the other, the first alternating; the ratio is the median of the
rounds' own ratios (a side's rate moves by a tenth between runs on this VM; the two
runs of one round share its mood).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import PYTHON, REPO, Check, Result, child_env, median
from bench.ptyterm import PtyProcess


def run_side(mode: str, lines: int, pods: int = 50, timeout: float = 120) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="bench-ingest-")) / f"{mode}.json"
    proc = PtyProcess([PYTHON, "-m", "bench.ingest_child", mode, "--lines", str(lines),
                       "--pods", str(pods), "--out", str(out)], child_env(), cwd=str(REPO))
    try:
        proc.process.wait(timeout)
    except Exception:
        return {"error": f"{mode} side did not finish in {timeout:.0f} s"}
    finally:
        proc.stop()
    if not out.exists():
        return {"error": f"{mode} side wrote no result: {proc.text_since(0)[-300:]!r}"}
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def run(quick: bool) -> Result:
    lines = 200_000
    rounds = 1 if quick else 5
    sides: dict[str, list[dict[str, Any]]] = {"cockpit": [], "bare": []}
    for number in range(rounds):
        for mode in ("bare", "cockpit") if number % 2 == 0 else ("cockpit", "bare"):
            sides[mode].append(run_side(mode, lines))
    result = Result("ingest", details={"lines": lines, "pods": 50, "rounds": rounds})
    errors = [s["error"] for runs in sides.values() for s in runs if "error" in s]
    if errors:
        result.error = "; ".join(errors)
        return result
    cockpit, bare = sides["cockpit"], sides["bare"]
    rate = median([s["rate"] for s in cockpit])
    bare_rate = median([s["rate"] for s in bare])
    ratio = median([ours["rate"] / theirs["rate"]
                    for ours, theirs in zip(cockpit, bare, strict=True)])
    growth_mb = median([(s["tree_peak_kb"] - s["idle_rss_kb"]) / 1024 for s in cockpit])
    bare_growth_mb = median([(s["tree_peak_kb"] - s["idle_rss_kb"]) / 1024 for s in bare])
    exact = all(s["pane_exact"] for s in cockpit)
    result.checks = [
        Check("lines/s", rate, 50_000, "lines/s", higher_is_better=True, baseline=bare_rate,
              ratio=ratio),
        Check("ratio cockpit/bare (median of rounds)", ratio, 0.9, "x", higher_is_better=True),
        Check("pane holds exactly the last 10k", 1.0 if exact else 0.0, 1.0, "bool",
              higher_is_better=True),
        Check("memory over idle (PSS, app + children)", growth_mb, 30.0, "MB",
              baseline=bare_growth_mb),
        Check("lines dropped", float(max(s["dropped"] for s in cockpit)), 0.0, "lines"),
    ]
    result.details.update(cockpit=cockpit, bare=bare, ratio_of_medians=rate / bare_rate)
    return result
