"""Benchmark 5, patterns: cockpit's template miner vs Drain3's default TemplateMiner.

Skipped (with the reason) when ``cockpit.analysis`` is not in this tree. The
same lines (the flood's message mix with varying ids, numbers and pods) go to
both in the same run. Target: at least Drain3's throughput (ratio ≥ 1).
"""

from __future__ import annotations

import importlib.util
import logging
import time
from datetime import UTC, datetime

from bench.common import Check, Result
from bench.flood import make_line, pod_names


def _lines(count: int) -> list[str]:
    pods = pod_names(50)
    return [make_line(n * 7919, pods).split(" ", 1)[1].rstrip("\n") for n in range(count)]


def drain3_rate(lines: list[str]) -> float:
    logging.getLogger("drain3").setLevel(logging.WARNING)
    from drain3 import TemplateMiner

    miner = TemplateMiner()
    started = time.perf_counter()
    for line in lines:
        miner.add_log_message(line)
    return len(lines) / (time.perf_counter() - started)


def cockpit_rate(lines: list[str]) -> tuple[float, int]:
    from cockpit.analysis.patterns import PatternMiner
    from cockpit.sources.base import LogLine

    miner = PatternMiner()
    now = datetime.now(UTC)
    batch = [LogLine(now, "api-gateway-7d9f8c6b5-p0001", text, "info", "", False)
             for text in lines]
    started = time.perf_counter()
    miner.add_many(batch)
    rate = len(lines) / (time.perf_counter() - started)
    return rate, len(miner.top(10_000))


def run(quick: bool) -> Result:
    count = 20_000 if quick else 100_000
    if importlib.util.find_spec("cockpit.analysis") is None:
        return Result("patterns", skipped="not available: cockpit.analysis is not in this tree")
    lines = _lines(count)
    try:
        rate, templates = cockpit_rate(lines)
    except (ImportError, AttributeError, TypeError) as exc:
        return Result("patterns", skipped=f"not available: cockpit.analysis has no usable "
                      f"PatternMiner ({exc})")
    baseline = drain3_rate(lines)
    return Result("patterns", checks=[
        Check("lines/s", rate, None, "lines/s", higher_is_better=True, baseline=baseline,
              ratio=rate / baseline),
        Check("ratio cockpit/drain3", rate / baseline, 1.0, "x", higher_is_better=True),
    ], details={"lines": count, "templates": templates})
