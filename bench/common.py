"""What every benchmark shares: the result row, process memory, and small timing helpers.

Each benchmark returns :class:`Result` rows so the runner can print one table and
one JSON object per benchmark, always with the baseline measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass
class Check:
    """One figure against its target: ``figure <op> target``."""

    name: str
    figure: float | None
    target: float | None
    unit: str
    higher_is_better: bool = False
    baseline: float | None = None
    ratio: float | None = None  # figure / baseline (or as the benchmark defines it)

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        if self.figure is None:
            return False
        if self.higher_is_better:
            return self.figure >= self.target
        return self.figure <= self.target


@dataclass
class Result:
    """One benchmark: its checks, free-form details and whether it could run at all."""

    name: str
    checks: list[Check] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""  # why it did not run ("" when it ran)
    error: str = ""

    @property
    def passed(self) -> bool | None:
        if self.skipped:
            return None
        if self.error:
            return False
        verdicts = [c.passed for c in self.checks if c.passed is not None]
        return all(verdicts) if verdicts else None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "skipped": self.skipped,
            "error": self.error,
            "checks": [asdict(c) | {"passed": c.passed} for c in self.checks],
            "details": self.details,
        }


def rss_kb(pid: int | None = None) -> tuple[int, int]:
    """``(VmRSS, VmHWM)`` of ``pid`` (default: this process) in kB, from /proc."""
    rss = hwm = 0
    path = f"/proc/{pid or os.getpid()}/status"
    try:
        with open(path) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (children of all its threads, recursively)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def pss_kb(pid: int) -> int:
    """Proportional set size of ``pid`` in kB: its private pages plus its share of the
    pages it shares (libraries, the interpreter), so a sum over processes counts each
    page once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(pid: int | None = None, exclude: Sequence[str] = ()) -> int:
    """Memory of ``pid`` plus all its descendants (the log process, the pattern miner), kB:
    the sum of their PSS (RSS would count the shared interpreter pages once per process).

    cockpit's work is spread over processes; its memory is what they hold together.
    Descendants whose command line contains one of ``exclude`` (the benchmark's own
    log command) are left out.
    """
    root = pid or os.getpid()
    total = pss_kb(root)
    for child in descendants(root):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                argv = cmdline.read().decode(errors="replace")
        except OSError:
            continue
        if not any(word in argv for word in exclude):
            total += pss_kb(child)
    return total


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python: the repo on the path, a plain 256-colour terminal."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["TERM"] = "xterm-256color"
    env.pop("COCKPIT_CONFIG", None)
    for name in ("TEXTUAL", "TEXTUAL_DEBUG", "TEXTUAL_DEVTOOLS_PORT", "NO_COLOR"):
        env.pop(name, None)
    env.update(extra)
    return env
