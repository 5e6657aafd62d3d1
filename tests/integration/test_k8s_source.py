"""cockpit's Kubernetes source, event watcher and log follower, with the official
client, against the fake API server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from kubernetes import client

from cockpit.config.schema import KubernetesConfig
from cockpit.scenario.k8s import K8sApiServer
from cockpit.sources.base import ClusterEvent, HealthState, LogLine
from cockpit.sources.k8s_client import make_api_client
from cockpit.sources.k8s_events import EventWatcher
from cockpit.sources.k8s_logs import PodLogFollower
from cockpit.sources.kubernetes import KubernetesSource, new_revisions
from tests.support.k8s_cluster import DEPLOYMENT, NAMESPACE, FakeCluster, fake_cluster

pytestmark = pytest.mark.integration
T = TypeVar("T")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[FakeCluster]:
    with fake_cluster(tmp_path) as c:
        yield c


def _cfg(c: FakeCluster) -> KubernetesConfig:
    return KubernetesConfig(kubeconfig=str(c.kubeconfig), namespace=NAMESPACE,
                            deployment=DEPLOYMENT, timeout_s=3.0)


def eventually(probe: Callable[[], T | None], what: str, limit_s: float = 15) -> T:
    """Poll until ``probe`` returns something truthy; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def set_image(c: FakeCluster, image: str) -> None:
    apps = client.AppsV1Api(make_api_client(_cfg(c)))
    apps.patch_namespaced_deployment(DEPLOYMENT, NAMESPACE, {"spec": {"template": {"spec": {
        "containers": [{"name": "api", "image": image}]}}}})


def test_snapshot_reads_the_incident(cluster: FakeCluster) -> None:
    source = KubernetesSource(_cfg(cluster))
    snap = source.snapshot()
    (dep,) = snap.deployments
    assert (dep.name, dep.replicas, dep.ready, dep.revision) == (DEPLOYMENT, 3, 2, 42)
    assert dep.images == ("registry.example.com/api-gateway:1.9.0",)
    assert dep.rollout_status == "progressing"  # one replica is not available
    revisions = snap.revisions[DEPLOYMENT]
    assert [r.revision for r in revisions] == [40, 41, 42]
    assert revisions[-1].change_cause == "deploy 1.9.0: new rate limiter"
    crashing = [p for p in snap.pods if p.reason == "CrashLoopBackOff"]
    assert len(crashing) == 1 and crashing[0].last_termination_reason == "OOMKilled"
    assert crashing[0].restarts == 4 and crashing[0].owner == revisions[-1].replicaset
    assert sorted(e.reason for e in snap.events) == ["BackOff", "OOMKilling"]
    health = source.health()
    assert health.state == HealthState.OK and health.address == cluster.server.url
    assert new_revisions(None, snap) == []


def test_rollout_is_detected_as_a_new_revision(cluster: FakeCluster) -> None:
    source = KubernetesSource(_cfg(cluster))
    first = source.snapshot()
    set_image(cluster, "registry.example.com/api-gateway:1.9.1")
    fresh = eventually(lambda: new_revisions(first, source.snapshot()), "revision 43 appears")
    assert [(r.revision, r.images) for r in fresh] == \
        [(43, ("registry.example.com/api-gateway:1.9.1",))]
    done = eventually(lambda: [d for d in source.snapshot().deployments
                               if d.rollout_status == "complete"], "rollout completes")
    assert done[0].revision == 43 and done[0].ready == 3


def test_forbidden_names_verb_and_resource(cluster: FakeCluster) -> None:
    cluster.server.access.deny("list", "events", NAMESPACE)
    source = KubernetesSource(_cfg(cluster), backoff_base_s=0.01)
    snap = source.snapshot()
    assert snap.deployments and source.health().state == HealthState.DEGRADED
    assert 'cannot list resource "events" in API group ""' in source.health().last_error
    cluster.server.access.deny("list", "pods", NAMESPACE)
    time.sleep(0.02)
    assert source.snapshot() is snap  # the last good data is kept
    health = source.health()
    assert health.state == HealthState.DEGRADED and health.last_error.startswith("403 Forbidden")
    assert 'User "cockpit-sim" cannot list resource "pods"' in health.last_error


def test_server_down_then_back(cluster: FakeCluster) -> None:
    source = KubernetesSource(_cfg(cluster), backoff_base_s=0.05, backoff_max_s=0.2)
    good = source.snapshot()
    port = cluster.server.port
    cluster.server.stop()
    assert source.snapshot() is good
    health = source.health()
    assert health.state == HealthState.DOWN and health.address == f"http://127.0.0.1:{port}"
    assert f"cannot connect to http://127.0.0.1:{port}: connection refused" in health.last_error
    assert health.last_ok is not None
    restarted = K8sApiServer(cluster.state, port=port).start()
    try:
        eventually(lambda: source.snapshot() is not good and
                   source.health().state == HealthState.OK, "source recovers")
    finally:
        restarted.stop()


