"""CommandFollower runs a real child and follows both of its streams."""

from __future__ import annotations

import os
import sys
import time

from cockpit.sources.logs.command import CommandFollower
from tests.unit.logs.follow_helpers import Collector

PRINTS = (
    "import sys\n"
    "print('out one'); print('out two', flush=True)\n"
    "print('ERROR on stderr', file=sys.stderr, flush=True)\n"
    "sys.stdout.write('no newline at end')\n"
    "sys.exit(3)\n"
)


def test_follows_stdout_stderr_and_reports_exit_status() -> None:
    follower = CommandFollower([sys.executable, "-c", PRINTS])
    collector = Collector(follower.follow)
    collector.thread.join(20)
    assert not collector.thread.is_alive()
    by_stream = {(line.container, line.text) for line in collector.lines}
    assert {("stdout", "out one"), ("stdout", "out two"), ("stdout", "no newline at end"),
            ("stderr", "ERROR on stderr")} <= by_stream
    last = collector.lines[-1]
    assert last.text == "cockpit: command exited with status 3"
    assert last.level == "error"
    assert follower.returncode == 3
    assert follower.health().last_error == "command exited with status 3"


def test_argument_vector_is_not_a_shell_string() -> None:
    follower = CommandFollower([sys.executable, "-c", "import sys; print(sys.argv[1])",
                                "$(echo pwned); rm -rf ~"])
    collector = Collector(follower.follow)
    collector.thread.join(20)
    assert "$(echo pwned); rm -rf ~" in collector.texts()
    assert collector.lines[-1].text == "cockpit: command exited with status 0"


def test_stop_terminates_the_process_group() -> None:
    # a parent that starts a grandchild; both must die on stop()
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('child', child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    follower = CommandFollower([sys.executable, "-c", script], stop_grace_s=5)
    collector = Collector(follower.follow)
    texts = collector.wait_for(lambda t: any(x.startswith("child ") for x in t))
    child_pid = int(next(t for t in texts if t.startswith("child ")).split()[1])
    follower.stop()
    collector.thread.join(10)
    assert not collector.thread.is_alive()
    assert collector.lines[-1].text == "cockpit: command stopped (killed by SIGTERM)"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("grandchild survived stop()")


def test_missing_command_is_one_clear_line() -> None:
    follower = CommandFollower(["/nonexistent/journalctl-x", "-f"])
    batches = list(follower.follow())
    assert len(batches) == 1
    [line] = batches[0]
    assert line.text == ("cockpit: cannot run '/nonexistent/journalctl-x': no such command "
                         "(check logs.command)")
    assert line.level == "error"
    assert follower.health().state == "down"
