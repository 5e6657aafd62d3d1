"""The log process and the app die independently, and neither leaves the other wrong.

- the app killed by SIGKILL (a dropped SSH session, kill -9): the log process sees its
  pipe close and stops, and so do the commands it follows; nothing is orphaned;
- the log process killed: the app keeps running, says the logs are down with the
  child's exit status (never a stream that silently stopped), and starts a new one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cockpit.sources.base import HealthState
from cockpit.sources.logs.process import LogProcess
from tests.reliability.tally import Tally
from tests.unit.logs import process_sources
from tests.unit.logs.process_sources import printing_command, process_gone, wait_until

REPO = Path(process_sources.__file__).parents[3]

PARENT = """
import sys, time
from functools import partial
from cockpit.sources.logs.process import LogProcess
from tests.unit.logs.process_sources import printing_command, process_gone, wait_until
if __name__ == "__main__":
    logs = LogProcess([partial(printing_command, 5, sys.argv[1], True)], 1000, 4096,
                      patterns=False)
    logs.start()
    print("started", flush=True)
    time.sleep(3600)
"""


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
        wait_until(lambda: pid_file.exists() and pid_file.read_text() != "")
        command = int(pid_file.read_text())
        assert not process_gone(command)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        wait_until(lambda: process_gone(command), 15)
    finally:
        if parent.poll() is None:
            parent.kill()
    tally.fault("app SIGKILLed: log process and its commands stop")


def test_a_killed_log_process_is_reported_down_then_restarted(tally: Tally,
                                                              tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    logs = LogProcess([partial(printing_command, 5, str(pid_file), True)], 1000, 4096,
                      patterns=False)
    logs.start()
    try:
        got: list[str] = []

        def lines(count: int) -> Callable[[], bool]:
            def enough() -> bool:
                got.extend(line.text for line in logs.drain())
                return len(got) >= count
            return enough

        wait_until(lines(5))
        assert logs.health_changes() == [(HealthState.OK, "")]
        first, command = logs.pid, int(pid_file.read_text())
        assert first is not None
        os.kill(first, signal.SIGKILL)
        # its silent command does not linger, orphaned
        wait_until(lambda: process_gone(command), 10)
        wait_until(lines(10))  # a new log process runs the command again
        assert logs.pid != first and logs.running()
        assert logs.health_changes() == [
            (HealthState.DOWN, "log process ended unexpectedly (exit code -9); "
                               "restarting in 1 s"),
            (HealthState.OK, "")]
        assert got[5:] == got[:5]
        stats = logs.stats()  # the counters go on across the restart: 5 lines from each
        assert (stats.received, stats.delivered, stats.dropped, stats.buffered) == (10, 10, 0, 0)
    finally:
        logs.close()
    tally.fault("log process killed: logs shown down with its exit status, then restarted")
