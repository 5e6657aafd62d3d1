"""What stops an action: RBAC in the dry run, a deployment changed since the preview,
a rollout that fails, read-only mode, a bad runbook parameter, a hostile suggestion;
and which action comes first for which hypothesis."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cockpit.actions.catalogue import build_catalogue
from cockpit.actions.engine import READ_ONLY, Outcome, Prepared
from cockpit.actions.plans import ActionKind, Plan, Refusal
from cockpit.actions.safety import map_suggestion
from cockpit.incident.model import EventKind, Hypothesis
from cockpit.incident.store import IncidentStore
from cockpit.sources.kubernetes import KubernetesSource
from tests.integration.test_actions_support import journal_kinds, open_incident, sim_env

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
ROLLBACK = Plan(ActionKind.ROLLBACK, "api-gateway", "production")


def test_rbac_denial_is_refused_by_the_dry_run_before_asking(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        env.sim.kube.access.deny("patch", "deployments", "production")
        loaded = open_incident(tmp_path / "incidents")
        prepared = env.engine(loaded, metrics=False).prepare(ROLLBACK)
        assert isinstance(prepared, Prepared)
        assert not prepared.dry_run_ok and not prepared.executable
        assert "403 Forbidden" in prepared.dry_run
        assert 'cannot patch resource "deployments"' in prepared.dry_run
        assert env.deployment_json("api-gateway")["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"] == "42"
    events = IncidentStore(tmp_path / "incidents").load(loaded.incident.id).incident.events
    assert [e.kind for e in events[1:]] == [EventKind.ACTION_PREVIEWED, EventKind.ACTION_FAILED]
    assert events[-1].data["refused"] is True
    assert "cannot patch" in events[-1].data["detail"]


def test_a_deployment_changed_since_the_preview_stops_and_re_previews(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        loaded = open_incident(tmp_path / "incidents")
        engine = env.engine(loaded, metrics=False)
        prepared = engine.prepare(ROLLBACK)
        assert isinstance(prepared, Prepared) and prepared.executable
        scaled = env.kubectl("scale", "deployment/api-gateway", "--replicas=4")
        assert scaled.returncode == 0, scaled.stderr
        assert engine.confirm(prepared, "y")
        result = engine.carry_out(prepared)
        assert result.outcome is Outcome.CONFLICT
        assert "409 Conflict" in result.message and "replicas 3 → 4" in result.message
        assert isinstance(result.prepared, Prepared)  # the fresh preview
        assert result.prepared.preview.before is not None
        assert result.prepared.preview.before.replicas == 4
        now = env.deployment_json("api-gateway")
        assert now["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "42"
    assert journal_kinds(tmp_path / "incidents", loaded.incident.id)[1:] == [
        EventKind.ACTION_PREVIEWED, EventKind.ACTION_CONFIRMED, EventKind.ACTION_FAILED,
        EventKind.ACTION_PREVIEWED]


def test_a_rollout_that_never_completes_is_journalled_as_failed(tmp_path: Path) -> None:
    with sim_env(tmp_path, "config-rollout") as env:
        loaded = open_incident(tmp_path / "incidents", "orders-api stuck")
        engine = env.engine(loaded, metrics=False)
        prepared = engine.prepare(Plan(ActionKind.RESTART, "orders-api", "commerce"))
        assert isinstance(prepared, Prepared) and prepared.executable, prepared
        assert engine.confirm(prepared, "y")
        env.sim.clock.set_speed(120)  # the 10-minute progress deadline passes in 5 s
        result = engine.carry_out(prepared)
        assert result.outcome is Outcome.FAILED
        assert "ProgressDeadlineExceeded" in result.message
    events = IncidentStore(tmp_path / "incidents").load(loaded.incident.id).incident.events
    assert events[-1].kind is EventKind.ACTION_FAILED
    assert events[-1].data["rollout"] == "failed"


def test_read_only_previews_and_dry_runs_but_never_executes(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        engine = env.engine(None, metrics=False, read_only=True)
        prepared = engine.prepare(ROLLBACK)
        assert isinstance(prepared, Prepared)
        assert prepared.dry_run_ok and prepared.blocked == READ_ONLY
        result = engine.carry_out(prepared)
        assert result.outcome is Outcome.REFUSED and "read-only" in result.message
        assert env.deployment_json("api-gateway")["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"] == "42"


def test_dependency_outage_does_not_put_rollback_first(tmp_path: Path) -> None:
    with sim_env(tmp_path, "payments-db-outage") as env:
        snapshot = KubernetesSource(env.config.kubernetes).snapshot()
        outage = Hypothesis("h1", "dependency-outage", "service/payments-db", 0.8,
                            ("pg_up = 0",), "escalate", summary="payments-db is down")
        plain = build_catalogue(snapshot, [], env.config.actions)
        guided = build_catalogue(snapshot, [outage], env.config.actions)
    first = plain.first()
    assert first is not None and first.kind is ActionKind.ROLLBACK  # 24 → 23 exists
    guided_first = guided.first()
    assert guided_first is not None and guided_first.kind is not ActionKind.ROLLBACK
    assert [a.text for a in guided.advice] == ["escalate: payments-db is down"]


def test_bad_deploy_hypothesis_puts_its_rollback_first(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        snapshot = KubernetesSource(env.config.kubernetes).snapshot()
        bad_deploy = Hypothesis("h1", "bad-deploy", "deployment/api-gateway@42", 0.7, (),
                                "rollback")
        catalogue = build_catalogue(snapshot, [bad_deploy], env.config.actions,
                                    focus="api-gateway")
        first = catalogue.first()
        assert first is not None and first.title == "rollback api-gateway 42 → 41"
        assert first.to_revision == 41
        hostile = map_suggestion("kubectl delete namespace production", catalogue)
        assert isinstance(hostile, Refusal) and "text only" in hostile.reason
        mapped = map_suggestion("kubectl rollout undo deployment/api-gateway -n production",
                                catalogue)
        assert isinstance(mapped, Plan) and mapped.kind is ActionKind.ROLLBACK
        prepared = env.engine(None, metrics=False).prepare(mapped)
        assert isinstance(prepared, Prepared) and prepared.plan.to_revision == 41


def test_runbook_action_runs_its_argv_with_a_valid_param_and_refuses_a_bad_one(
        tmp_path: Path) -> None:
    toml = "\n".join([
        "[actions]", "rollout_timeout_s = 20.0", "[[actions.runbook]]", 'name = "flush-cache"',
        'description = "Flush one cache region"',
        f'command = ["{sys.executable}", "-c", "import sys; print(\'flushed\', sys.argv[1])", '
        '"{region}"]',
        "[[actions.runbook.params]]", 'name = "region"', 'type = "choice"',
        'choices = ["eu", "us"]', ""])
    with sim_env(tmp_path, "api-gateway", toml) as env:
        loaded = open_incident(tmp_path / "incidents")
        engine = env.engine(loaded, metrics=False)
        bad = engine.prepare(Plan(ActionKind.RUNBOOK, "flush-cache", "production",
                                  params={"region": "eu; rm -rf /"}))
        assert isinstance(bad, Refusal) and "must be one of eu, us" in bad.reason
        good = engine.prepare(Plan(ActionKind.RUNBOOK, "flush-cache", "production",
                                   params={"region": "us"}))
        assert isinstance(good, Prepared) and good.argv[-1] == "us"
        assert engine.confirm(good, "y")
        result = engine.carry_out(good)
        assert result.outcome is Outcome.DONE and result.output.strip() == "flushed us"
    events = IncidentStore(tmp_path / "incidents").load(loaded.incident.id).incident.events
    assert events[-1].kind is EventKind.ACTION_EXECUTED
    assert events[-1].data["output"].strip() == "flushed us"
