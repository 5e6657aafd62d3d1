"""The loopback simulator: one scenario world served over the real wire protocols.

Prometheus HTTP API, Alertmanager API v2 and a Kubernetes API, all on 127.0.0.1
free ports, all reading the same world through the same clock. ``cockpit demo``
runs it in-process; ``cockpit scenario serve`` runs it for other terminals
(kubectl, a second cockpit) with a kubeconfig and a cockpit config to match.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cockpit.scenario.am_api import AlertmanagerServer
from cockpit.scenario.clock import SimClock
from cockpit.scenario.cluster_driver import ClusterDriver
from cockpit.scenario.faults import FaultSchedule, FaultWindow, StreamCutter, parse_fault
from cockpit.scenario.k8s.kubeconfig import write_kubeconfig
from cockpit.scenario.k8s.server import K8sApiServer
from cockpit.scenario.k8s.state import ClusterState
from cockpit.scenario.model import Scenario
from cockpit.scenario.prom_api import PrometheusServer
from cockpit.scenario.rules import AlertRule, RuleEvaluator
from cockpit.scenario.world import ScenarioWorld
from cockpit.scenario.world_store import WorldStore

CONTEXT = "cockpit-sim"


@dataclass(frozen=True)
class Endpoints:
    prometheus: str
    alertmanager: str
    kubernetes: str


class Simulator:
    def __init__(self, scenario: Scenario, *, speed: float = 1.0, start_at: float | None = None,
                 anchor: str = "now", host: str = "127.0.0.1",
                 faults: Sequence[str] = ()) -> None:
        self.scenario = scenario
        self.world = ScenarioWorld(scenario)
        start = scenario.demo_start if start_at is None else start_at
        self.clock = SimClock(scenario.origin, start, speed, anchor=anchor)
        self.store = WorldStore(self.world, self.clock)
        rules = [AlertRule(r.name, r.expr, r.for_s, dict(r.labels), dict(r.annotations))
                 for r in self.world.alert_rules()]
        self.rules = RuleEvaluator(self.store, rules, eval_interval=self.world.scrape_interval)
        self.prometheus = PrometheusServer(self.store, host=host, rules=self.rules,
                                           extra_routes={"/api/v1/targets": self._targets})
        self.alertmanager = AlertmanagerServer(self.rules, clock=self.clock.now, host=host)
        self.cluster = ClusterState(clock=self.clock.now)
        self.driver = ClusterDriver(self.world, self.cluster, self.clock)
        self.kube = K8sApiServer(self.cluster, host=host, controller=False)
        self._wire_faults(faults)
        self._started = False

    def _wire_faults(self, extra: Sequence[str]) -> None:
        """The scenario's ``faults:`` plus ``--fault`` specs, consulted per request."""
        windows: list[FaultWindow] = [parse_fault(f.text, self.scenario.origin)
                                      for f in self.scenario.faults]
        windows += [parse_fault(text, self.scenario.origin) for text in extra]
        self.faults = FaultSchedule(windows, self.clock.offset)
        self.stream_cutter = StreamCutter(self.faults, lambda: self.kube.drop_streams(True))
        if self.faults:
            faults = self.faults
            self.prometheus.set_fault_gate(lambda p, q: faults.verdict("prometheus", p, q))
            self.alertmanager.set_fault_gate(lambda p, q: faults.verdict("alertmanager", p, q))
            self.kube.gate = lambda p, q: faults.verdict("k8s", p, q)

    def start(self) -> Endpoints:
        self.prometheus.start()
        self.alertmanager.start()
        self.driver.start()
        self.kube.start()
        self.stream_cutter.start()
        self._started = True
        return self.endpoints

    def stop(self) -> None:
        if not self._started:
            return
        self.stream_cutter.stop()
        self.driver.stop()
        for server in (self.kube, self.alertmanager, self.prometheus):
            server.stop()
        self._started = False

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _targets(self, _params: object) -> str:
        """/api/v1/targets: one scrape target per live pod, plus kube-state-metrics."""
        now = self.clock.now_datetime().isoformat().replace("+00:00", "Z")
        pods = [(p.deployment, f"{p.name}:8080") for p in self.world.pods(self.clock.offset())]
        active = [
            {"discoveredLabels": {}, "labels": {"job": job, "instance": instance},
             "scrapePool": job, "scrapeUrl": f"http://{instance}/metrics",
             "globalUrl": f"http://{instance}/metrics", "lastError": "", "lastScrape": now,
             "lastScrapeDuration": 0.004, "health": "up",
             "scrapeInterval": f"{self.world.scrape_interval:g}s", "scrapeTimeout": "10s"}
            for job, instance in [("kube-state-metrics", "kube-state-metrics:8080"), *pods]
        ]
        return json.dumps({"activeTargets": active, "droppedTargets": []})

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(self.prometheus.url, self.alertmanager.url, self.kube.url)

    @property
    def main_service(self) -> str:
        return self.scenario.services[0].name if self.scenario.services else \
            self.scenario.deployments[0].name

    def write_kubeconfig(self, path: Path) -> Path:
        return write_kubeconfig(path, self.kube.url, self.scenario.namespace, context=CONTEXT)

    def config_toml(self, kubeconfig: Path) -> str:
        """A cockpit config pointing at this simulator (for `--config-out`)."""
        def q(value: str) -> str:
            return json.dumps(value)

        return "\n".join([
            f"# cockpit config for the simulator serving scenario {self.scenario.name!r}",
            "[incident]", f"service = {q(self.main_service)}", "",
            "[prometheus]", f"url = {q(self.prometheus.url)}", "refresh_s = 5.0", "",
            "[alertmanager]", f"url = {q(self.alertmanager.url)}", "refresh_s = 5.0", "",
            "[kubernetes]", f"kubeconfig = {q(str(kubeconfig))}", f"context = {q(CONTEXT)}",
            f"namespace = {q(self.scenario.namespace)}",
            f"deployment = {q(self.main_service)}", "refresh_s = 5.0", "",
        ])
