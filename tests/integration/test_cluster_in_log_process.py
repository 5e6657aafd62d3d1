"""The cluster is polled in the log process: the app gets finished snapshots, never the client.

Against the scenario simulator's Kubernetes API (the real ``kubernetes`` client in the
child, over loopback). What an engineer would notice: the cluster pane's data arrives,
an unreachable API server is reported with the reason, a killed log process shows the
cluster as stale and then polling resumes, and the app never loads the client.
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

from cockpit.config.schema import KubernetesConfig
from cockpit.scenario import load_scenario
from cockpit.scenario.k8s.kubeconfig import write_kubeconfig
from cockpit.scenario.sim import CONTEXT, Simulator
from cockpit.sources.base import ClusterSnapshot, HealthState
from cockpit.sources.logs.process import LogProcess
from cockpit.ui.wiring import kubernetes_source
from tests.unit.logs.process_sources import wait_until

REPO = Path(__file__).parents[2]


@pytest.fixture
def sim_config(tmp_path: Path) -> Iterator[KubernetesConfig]:
    simulator = Simulator(load_scenario("api-gateway"), speed=10.0, anchor="now")
    simulator.start()
    try:
        kubeconfig = simulator.write_kubeconfig(tmp_path / "kubeconfig")
        yield KubernetesConfig(kubeconfig=str(kubeconfig), context=CONTEXT,
                               namespace=simulator.scenario.namespace,
                               deployment=simulator.main_service)
    finally:
        simulator.stop()


def _polled(cfg: KubernetesConfig, interval: float = 0.2) -> LogProcess:
    logs = LogProcess([], 1000, 4096, polled=[
        ("cluster", "kubernetes", partial(kubernetes_source, cfg), interval)])
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
from cockpit.config.schema import KubernetesConfig
from cockpit.sources.logs.process import LogProcess
from cockpit.ui.wiring import kubernetes_source
from tests.unit.logs.process_sources import wait_until
if __name__ == "__main__":
    cfg = KubernetesConfig(kubeconfig=sys.argv[1], context=sys.argv[2], namespace=sys.argv[3])
    logs = LogProcess([], 1000, 4096, polled=[
        ("cluster", "kubernetes", partial(kubernetes_source, cfg), 0.2)])
    logs.start()
    got = []
    wait_until(lambda: got.extend(s for _, s, _ in logs.polled() if s) or bool(got), 30)
    logs.close()
    print(len(got[0].deployments), "kubernetes" in sys.modules)
"""


def test_the_app_never_loads_the_kubernetes_client(sim_config: KubernetesConfig,
                                                    tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(APP)
    done = subprocess.run([sys.executable, str(script), sim_config.kubeconfig,
                           sim_config.context, sim_config.namespace],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    deployments, loaded = done.stdout.split()
    assert int(deployments) > 0 and loaded == "False"
