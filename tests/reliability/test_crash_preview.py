"""kill -9 with a rollback preview open: nothing runs that was not confirmed.

The simulator runs in this test's process, so it outlives the killed cockpit:
the real app runs in tmux against it, the engineer acknowledges, writes a note,
presses `r` then Enter, and the cockpit is SIGKILLed while the preview (dry run
done, "y runs it") is on screen. Afterwards the journal holds the ack and the
note but no execution, and the deployment in the cluster is still at the bad
revision, read through the real `kubernetes` client.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config

from cockpit.incident.journal import Journal
from cockpit.incident.model import Event, EventKind
from cockpit.scenario import load_scenario
from cockpit.scenario.durations import parse_offset
from cockpit.scenario.sim import Simulator
from tests.reliability.tally import Tally
from tests.reliability.test_crash import _gone, _journal, _wait
from tests.support.cli import cockpit_env, run_cockpit

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
REPO = Path(__file__).resolve().parents[2]
REVISION = "deployment.kubernetes.io/revision"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    scenario = load_scenario("api-gateway")
    simulator = Simulator(scenario, speed=20, anchor="now",
                          start_at=parse_offset("10:30:05", scenario.origin))
    simulator.start()
    yield simulator
    simulator.stop()


def _deployment(kubeconfig: Path, namespace: str) -> tuple[str, str]:
    """(revision, image) of api-gateway as the cluster reports it."""
    api = client.AppsV1Api(config.new_client_from_config(  # type: ignore[no-untyped-call]
        str(kubeconfig)))
    dep: Any = api.read_namespaced_deployment("api-gateway", namespace)
    annotations = dep.metadata.annotations or {}
    return str(annotations.get(REVISION, "")), str(dep.spec.template.spec.containers[0].image)


def _events(home: Path) -> list[Event]:
    path = _journal(home)
    return list(Journal(path).replay().events) if path is not None else []


def _has(home: Path, kind: EventKind) -> bool:
    return any(e.kind is kind for e in _events(home))


def test_sigkill_with_rollback_preview_open_runs_nothing(
        tmp_path: Path, sim: Simulator, tally: Tally) -> None:
    home, socket = tmp_path / "home", str(tmp_path / "tmux.sock")
    kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
    cfg = tmp_path / "cockpit.toml"
    cfg.write_text(sim.config_toml(kubeconfig).replace("refresh_s = 5.0", "refresh_s = 1.0"))
    before = _deployment(kubeconfig, sim.scenario.namespace)
    env = cockpit_env(home, TERM="xterm-256color")
    command = f"{sys.executable} -m cockpit open --config {cfg} --title 'gateway 5xx'"
    subprocess.run(["tmux", "-S", socket, "new-session", "-d", "-x", "150", "-y", "45",
                    "-e", f"COCKPIT_HOME={home}", "-e", f"PYTHONPATH={env['PYTHONPATH']}",
                    "-e", f"KUBECACHEDIR={tmp_path / 'kcache'}", command],
                   check=True, env=env, cwd=REPO)

    def screen() -> str:
        return subprocess.run(["tmux", "-S", socket, "capture-pane", "-p", "-t", "0"],
                              capture_output=True, text=True).stdout

    def send(*keys: str) -> None:
        subprocess.run(["tmux", "-S", socket, "send-keys", "-t", "0", *keys], check=True)

    try:
        pid = int(subprocess.run(["tmux", "-S", socket, "list-panes", "-F", "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout.split()[0])
        _wait(lambda: "Metrics" in screen(), "the cockpit on screen")
        # polled in the log process (the config's sources, on the wall clock)
        _wait(lambda: _has(home, EventKind.ALERT_FIRED), "the firing alert journalled")
        send("a")
        _wait(lambda: _has(home, EventKind.ACKNOWLEDGED), "the ack in the journal")
        send("n")
        _wait(lambda: "Note for the timeline" in screen(), "the note dialog")
        send("-l", "about to roll back 42")
        send("Enter")
        _wait(lambda: _has(home, EventKind.NOTE), "the note in the journal")
        _wait(lambda: "Note for the timeline" not in screen(), "the note dialog closed")
        send("r")
        _wait(lambda: "rollback api-gateway 42 → 41" in screen(), "the remediation list")
        send("Enter")
        _wait(lambda: _has(home, EventKind.ACTION_PREVIEWED), "the preview journalled")
        _wait(lambda: "y runs it" in screen(), "the preview with its dry run on screen")
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: _gone(pid), "the app to die")
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], check=False, capture_output=True)

    events = _events(home)
    printed = run_cockpit(home, "resume", "--print")
    assert printed.returncode == 0 and "Traceback" not in printed.stderr, printed.stderr
    assert "acknowledged" in printed.stdout and "about to roll back 42" in printed.stdout
    kinds = {e.kind for e in events}
    assert {EventKind.ACKNOWLEDGED, EventKind.NOTE, EventKind.ACTION_PREVIEWED} <= kinds
    ran = kinds & {EventKind.ACTION_CONFIRMED, EventKind.ACTION_EXECUTED,
                   EventKind.ACTION_VERIFIED, EventKind.ACTION_FAILED}
    assert ran == set(), "an action ran that was never confirmed"
    after = _deployment(kubeconfig, sim.scenario.namespace)
    assert after == before and after[0] == "42", (before, after)
    tally.fault("SIGKILL with rollback preview open")
    tally.events(len(events))
