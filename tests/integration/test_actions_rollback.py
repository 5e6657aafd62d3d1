"""The api-gateway incident end to end through the engine, checked with kubectl:
preview 42 → 41, a dry run that saves nothing, the rollback, the rollout, the
recovery of the error ratio, the journal and the post-mortem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cockpit.actions.engine import Outcome, Prepared
from cockpit.actions.plans import ActionKind, Plan
from cockpit.incident.model import EventKind
from cockpit.incident.postmortem import render_markdown
from cockpit.incident.store import IncidentStore
from tests.integration.test_actions_support import open_incident, sim_env

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")


def test_rollback_previews_dry_runs_executes_and_verifies(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        loaded = open_incident(tmp_path / "incidents")
        engine = env.engine(loaded)
        before = env.deployment_json("api-gateway")

        prepared = engine.prepare(Plan(ActionKind.ROLLBACK, "api-gateway", "production"))
        assert isinstance(prepared, Prepared)
        text = "\n".join(prepared.lines())
        assert "rollback api-gateway 42 → 41" in text
        assert "abc123: new pooling library" in text and "9f8e7d6: add rate-limit headers" in text
        assert "registry.example.com/api-gateway:abc123" in text
        assert "registry.example.com/api-gateway:9f8e7d6" in text
        assert "-    image: registry.example.com/api-gateway:abc123" in text  # the template diff
        assert "+      value: hikaricp" in text
        assert "Pods replaced: 3" in text
        assert "kubectl rollout undo deployment/api-gateway --to-revision=41 -n production" \
            in text
        assert prepared.dry_run_ok, prepared.dry_run

        after_dry_run = env.deployment_json("api-gateway")
        assert after_dry_run["metadata"]["resourceVersion"] == \
            before["metadata"]["resourceVersion"]
        assert after_dry_run["spec"]["template"] == before["spec"]["template"]

        assert engine.confirm(prepared, "y")
        env.sim.clock.set_speed(60)  # two scenario minutes of recovery in two seconds
        result = engine.carry_out(prepared)
        assert result.outcome is Outcome.DONE, result.message
        assert result.suggest_status == "mitigated"

        history = env.kubectl("rollout", "history", "deployment/api-gateway")
        assert history.returncode == 0, history.stderr
        assert re.search(r"^43\s+9f8e7d6: add rate-limit headers", history.stdout, re.M), \
            history.stdout
        assert not re.search(r"^41\s", history.stdout, re.M)  # 41 became 43, as kubectl shows
        now = env.deployment_json("api-gateway")
        assert now["spec"]["template"]["spec"]["containers"][0]["image"] == \
            "registry.example.com/api-gateway:9f8e7d6"

    incident = IncidentStore(tmp_path / "incidents").load(loaded.incident.id).incident
    kinds = [e.kind for e in incident.events]
    assert kinds[1:] == [EventKind.ACTION_PREVIEWED, EventKind.ACTION_CONFIRMED,
                         EventKind.ACTION_EXECUTED, EventKind.NOTE, EventKind.ACTION_VERIFIED]
    verified = incident.events[-1]
    assert verified.data["panel"] == "error_ratio"
    assert verified.data["before"] > 0.05 > verified.data["after"]
    assert verified.data["threshold"] == 0.05
    ids = {e.data["action_id"] for e in incident.events[1:]}
    assert len(ids) == 1

    markdown = render_markdown(incident)
    resolution = markdown.split("## Resolution", 1)[1].split("\n## ", 1)[0]
    executed = incident.events[3]
    assert f"**{executed.ts:%H:%M:%S}** — executed: rollback api-gateway 42 → 41" in resolution
    assert "kubectl rollout undo deployment/api-gateway --to-revision=41 -n production" \
        in resolution
    verification = resolution.split("### Verification", 1)[1]
    assert f"**{verified.ts:%H:%M:%S}** rollback api-gateway 42 → 41: error\\_ratio" \
        in verification
    assert "threshold 0.05" in verification
