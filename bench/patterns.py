"""Benchmark 5, patterns: cockpit's template miner vs Drain3 with its example masking.

The corpora and both runners are bench/patterns_bench.py's (mixed real-world formats;
Kubernetes-style logs from the five built-in scenarios). Targets (one core): ≥ 20k
lines/s mixed, ≥ 100k lines/s k8s-style; ratio to Drain3 in the same run ≥ 2.

Each side mines in a fresh process, so neither pays for what the benchmarks before it
left in this one (a large heap makes every garbage collection longer, and Drain3 makes
more garbage than the miner: its speed moved by 60 % between runs when it ran here).
Rounds alternate which side goes first; the ratio is the median of the rounds' ratios.
"""

from __future__ import annotations

import subprocess

from bench.common import PYTHON, REPO, Check, Result, child_env, median


def side_seconds(side: str, corpus: str, count: int) -> float:
    """Seconds ``side`` took to mine ``count`` lines of ``corpus``, alone in a new process."""
    done = subprocess.run(
        [PYTHON, str(REPO / "bench" / "patterns_bench.py"), "--time", side, "--corpus", corpus,
         "--lines", str(count)], env=child_env(), cwd=str(REPO), capture_output=True,
        text=True, timeout=600, check=True)
    return float(done.stdout.split()[-1])


def run(quick: bool) -> Result:
    count = 20_000 if quick else 100_000
    rounds = 1 if quick else 3
    checks: list[Check] = []
    details: dict[str, object] = {"lines": count, "rounds": rounds,
                                  "baseline": "drain3 TemplateMiner, example masking config"}
    for name, target in (("mixed", 20_000.0), ("k8s", 100_000.0)):
        ours: list[float] = []
        theirs: list[float] = []
        for number in range(rounds):
            for side in ("cockpit", "drain3") if number % 2 == 0 else ("drain3", "cockpit"):
                (ours if side == "cockpit" else theirs).append(side_seconds(side, name, count))
        rate, baseline = count / median(ours), count / median(theirs)
        ratio = median([their_s / our_s for our_s, their_s in zip(ours, theirs, strict=True)])
        checks.append(Check(f"{name} lines/s", rate, target, "lines/s", higher_is_better=True,
                            baseline=baseline, ratio=ratio))
        checks.append(Check(f"{name} ratio cockpit/drain3 (median of rounds)", ratio, 2.0, "x",
                            higher_is_better=True))
        details[f"{name}_seconds"] = {"cockpit": ours, "drain3": theirs}
    return Result("patterns", checks=checks, details=details)
