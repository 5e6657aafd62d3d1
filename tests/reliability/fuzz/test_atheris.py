"""The atheris targets, run for a bounded number of inputs on every test run.

Each target runs in its own process (libFuzzer ends the process when it is
done, and on the first failing input writes it to ``crash-…`` and exits
non-zero), seeded with the hostile samples. Without atheris the coverage-guided
run is skipped, but the hostile samples still go through the same checks.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.fuzz.paths import SAMPLES, check_event_bytes, check_log_bytes
from tests.reliability.tally import Tally

REPO = Path(__file__).resolve().parents[3]
TARGETS = {
    "log_lines": (3000, "atheris: log bytes (LineSplitter → LogIngest → format_line)"),
    "event_text": (2000, "atheris: event text bytes (journal → post-mortem)"),
}
HAVE_ATHERIS = importlib.util.find_spec("atheris") is not None


@pytest.mark.skipif(not HAVE_ATHERIS, reason="atheris is not installed "
                    "(pip install atheris) — the coverage-guided fuzz run is skipped")
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_atheris_target_finds_no_failing_input(name: str, tmp_path: Path, tally: Tally) -> None:
    runs, klass = TARGETS[name]
    done = subprocess.run(
        [sys.executable, "-m", f"tests.reliability.fuzz.{name}", f"-atheris_runs={runs}",
         "-seed=9", f"-artifact_prefix={tmp_path}/"],
        cwd=REPO, capture_output=True, text=True, timeout=50)
    crashes = [p.name for p in tmp_path.glob("crash-*")]
    assert done.returncode == 0 and crashes == [], done.stderr[-3000:]
    ran = re.search(r"^Done (\d+) ", done.stderr, re.MULTILINE)
    assert ran is not None, done.stderr[-2000:]
    tally.hostile_input(klass, int(ran.group(1)))


def test_hostile_samples_through_both_fuzz_checks(tally: Tally) -> None:
    """The seeds themselves, without atheris: each hostile sample as log text, pod name,
    title, actor and note, and as a 1 MB line."""
    for sample in SAMPLES:
        raw = sample.encode("utf-8", "surrogateescape")
        megabyte = raw * ((1 << 20) // len(raw))
        rows = check_log_bytes(raw + b"\n" + raw + b"\n" + megabyte + b"\ntail")
        assert rows == 3 or (rows >= 1 and not raw.strip(b"\x00"))  # NUL-only lines are holes
        assert check_event_bytes(raw + b"\x00\x00" + raw + b"\x00\x00# " + raw +
                                 b"\x00\x00| a | b |\n" + raw) >= 3
    tally.hostile_input("hostile samples through the fuzz checks", 2 * len(SAMPLES))
