"""The benchmark harness runs and speaks JSON (figures are not asserted: speed is bench/'s job)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECK_KEYS = {"name", "figure", "target", "unit", "higher_is_better", "baseline", "ratio",
              "passed"}


def test_quick_json_prints_one_object_per_benchmark() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--json", "journal",
         "postmortem"], capture_output=True, text=True, timeout=120, cwd=REPO)
    objects = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [o["name"] for o in objects] == ["journal", "postmortem"], done.stderr
    for obj in objects:
        assert {"name", "passed", "skipped", "error", "checks", "details"} <= obj.keys()
        assert obj["error"] == "" and obj["skipped"] == ""
        assert obj["checks"], obj
        for check in obj["checks"]:
            assert check.keys() >= CHECK_KEYS
            assert isinstance(check["figure"], float)
    assert "benchmark" in done.stderr  # the table goes to stderr when stdout is JSON


def test_unknown_benchmark_is_one_clear_error() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "nosuch"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "bench: unknown benchmark nosuch; choose from ingest, keys-under-flood, "
        "keys-under-fault, cold-start, "
        "memory, patterns, postmortem, journal"]
