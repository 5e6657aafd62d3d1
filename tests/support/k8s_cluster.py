"""A seeded fake cluster for tests: the api-gateway incident in ``production``."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cockpit.scenario.k8s import (
    ClusterState,
    K8sApiServer,
    RevisionSpec,
    pod_status,
    seed_deployment,
    write_kubeconfig,
)

NAMESPACE = "production"
DEPLOYMENT = "api-gateway"
LINE_EVERY_S = 0.05


def ticking_logs(namespace: str, pod: str, container: str, since: float,
                 until: float) -> list[tuple[float, str]]:
    """One line every LINE_EVERY_S of clock time, numbered, in [since, until)."""
    first = math.ceil(since / LINE_EVERY_S)
    lines = []
    k = first
    while k * LINE_EVERY_S < until:
        lines.append((k * LINE_EVERY_S, f"{pod}/{container} GET /orders seq={k} status=200"))
        k += 1
    return lines[-2000:]


def seed_incident(state: ClusterState) -> None:
    now = time.time()
    seed_deployment(state, NAMESPACE, DEPLOYMENT, [
        (40, RevisionSpec({"api": "registry.example.com/api-gateway:1.8.2"},
                          "deploy 1.8.2: pagination for /orders", now - 86400 * 3)),
        (41, RevisionSpec({"api": "registry.example.com/api-gateway:1.8.3"},
                          "deploy 1.8.3: connection pool tuning", now - 86400)),
        (42, RevisionSpec({"api": "registry.example.com/api-gateway:1.9.0"},
                          "deploy 1.9.0: new rate limiter", now - 1200)),
    ], replicas=3)
    pods, _ = state.list_items("pods", NAMESPACE)
    crashing = pods[0]
    crashing["status"] = pod_status(crashing, now - 90, False, "10.0.0.11",
                                    crashing["status"]["podIP"], restarts=4,
                                    waiting_reason="CrashLoopBackOff",
                                    last_termination_reason="OOMKilled")
    state.put_pod(crashing)
    name = crashing["metadata"]["name"]
    state.add_event(NAMESPACE, "Pod", name, "BackOff",
                    f"Back-off restarting failed container api in pod {name}")
    state.add_event(NAMESPACE, "Pod", name, "OOMKilling",
                    "Memory cgroup out of memory: Killed process 4242 (api-gateway)")
    state.add_event(NAMESPACE, "Deployment", DEPLOYMENT, "ScalingReplicaSet",
                    "Scaled up replica set api-gateway to 3", type="Normal",
                    component="deployment-controller")
    state.set_log_provider(ticking_logs)


@dataclass
class FakeCluster:
    state: ClusterState
    server: K8sApiServer
    kubeconfig: Path


@contextmanager
def fake_cluster(tmp: Path, ready_delay_s: float = 0.5) -> Iterator[FakeCluster]:
    state = ClusterState(ready_delay_s=ready_delay_s)
    seed_incident(state)
    server = K8sApiServer(state).start()
    try:
        kubeconfig = write_kubeconfig(tmp / "kubeconfig", server.url, NAMESPACE)
        yield FakeCluster(state, server, kubeconfig)
    finally:
        server.stop()
