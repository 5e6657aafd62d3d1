"""The cluster and the alerts are polled in the log process: the app gets finished results.

Against the scenario simulator's Kubernetes API and Alertmanager API (the real
``kubernetes`` and ``httpx`` clients in the child, over loopback). What an engineer would
notice: the cluster's and the alerts' data arrive, an unreachable API server is reported
with the reason, a killed log process shows the cluster as stale and then polling
resumes, and the app never loads either client.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from cockpit.config.schema import AlertmanagerConfig, KubernetesConfig
from cockpit.scenario import load_scenario
from cockpit.scenario.durations import parse_offset
from cockpit.scenario.k8s.kubeconfig import write_kubeconfig
from cockpit.scenario.sim import CONTEXT, Simulator
from cockpit.sources.base import ClusterSnapshot, HealthState
from cockpit.sources.logs.process import LogProcess
from cockpit.sources.logs.process_child import Polled
from cockpit.ui.wiring import alertmanager_source, kubernetes_source
from tests.unit.logs.process_sources import wait_until

REPO = Path(__file__).parents[2]


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    scenario = load_scenario("api-gateway")
    simulator = Simulator(scenario, speed=10.0, anchor="now",
                          start_at=parse_offset("10:30:05", scenario.origin))  # alerts firing
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def sim_config(sim: Simulator, tmp_path: Path) -> KubernetesConfig:
    kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
    return KubernetesConfig(kubeconfig=str(kubeconfig), context=CONTEXT,
                            namespace=sim.scenario.namespace, deployment=sim.main_service)


def _polled(cfg: KubernetesConfig, interval: float = 0.2, alerts_url: str = "") -> LogProcess:
    polled: list[Polled] = [("cluster", "kubernetes", partial(kubernetes_source, cfg), interval)]
    if alerts_url:
        polled.append(("alerts", "alertmanager", partial(
            alertmanager_source, AlertmanagerConfig(url=alerts_url), None), interval))
    logs = LogProcess([], 1000, 4096, polled=polled)
    logs.start()
    return logs


def _next(logs: LogProcess, want: Any, timeout: float = 30.0) -> tuple[str, Any, Any]:
    found: list[tuple[str, Any, Any]] = []

    def arrived() -> bool:
        found.extend(item for item in logs.polled() if want(item))
        return bool(found)

    wait_until(arrived, timeout)
    return found[0]


def test_snapshots_arrive_with_deployments_history_and_health(
        sim_config: KubernetesConfig) -> None:
    logs = _polled(sim_config)
    try:
        role, snap, health = _next(logs, lambda item: item[1] is not None)
    finally:
        logs.close()
    assert role == "cluster" and isinstance(snap, ClusterSnapshot)
    assert health.source == "kubernetes" and health.state is HealthState.OK, health
    assert health.address.startswith("http://127.0.0.1:")
    main = sim_config.deployment
    deployment = next(d for d in snap.deployments if d.name == main)
    assert dict(deployment.selector), "the selector's labels crossed the process boundary"
    with pytest.raises(TypeError):
        deployment.selector["app"] = "changed"  # type: ignore[index]  # still read-only
    assert snap.revisions[main], "rollout history is there"
    assert any(pod.name.startswith(main) for pod in snap.pods)


def test_firing_alerts_arrive_with_their_labels(sim: Simulator,
                                                sim_config: KubernetesConfig) -> None:
    logs = _polled(sim_config, alerts_url=sim.alertmanager.url)
    try:
        _, alerts, health = _next(logs, lambda item: item[0] == "alerts" and bool(item[1]))
    finally:
        logs.close()
    assert health.source == "alertmanager" and health.state is HealthState.OK, health
    names = {alert.labels["alertname"] for alert in alerts}
    assert "HighErrorRate" in names, names
    assert all(alert.labels.get("namespace") == sim.scenario.namespace for alert in alerts)


def test_an_unreachable_api_server_is_reported_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{port}",
                                  "default", context="gone")
    logs = _polled(KubernetesConfig(kubeconfig=str(kubeconfig), context="gone",
                                    namespace="default", timeout_s=2.0))
    try:
        _, snap, health = _next(logs, lambda item: item[2].state is not HealthState.OK)
    finally:
        logs.close()
    assert health.state is HealthState.DOWN
    assert "connection refused" in health.last_error and str(port) in health.last_error
    assert snap is None or snap.deployments == ()


def test_a_killed_log_process_makes_the_cluster_stale_then_polling_resumes(
        sim_config: KubernetesConfig) -> None:
    logs = _polled(sim_config)
    try:
        _next(logs, lambda item: item[1] is not None)
        first = logs.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        _, snap, health = _next(logs, lambda item: item[2].state is HealthState.DOWN)
        assert snap is None and health.source == "kubernetes"
        assert "log process ended unexpectedly (exit code -9)" in health.last_error
        _, snap, health = _next(logs, lambda item: item[1] is not None)
        assert health.state is HealthState.OK and logs.pid != first
    finally:
        logs.close()


APP = """
import sys
from functools import partial
from cockpit.config.schema import AlertmanagerConfig, KubernetesConfig
from cockpit.sources.logs.process import LogProcess
from cockpit.ui.wiring import alertmanager_source, kubernetes_source
from tests.unit.logs.process_sources import wait_until
if __name__ == "__main__":
    cfg = KubernetesConfig(kubeconfig=sys.argv[1], context=sys.argv[2], namespace=sys.argv[3])
    alerts = AlertmanagerConfig(url=sys.argv[4])
    logs = LogProcess([], 1000, 4096, polled=[
        ("cluster", "kubernetes", partial(kubernetes_source, cfg), 0.2),
        ("alerts", "alertmanager", partial(alertmanager_source, alerts, None), 0.2)])
    logs.start()
    got = {}
    wait_until(lambda: got.update((r, s) for r, s, _ in logs.polled() if s) or len(got) == 2,
               30)
    logs.close()
    print(len(got["cluster"].deployments), len(got["alerts"]),
          "kubernetes" in sys.modules, "httpx" in sys.modules)
"""


def test_the_app_never_loads_the_clients(sim: Simulator, sim_config: KubernetesConfig,
                                         tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(APP)
    done = subprocess.run([sys.executable, str(script), sim_config.kubeconfig,
                           sim_config.context, sim_config.namespace, sim.alertmanager.url],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    deployments, alerts, kubernetes, httpx = done.stdout.split()
    assert int(deployments) > 0 and int(alerts) > 0
    assert (kubernetes, httpx) == ("False", "False")
