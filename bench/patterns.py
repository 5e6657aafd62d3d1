"""Benchmark 5, patterns: cockpit's template miner vs Drain3 with its example masking.

The corpora and both runners are bench/patterns_bench.py's (mixed real-world formats;
Kubernetes-style logs from the five built-in scenarios). Targets (one core): ≥ 20k
lines/s mixed, ≥ 100k lines/s k8s-style; ratio to Drain3 in the same run ≥ 2.
"""

from __future__ import annotations

import logging

from bench.common import Check, Result


def run(quick: bool) -> Result:
    logging.getLogger("drain3").setLevel(logging.WARNING)
    from bench.patterns_bench import k8s_corpus, mixed_corpus, run_cockpit, run_drain3

    count = 20_000 if quick else 100_000
    checks: list[Check] = []
    details: dict[str, object] = {"lines": count,
                                  "baseline": "drain3 TemplateMiner, example masking config"}
    for name, texts, target in (
        ("mixed", [text for text, _label in mixed_corpus(count)], 20_000.0),
        ("k8s", k8s_corpus(count), 100_000.0),
    ):
        ours_s, _ = run_cockpit(texts)
        theirs_s, _ = run_drain3(texts)
        rate, baseline = len(texts) / ours_s, len(texts) / theirs_s
        checks.append(Check(f"{name} lines/s", rate, target, "lines/s", higher_is_better=True,
                            baseline=baseline, ratio=rate / baseline))
        checks.append(Check(f"{name} ratio cockpit/drain3", rate / baseline, 2.0, "x",
                            higher_is_better=True))
    return Result("patterns", checks=checks, details=details)
