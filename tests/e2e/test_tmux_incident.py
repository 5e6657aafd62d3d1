"""End to end, as an engineer would: the demo under tmux, keys typed into a real terminal.

demo → wait for the alert → a → n + note + Enter → i → r + Enter + y (rollback) → wait for
the recovery → s 4 (resolved) → q. The post-mortem written at exit must hold the
acknowledgement, the note, the rollback with its kubectl equivalent, the recovery and
TTD/TTA/TTM/TTR, in time order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cockpit.incident.journal import Journal
from cockpit.incident.model import Event, EventKind
from tests.support.cli import cockpit_env

SESSION_SIZE = ("150", "45")


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys]
        subprocess.run(args, check=True)
        time.sleep(0.3)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True, check=False).stdout

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.25)
        raise AssertionError(f"never happened: {what}\n--- screen ---\n{self.screen()}")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed; run: sudo apt-get install -y tmux")
    home = tmp_path / "home"
    env = cockpit_env(home)
    name = f"cockpit-e2e-{uuid.uuid4().hex[:8]}"
    exports = " ".join(f"{k}='{env[k]}'" for k in ("COCKPIT_HOME", "PYTHONPATH"))
    command = (f"cd '{tmp_path}' && env {exports} TERM=xterm-256color "
               f"'{sys.executable}' -m cockpit demo --speed 20; echo COCKPIT-EXITED $?; "
               "sleep 600")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", SESSION_SIZE[0],
                    "-y", SESSION_SIZE[1], command], check=True)
    try:
        yield Terminal(name), home
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def journal(home: Path) -> list[Event]:
    paths = list((home / "data" / "incidents").glob("*/journal.jsonl"))
    return Journal(paths[0]).replay().events if paths else []


def has(home: Path, kind: EventKind) -> bool:
    return any(e.kind is kind for e in journal(home))


def test_an_incident_from_alert_to_post_mortem(demo: tuple[Terminal, Path]) -> None:
    term, home = demo
    term.wait_for("the cockpit on screen", lambda: "Metrics" in term.screen(), 30)
    term.wait_for("the alert fires", lambda: has(home, EventKind.ALERT_FIRED), 90)

    term.keys("a")
    term.wait_for("acknowledged", lambda: has(home, EventKind.ACKNOWLEDGED))
    term.keys("n")
    term.wait_for("the note dialog", lambda: "Note for the timeline" in term.screen())
    term.keys("pool at 100/100, suspect deploy 42", literal=True)
    term.keys("Enter")
    term.wait_for("the note journalled", lambda: has(home, EventKind.NOTE))

    term.keys("i")
    term.wait_for("a hypothesis", lambda: has(home, EventKind.HYPOTHESIS_PROPOSED), 60)
    term.keys("r")
    term.wait_for("the remediation list",
                  lambda: "rollback api-gateway 42 → 41" in term.screen(), 30)
    term.keys("Enter")
    term.wait_for("the preview", lambda: has(home, EventKind.ACTION_PREVIEWED), 30)
    term.wait_for("the dry run result", lambda: "y runs it" in term.screen(), 30)
    term.keys("y")
    term.wait_for("the rollback executed", lambda: has(home, EventKind.ACTION_EXECUTED), 60)
    term.wait_for("the recovery verified", lambda: has(home, EventKind.ACTION_VERIFIED), 120)

    term.keys("s")
    term.keys("4")
    term.wait_for("resolved", lambda: any(
        e.kind is EventKind.STATUS_CHANGED and e.data.get("to") == "resolved"
        for e in journal(home)))
    term.keys("q")
    if "leave it open" in term.screen().lower():
        term.keys("r")
    term.wait_for("the app exits", lambda: "COCKPIT-EXITED 0" in term.screen(), 30)
    printed = re.search(r"post-mortem draft: (\S+)", term.screen().replace("\n", ""))
    assert printed, term.screen()

    postmortem = next((home / "data" / "incidents").glob("*/postmortem.md")).read_text()
    timeline = postmortem.split("## Timeline (All times UTC)")[1].split("## Root Cause")[0]
    rows = [row for row in timeline.splitlines() if re.match(r"^\| \d\d:\d\d:\d\d", row)]
    order = [next(i for i, row in enumerate(rows) if needle in row) for needle in (
        "Acknowledged", "pool at 100/100", "Executed: rollback", "Status changed")]
    assert order == sorted(order), rows
    times = [row.split("|")[1].strip()[:8] for row in rows]
    assert times == sorted(times)  # all UTC, in time order
    assert "kubectl rollout undo deployment/api-gateway --to-revision=41" in postmortem
    assert "verified" in postmortem.lower()
    for metric in ("Time to Detect (TTD)", "Time to Acknowledge (TTA)",
                   "Time to Mitigate (TTM)", "Time to Resolve (TTR)"):
        row = next(line for line in postmortem.splitlines() if line.startswith(f"| {metric}"))
        assert re.search(r"\| \d+(h|m|s)", row), row  # a measured value, not a dash
