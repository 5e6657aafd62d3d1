"""`i` in the app wired from a config: the analyzer compares the revisions' templates.

The config-rollout scenario changes an environment variable and keeps the image, so only
the ReplicaSet templates tell what revision 16 changed. Before, the app's cluster source
(built lazily from the config) was not recognised as a real cluster, and the analysis said
"template details unavailable" in the very case it matters.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from cockpit.config.loader import config_from_dict
from cockpit.incident.model import Severity
from cockpit.incident.store import IncidentStore
from cockpit.scenario import load_scenario
from cockpit.scenario.durations import parse_offset
from cockpit.scenario.sim import Simulator
from cockpit.ui.app import create_app
from cockpit.ui.widgets.analysis import AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.wiring import build_sources
from tests.ui.waiting import filled, until


async def test_i_names_what_the_new_revision_changed(tmp_path: Path) -> None:
    scenario = load_scenario("config-rollout")
    sim = Simulator(scenario, speed=1.0, anchor="origin")
    sim.clock.set_speed(1e-9)  # scenario time stands at 13:26, the rollout stuck
    sim.clock.jump_to(parse_offset("13:26", scenario.origin))
    sim.start()
    try:
        raw = tomllib.loads(sim.config_toml(sim.write_kubeconfig(tmp_path / "kubeconfig")))
        for section in ("prometheus", "alertmanager", "kubernetes"):
            raw[section]["refresh_s"] = 0.5
        config = config_from_dict(raw, source="<test>")
        clock = sim.clock.now_datetime
        loaded = IncidentStore(tmp_path / "incidents").create(
            "orders-api crashloop", Severity.SEV2, ["orders-api"], commander="alice",
            namespace=scenario.namespace, opened_at=clock())
        app = create_app(config, loaded, build_sources(config, clock), clock=clock)
        async with app.run_test(size=(160, 48)) as pilot:
            await filled(app)
            cluster = app.screen.query_one(ClusterPane)
            await until(pilot, lambda: cluster.snapshot is not None
                        and bool(cluster.snapshot.revisions.get("orders-api")),
                        "the rollout history", timeout=30)
            await pilot.press("i")
            pane = app.screen.query_one(AnalysisPane)
            await until(pilot, lambda: any(h.source == "offline" for h in pane.hypotheses),
                        "offline hypotheses", timeout=30)
            top = next(h for h in pane.hypotheses if h.source == "offline")
    finally:
        sim.stop()
    evidence = " | ".join(top.evidence)
    assert top.culprit == "deployment/orders-api@16", top
    assert "revision 16 changed" in evidence and "ORDERS_DATABASE_URL" in evidence, evidence
    assert "template details unavailable" not in evidence