def _collect(it: Iterator[T], out: queue.Queue[T]) -> threading.Thread:
    def run() -> None:
        for item in it:
            out.put(item)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_event_watch_survives_drops_and_expiry(cluster: FakeCluster) -> None:
    watcher = EventWatcher(_cfg(cluster), backoff_base_s=0.01, backoff_max_s=0.05)
    got: queue.Queue[ClusterEvent] = queue.Queue()
    thread = _collect(watcher.events(), got)
    seen: list[tuple[str, int]] = []

    def wait_for(reason: str, count: int = 1) -> None:
        def probe() -> bool:
            while not got.empty():
                e = got.get()
                seen.append((e.reason, e.count))
            return (reason, count) in seen
        eventually(probe, f"event {reason} x{count}")

    try:
        wait_for("ScalingReplicaSet")
        state = cluster.state
        state.add_event(NAMESPACE, "Pod", "p1", "Unhealthy", "Liveness probe failed")
        wait_for("Unhealthy")
        cluster.server.drop_streams(abrupt=True)
        state.add_event(NAMESPACE, "Pod", "p1", "Killing", "Stopping container api")
        wait_for("Killing")
        with state.lock:  # history compacted past the watcher's resourceVersion
            state.add_event(NAMESPACE, "Pod", "p1", "Evicted", "node memory pressure")
            state.compact()
        wait_for("Evicted")
        assert watcher.relists >= 1
        cluster.server.drop_streams()
        state.add_event(NAMESPACE, "Pod", "p1", "Unhealthy", "Liveness probe failed")
        wait_for("Unhealthy", 2)
    finally:
        watcher.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(seen) == len(set(seen)), seen
    assert sorted(seen) == sorted([("BackOff", 1), ("OOMKilling", 1), ("ScalingReplicaSet", 1),
                                   ("Unhealthy", 1), ("Killing", 1), ("Evicted", 1),
                                   ("Unhealthy", 2)])


def _seqs(lines: list[LogLine], pod: str) -> list[int]:
    return [int(line.text.split("seq=")[1].split()[0]) for line in lines if line.source == pod]


def test_log_follower_resumes_and_joins_new_pods(cluster: FakeCluster) -> None:
    follower = PodLogFollower(_cfg(cluster), tail_lines=5, poll_s=0.2)
    batches: queue.Queue[list[LogLine]] = queue.Queue()
    thread = _collect(follower.follow(), batches)
    lines: list[LogLine] = []

    def pods_seen() -> set[str]:
        while not batches.empty():
            lines.extend(batches.get())
        return {line.source for line in lines}

    try:
        running = eventually(lambda: pods_seen() if len(pods_seen()) == 2 else None,
                             "two running pods streamed")
        assert all(line.level == "" and line.container == "api" for line in lines)
        pod = sorted(running)[0]
        before = len(_seqs(lines, pod))
        cluster.server.drop_streams(abrupt=True)
        eventually(lambda: pods_seen() and len(_seqs(lines, pod)) > before + 40,
                   "lines after the dropped stream")
        seqs = _seqs(lines, pod)
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "gap or duplicate"
        set_image(cluster, "registry.example.com/api-gateway:1.9.1")
        new = eventually(lambda: pods_seen() - running - {"cockpit"}, "a new pod streamed")
        assert all(name.startswith(f"{DEPLOYMENT}-") for name in new)
        assert follower.status().skipped == ()
    finally:
        follower.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_log_follower_reports_pods_over_the_cap(cluster: FakeCluster) -> None:
    follower = PodLogFollower(_cfg(cluster), max_streams=1, tail_lines=1, poll_s=0.2)
    batches: queue.Queue[list[LogLine]] = queue.Queue()
    thread = _collect(follower.follow(), batches)
    try:
        def notice() -> str | None:
            while not batches.empty():
                for line in batches.get():
                    if line.source == "cockpit":
                        return line.text
            return None
        text = eventually(notice, "a notice about the pods not followed")
        assert text.startswith("log streams capped at 1: not following 1 pod(s): api-gateway-")
        assert len(follower.status().streams) == 1 and len(follower.status().skipped) == 1
        crashing = next(p["metadata"]["name"] for p in cluster.state.list_items("pods")[0]
                        if p["status"]["containerStatuses"][0]["restartCount"] == 4)
        previous = follower.previous(crashing)
        assert previous and all(line.source == crashing for line in previous)
    finally:
        follower.stop()
        thread.join(timeout=5)
