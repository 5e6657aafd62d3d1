"""Hostile text through the journal-derived outputs: resume --print, incidents, the post-mortem.

Run as a user would (the real CLI in a subprocess); nothing raw may come out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.reliability.hostile_samples import all_samples, raw_controls
from tests.reliability.tally import Tally
from tests.support.cli import cockpit_env, run_cockpit


def test_hostile_notes_and_title_come_out_inert(cockpit_home: Path, tally: Tally) -> None:
    samples = all_samples()
    title = "db \x1b]0;pwned\x07 outage \u202eevil"
    created = run_cockpit(cockpit_home, "new", "--title", title, "--service",
                          "api\x1b[2Jgw")
    assert created.returncode == 0, created.stderr
    samples = [(k, t) for k, t in samples if "\x00" not in t]  # argv cannot carry NUL
    for klass in dict(samples):  # one note per class keeps the run short
        text = " | ".join(t for k, t in samples if k == klass)
        result = run_cockpit(cockpit_home, "note", text)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    hostile_md = "# Fake heading\n```\n| a | b |\n</details><script>x</script> [x](javascript:1)"
    assert run_cockpit(cockpit_home, "note", hostile_md).returncode == 0
    outputs = {
        "resume --print": run_cockpit(cockpit_home, "resume", "--print"),
        "incidents": run_cockpit(cockpit_home, "incidents"),
        "postmortem": run_cockpit(cockpit_home, "postmortem"),
    }
    for name, result in outputs.items():
        assert result.returncode == 0, (name, result.stderr)
        assert raw_controls(result.stdout + result.stderr) == [], name
    written = list(cockpit_home.rglob("*.md"))
    for path in written:
        text = path.read_text()
        assert raw_controls(text) == [], path
        assert "\n# Fake heading" not in text and "<script>" not in text
    printed = outputs["resume --print"].stdout
    assert printed.count("note") >= len(dict(samples))  # every note listed, none swallowed
    for klass in dict(samples):
        tally.hostile_input(f"{klass} (notes → CLI outputs, post-mortem)",
                            sum(k == klass for k, _ in samples))
    tally.hostile_input("OSC title / bidi in incident title, CSI in service", 2)
    tally.hostile_input("markdown injection", 1)


def _run_bytes(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cockpit", *args], env=cockpit_env(home),
                          capture_output=True, timeout=60)


def test_huge_notes_are_taken(cockpit_home: Path, tally: Tally) -> None:
    assert run_cockpit(cockpit_home, "new", "--title", "big", "--service", "api").returncode == 0
    cases = ["x" * 100_000, "é" * 1000 + "\U0001f525", "line one\nline two\n\n# heading"]
    for text in cases:
        result = _run_bytes(cockpit_home, "note", text)
        assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    printed = _run_bytes(cockpit_home, "resume", "--print")
    assert printed.returncode == 0 and b"Traceback" not in printed.stderr
    assert printed.stdout.count(b"x" * 1000) >= 1 and b"\n# heading" not in printed.stdout
    tally.hostile_input("100k-char / multi-line notes", len(cases))


def test_invalid_utf8_argument_is_not_echoed_raw(cockpit_home: Path) -> None:
    assert run_cockpit(cockpit_home, "new", "--title", "t", "--service", "api").returncode == 0
    result = _run_bytes(cockpit_home, "note", "bad \udcff byte")
    assert b"Traceback" not in result.stderr
    (result.stdout + result.stderr).decode("utf-8")
    printed = _run_bytes(cockpit_home, "resume", "--print")
    printed.stdout.decode("utf-8")
