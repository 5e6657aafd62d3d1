"""The log process and the app die independently, and neither leaves the other wrong.

- the app killed by SIGKILL (a dropped SSH session, kill -9): the log process sees its
  pipe close and stops, and so do the commands it follows; nothing is orphaned;
- the log process killed: the app keeps running and says the logs are down, with the
  child's exit status, instead of showing a stream that silently stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cockpit.sources.base import HealthState
from cockpit.sources.logs.process import LogProcess
from tests.reliability.tally import Tally
from tests.unit.logs import process_sources
from tests.unit.logs.process_sources import printing_command

REPO = Path(process_sources.__file__).parents[3]

PARENT = """
import sys, time
from functools import partial
from cockpit.sources.logs.process import LogProcess
from tests.unit.logs.process_sources import printing_command
if __name__ == "__main__":
    logs = LogProcess([partial(printing_command, 5, sys.argv[1], True)], 1000, 4096,
                      patterns=False)
    logs.start()
    print("started", flush=True)
    time.sleep(3600)
"""


def _until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_an_app_killed_by_sigkill_leaves_no_follower_behind(tmp_path: Path,
                                                            tally: Tally) -> None:
    pid_file = tmp_path / "pid"
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(pid_file)], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "started"
        _until(lambda: pid_file.exists() and pid_file.read_text() != "")
        command = int(pid_file.read_text())
        assert not _gone(command)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        _until(lambda: _gone(command), 15)
    finally:
        if parent.poll() is None:
            parent.kill()
    tally.fault("app SIGKILLed: log process and its commands stop")


def test_a_killed_log_process_is_reported_down_with_its_exit(tally: Tally) -> None:
    logs = LogProcess([partial(printing_command, 5, "", True)], 1000, 4096, patterns=False)
    logs.start()
    try:
        got: list[str] = []

        def five_lines() -> bool:
            got.extend(line.text for line in logs.drain())
            return len(got) >= 5

        _until(five_lines)
        assert logs.health_changes() == [(HealthState.OK, "")]
        assert logs.pid is not None
        os.kill(logs.pid, signal.SIGKILL)
        changes: list[tuple[HealthState, str]] = []

        def reported() -> bool:
            changes.extend(logs.health_changes())
            return bool(changes)

        _until(reported)
        assert changes == [(HealthState.DOWN, "log process ended unexpectedly (exit code -9)")]
        assert not logs.running()
    finally:
        logs.close()
    tally.fault("log process killed: logs shown down with its exit status")
