"""``cockpit rollback | restart | scale`` as a user runs them: the real command line in
a subprocess against the simulator, stdin for the answer, exit codes, the journal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cockpit.incident.model import EventKind
from cockpit.incident.store import IncidentStore
from cockpit.paths import locations
from tests.integration.test_actions_support import SimEnv, sim_env
from tests.support.cli import run_cockpit

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")


def _new_incident(home: Path, env: SimEnv) -> str:
    done = run_cockpit(home, "--config", str(env.config_path), "new", "--title", "5xx on gateway")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _events(home: Path, incident_id: str) -> list[tuple[EventKind, dict[str, object]]]:
    store = IncidentStore(locations().incidents_dir)  # COCKPIT_HOME is ``home``
    return [(e.kind, dict(e.data)) for e in store.load(incident_id).incident.events]


def _revision(env: SimEnv) -> str:
    annotations = env.deployment_json("api-gateway")["metadata"]["annotations"]
    return str(annotations["deployment.kubernetes.io/revision"])


def test_rollback_yes_executes_watches_verifies_and_journals(tmp_path: Path,
                                                             cockpit_home: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        incident = _new_incident(cockpit_home, env)
        env.sim.clock.set_speed(60)
        done = run_cockpit(cockpit_home, "--config", str(env.config_path), "rollback",
                           "deployment/api-gateway", "--yes")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "rollback api-gateway 42 → 41" in done.stdout
        assert "Server dry run: accepted" in done.stdout
        assert "Proceed?" not in done.stdout
        assert "Done: error_ratio" in done.stdout
        assert "Suggested: cockpit status mitigated" in done.stdout
        assert _revision(env) == "43"
    kinds = [k for k, _ in _events(cockpit_home, incident)]
    assert EventKind.ACTION_VERIFIED in kinds
    confirmed = next(d for k, d in _events(cockpit_home, incident)
                     if k is EventKind.ACTION_CONFIRMED)
    assert confirmed["via"] == "--yes"


def test_decline_on_stdin_exits_3_and_journals_it(tmp_path: Path, cockpit_home: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        incident = _new_incident(cockpit_home, env)
        done = run_cockpit(cockpit_home, "--config", str(env.config_path), "rollback",
                           "deployment/api-gateway", "--to-revision", "41", input="n\n")
        assert done.returncode == 3, done.stdout + done.stderr
        assert "Proceed? [y/N]" in done.stdout and "Declined" in done.stdout
        assert _revision(env) == "42"
    assert [k for k, _ in _events(cockpit_home, incident)][1:] == [
        EventKind.ACTION_PREVIEWED, EventKind.ACTION_DECLINED]


def test_rbac_refusal_exits_4_without_asking(tmp_path: Path, cockpit_home: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        env.sim.kube.access.deny("patch", "deployments", "production")
        incident = _new_incident(cockpit_home, env)
        done = run_cockpit(cockpit_home, "--config", str(env.config_path), "restart",
                           "deployment/api-gateway", input="y\n")
        assert done.returncode == 4, done.stdout + done.stderr
        assert "Proceed?" not in done.stdout
        assert 'cannot patch resource "deployments"' in done.stdout
    events = _events(cockpit_home, incident)
    assert events[-1][0] is EventKind.ACTION_FAILED and events[-1][1]["refused"] is True


def test_read_only_and_dry_run_change_nothing(tmp_path: Path, cockpit_home: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        before = env.deployment_json("api-gateway")["metadata"]["resourceVersion"]
        read_only = run_cockpit(cockpit_home, "--config", str(env.config_path), "scale",
                                "deployment/api-gateway", "--replicas", "5", "--read-only",
                                input="y\n")
        assert read_only.returncode == 4, read_only.stdout + read_only.stderr
        assert "read-only" in read_only.stdout and "Proceed?" not in read_only.stdout
        assert "nothing was journalled" in read_only.stdout  # no open incident
        dry = run_cockpit(cockpit_home, "--config", str(env.config_path), "scale",
                          "deployment/api-gateway", "--replicas", "5", "--dry-run")
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "kubectl scale deployment/api-gateway --replicas=5 -n production" in dry.stdout
        assert "Dry run only" in dry.stdout
        assert env.deployment_json("api-gateway")["metadata"]["resourceVersion"] == before


def test_usage_errors_exit_2_with_one_line(tmp_path: Path, cockpit_home: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        done = run_cockpit(cockpit_home, "--config", str(env.config_path), "rollback",
                           "pod/api-gateway-abc")
        assert done.returncode == 2
        assert done.stderr.strip().startswith("cockpit:") and len(done.stderr.splitlines()) == 1
        too_many = run_cockpit(cockpit_home, "--config", str(env.config_path), "scale",
                               "deployment/api-gateway", "--replicas", "500", "--yes")
        assert too_many.returncode == 1
        assert "max_replicas" in too_many.stderr
