"""Run cockpit's benchmarks and print one table (and, with --json, one object each).

    python bench/run.py [--quick] [--json] [NAME ...]

Every figure is shown beside its target and a baseline measured in the same
run on the same machine, so a busy machine slows both. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Result

#: name -> module under bench/ with ``run(quick: bool) -> Result``
BENCHMARKS = {
    "ingest": "bench.ingest",
    "keys-under-flood": "bench.keys",
    "keys-under-fault": "bench.keys_faults",
    "cold-start": "bench.coldstart",
    "memory": "bench.memory",
    "patterns": "bench.patterns",
    "postmortem": "bench.postmortem",
    "journal": "bench.journal",
}


def run_one(name: str, quick: bool) -> Result:
    load = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        result: Result = importlib.import_module(BENCHMARKS[name]).run(quick)
    except Exception as exc:
        result = Result(name, error=f"{type(exc).__name__}: {exc}")
        result.details["traceback"] = traceback.format_exc(limit=5)
    result.details["seconds"] = round(time.perf_counter() - started, 2)
    result.details["load_before"] = load
    return result


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "figure", "value", "target", "baseline", "ratio", "result")]
    for result in results:
        if result.skipped or result.error:
            verdict = "SKIP" if result.skipped else "ERROR"
            rows.append((result.name, result.skipped or result.error, "", "", "", "", verdict))
            continue
        for check in result.checks:
            op = ">=" if check.higher_is_better else "<="
            target = f"{op} {_num(check.target)}" if check.target is not None else "-"
            verdict = {True: "pass", False: "FAIL", None: "info"}[check.passed]
            rows.append((result.name, check.name, f"{_num(check.figure)} {check.unit}", target,
                         _num(check.baseline), _num(check.ratio), verdict))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths,
                                                                            strict=True))
                     .rstrip() for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs (< 2 min in all)")
    parser.add_argument("--json", action="store_true", help="one JSON object per benchmark")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        print(f"bench: unknown benchmark {', '.join(unknown)}; choose from "
              f"{', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    results = []
    for name in args.names or list(BENCHMARKS):
        result = run_one(name, args.quick)
        results.append(result)
        if args.json:
            print(json.dumps(result.to_json()), flush=True)
        else:
            print(f"{name}: done in {result.details['seconds']} s", file=sys.stderr, flush=True)
    print(table(results), file=sys.stderr if args.json else sys.stdout)
    return 1 if any(r.passed is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
