"""kill -9 mid-incident: everything journalled before the kill is there on `resume --print`.

The real `cockpit demo` runs in tmux (a real terminal); the test waits for the
alert, types a note, then SIGKILLs the app. Killing with a rollback preview
open is test_crash_preview.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cockpit.incident.journal import Journal
from cockpit.incident.markdown import visible_controls
from tests.reliability.tally import Tally
from tests.support.cli import cockpit_env, run_cockpit

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def _wait(condition: Callable[[], bool], what: str, limit_s: float = 40.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.2)


def _journal(home: Path) -> Path | None:
    found = list(home.rglob("journal.jsonl"))
    return found[0] if found else None


def _has(path_of: Callable[[], Path | None], kind: str) -> bool:
    path = path_of()
    return path is not None and any(e.kind.value == kind for e in Journal(path).replay().events)


def test_sigkill_mid_incident_loses_nothing(tmp_path: Path, tally: Tally) -> None:
    home = tmp_path / "home"
    socket = str(tmp_path / "tmux.sock")
    env = cockpit_env(home, TERM="xterm-256color")
    command = f"{sys.executable} -m cockpit demo --speed 20 --start-at 10:30:05"
    subprocess.run(["tmux", "-S", socket, "new-session", "-d", "-x", "140", "-y", "40",
                    "-e", f"COCKPIT_HOME={home}", "-e", f"PYTHONPATH={env['PYTHONPATH']}",
                    command], check=True, env=env, cwd=Path(__file__).resolve().parents[2])
    try:
        pid = int(subprocess.run(["tmux", "-S", socket, "list-panes", "-F", "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout.split()[0])
        _wait(lambda: _has(lambda: _journal(home), "alert_fired"), "the alert in the journal")

        def screen() -> str:
            return subprocess.run(["tmux", "-S", socket, "capture-pane", "-p", "-t", "0"],
                                  capture_output=True, text=True).stdout

        _wait(lambda: "Alert firing" in screen(), "the alert on screen")
        def send(*keys: str) -> None:
            subprocess.run(["tmux", "-S", socket, "send-keys", "-t", "0", *keys], check=True)

        send("n")  # type only once the dialog is up: a loaded machine draws it late
        _wait(lambda: "Note for the timeline" in screen(), "the note dialog")
        send("-l", "pool leak suspected")
        send("Enter")
        _wait(lambda: _has(lambda: _journal(home), "note"), "the note in the journal")
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: _gone(pid), "the app to die")
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], check=False, capture_output=True)
    path = _journal(home)
    assert path is not None
    events = Journal(path).replay().events
    printed = run_cockpit(home, "resume", "--print")
    assert printed.returncode == 0 and "Traceback" not in printed.stderr
    missing = [e.text for e in events if visible_controls(e.text) not in printed.stdout]
    assert missing == []
    assert any(e.text == "pool leak suspected" for e in events)
    tally.fault("SIGKILL mid-incident")
    tally.events(len(events), lost=len(missing))


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
