"""The `r` flow in the real app (Pilot) against the simulator: list, preview with the
dry run, `y`, execution in a worker, progress in the Actions pane, the journal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Log

from cockpit.incident.model import EventKind
from cockpit.sources.kubernetes import KubernetesSource
from cockpit.ui.app import create_app
from cockpit.ui.screens.remediation import PreviewScreen, RemediationListScreen
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.analysis import ActionsPane
from cockpit.ui.widgets.cluster import ClusterPane
from tests.integration.test_actions_support import open_incident, sim_env
from tests.ui.waiting import journal_events, until

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")


async def test_r_previews_confirms_and_runs_the_rollback(tmp_path: Path) -> None:
    with sim_env(tmp_path, "api-gateway") as env:
        loaded = open_incident(tmp_path / "incidents")
        cluster = KubernetesSource(env.config.kubernetes)
        app = create_app(env.config, loaded, SourceSet(cluster=cluster))
        async with app.run_test(size=(160, 50)) as pilot:
            main = app.main_screen
            assert main is not None
            def has_snapshot() -> bool:
                snapshot = main.query_one(ClusterPane).snapshot
                return snapshot is not None and bool(snapshot.deployments)

            await until(pilot, has_snapshot, "a cluster snapshot")
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, RemediationListScreen),
                        "the remediation list")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")
            preview = app.screen
            assert isinstance(preview, PreviewScreen)
            text = "\n".join(preview.prepared.lines())
            assert "rollback api-gateway 42 → 41" in text
            assert "Server dry run: accepted" in text
            env.sim.clock.set_speed(60)
            await pilot.press("y")
            pane_log = main.query_one(ActionsPane).query_one(Log)
            await until(pilot, lambda: any(line.startswith("done:")
                                           for line in pane_log.lines), "the rollout done")
            assert not isinstance(app.screen, PreviewScreen)
        cluster.close()
        assert env.deployment_json("api-gateway")["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"] == "43"
    kinds = [e.kind for e in journal_events(loaded.journal.path)]
    assert kinds[1:4] == [EventKind.ACTION_PREVIEWED, EventKind.ACTION_CONFIRMED,
                          EventKind.ACTION_EXECUTED]
    confirmed = journal_events(loaded.journal.path, EventKind.ACTION_CONFIRMED)[0]
    assert confirmed.data["via"] == "key"
