"""Shared helpers for the actions tests: a running simulator, its kubeconfig and a
cockpit config pointing at it, kubectl against it, and a journal to record into.
(No tests here; the module name keeps it among the actions tests.)"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cockpit.actions.engine import ActionEngine
from cockpit.actions.verify import triggering_panel
from cockpit.config import load_config
from cockpit.config.schema import Config
from cockpit.incident.model import EventKind, Severity
from cockpit.incident.store import IncidentStore, LoadedIncident
from cockpit.scenario.loader import load_scenario
from cockpit.scenario.sim import Simulator
from cockpit.sources import k8s_client
from cockpit.sources.prometheus import PrometheusSource

# Scenario offsets (seconds from the scenario's origin) in the middle of each incident.
MID_INCIDENT = {"api-gateway": 2 * 3600 + 40 * 60, "payments-db-outage": None,
                "config-rollout": 25 * 60}


@dataclass
class SimEnv:
    sim: Simulator
    folder: Path
    kubeconfig: Path
    config_path: Path
    config: Config

    @property
    def namespace(self) -> str:
        return self.sim.scenario.namespace

    def kubectl(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, KUBECONFIG=str(self.kubeconfig),
                   KUBECACHEDIR=str(self.folder / "kube-cache"))
        return subprocess.run(["kubectl", "-n", self.namespace, *args], env=env,
                              capture_output=True, text=True, timeout=60)

    def deployment_json(self, name: str) -> dict[str, Any]:
        done = self.kubectl("get", "deployment", name, "-o", "json")
        assert done.returncode == 0, done.stderr
        data: dict[str, Any] = json.loads(done.stdout)
        return data

    def api(self) -> Any:
        return k8s_client.make_api_client(self.config.kubernetes)

    def engine(self, loaded: LoadedIncident | None, *, metrics: bool = True,
               read_only: bool = False) -> ActionEngine:
        query = panel = None
        if metrics:
            source = PrometheusSource(self.config.prometheus, self.config.incident.service,
                                      self.namespace)
            query, panel = source.query, triggering_panel(source.panels)
        return ActionEngine(self.api(), self.config.actions, actor="alice",
                            record=loaded.journal.append if loaded else None,
                            read_only=read_only, metrics=query, panel=panel,
                            poll_s=0.1, verify_poll_s=0.3)


@contextmanager
def sim_env(tmp: Path, scenario: str, actions_toml: str = "", *,
            start_at: float | None = None) -> Iterator[SimEnv]:
    sim = Simulator(load_scenario(scenario), start_at=start_at or MID_INCIDENT.get(scenario),
                    anchor="now")
    sim.start()
    try:
        folder = tmp / "sim"
        folder.mkdir(parents=True, exist_ok=True)
        kubeconfig = sim.write_kubeconfig(folder / "kubeconfig")
        config_path = folder / "cockpit.toml"
        actions = actions_toml or "[actions]\nrollout_timeout_s = 60.0\nverify_window_s = 60.0\n"
        config_path.write_text(sim.config_toml(kubeconfig) + "\n" + actions)
        yield SimEnv(sim, folder, kubeconfig, config_path, load_config(config_path))
    finally:
        sim.stop()


def open_incident(root: Path, title: str = "api-gateway 5xx") -> LoadedIncident:
    return IncidentStore(root).create(title, Severity.SEV2, ["api-gateway"],
                                      commander="alice", namespace="production")


def journal_kinds(root: Path, incident_id: str) -> list[EventKind]:
    return [e.kind for e in IncidentStore(root).load(incident_id).incident.events]
