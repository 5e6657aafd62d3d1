"""Benchmark 5, patterns: cockpit's template miner vs Drain3 with its example masking.

The corpora and both runners are bench/patterns_bench.py's (mixed real-world formats;
Kubernetes-style logs from the five built-in scenarios). Targets (one core): ≥ 20k
lines/s mixed, ≥ 100k lines/s k8s-style; ratio to Drain3 in the same run ≥ 2.

Both miners run in a fresh process per corpus, so neither pays for what the benchmarks
before it left in this one (a large heap lengthens every garbage collection: Drain3's
speed moved by 60 % between runs when it ran here), and they take turns every 2,000
lines there (bench/patterns_bench.py's ``interleaved``): run one after the other, each
for seconds, they met different machines on this VM. Full runs take three rounds and
report the medians.
"""

from __future__ import annotations

import json
import subprocess

from bench.common import PYTHON, REPO, Check, Result, child_env, median


def both_seconds(corpus: str, count: int) -> tuple[float, float]:
    """Seconds cockpit's miner and Drain3 took on ``count`` lines of ``corpus``, taking
    turns in a new process."""
    done = subprocess.run(
        [PYTHON, str(REPO / "bench" / "patterns_bench.py"), "--interleaved", "--corpus", corpus,
         "--lines", str(count)], env=child_env(), cwd=str(REPO), capture_output=True,
        text=True, timeout=600, check=True)
    spent = json.loads(done.stdout.splitlines()[-1])
    return float(spent["cockpit"]), float(spent["drain3"])


def run(quick: bool) -> Result:
    count = 20_000 if quick else 100_000
    rounds = 1 if quick else 3
    checks: list[Check] = []
    details: dict[str, object] = {"lines": count, "rounds": rounds,
                                  "baseline": "drain3 TemplateMiner, example masking config"}
    for name, target in (("mixed", 20_000.0), ("k8s", 100_000.0)):
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(rounds):
            our_s, their_s = both_seconds(name, count)
            ours.append(our_s)
            theirs.append(their_s)
        rate, baseline = count / median(ours), count / median(theirs)
        ratio = median([their_s / our_s for our_s, their_s in zip(ours, theirs, strict=True)])
        checks.append(Check(f"{name} lines/s", rate, target, "lines/s", higher_is_better=True,
                            baseline=baseline, ratio=ratio))
        checks.append(Check(f"{name} ratio cockpit/drain3 (median of rounds)", ratio, 2.0, "x",
                            higher_is_better=True))
        details[f"{name}_seconds"] = {"cockpit": ours, "drain3": theirs}
    return Result("patterns", checks=checks, details=details)
