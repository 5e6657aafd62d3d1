"""Gigantic cluster answers: 5k pods and 1k ReplicaSet revisions, read by the real client.

A loopback server answers the four list calls of KubernetesSource in the
Kubernetes list wire format (``kind: PodList``, ``metadata.continue`` and
``remainingItemCount`` when the client asks for a ``limit``), either honouring
``limit`` as the API server does (with ``remainingItemCount``, or without it, as
for a label-selected list), or ignoring it as a careless proxy might. The
source must stay within its caps, keep the newest revisions in order, and the
cluster pane must render the result and say that it is capped.
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from textual.app import App, ComposeResult

from cockpit.config.schema import KubernetesConfig
from cockpit.scenario.httpserve import LoopbackServer, Params, Reply
from cockpit.scenario.k8s.kubeconfig import write_kubeconfig
from cockpit.sources import k8s_client
from cockpit.sources.base import ClusterSnapshot, HealthState
from cockpit.sources.kubernetes import MAX_PODS, MAX_REVISIONS, KubernetesSource
from cockpit.ui.widgets.cluster import ClusterPane
from tests.reliability.tally import Tally

NS, DEPLOY, UID = "shop", "api-gateway", "5f0c7a1e-0000-4000-8000-000000000001"
PODS, REVISIONS = 5000, 1000
TS = "2024-01-15T10:00:00Z"


def _template(revision: int) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": DEPLOY}}, "spec": {"containers": [
        {"name": "app", "image": f"registry.local/{DEPLOY}:1.{revision}",
         "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}}]}}


def _meta(name: str, i: int, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": NS, "uid": f"uid-{name}", "resourceVersion": str(i),
            "creationTimestamp": TS, "labels": {"app": DEPLOY}, **extra}


def _replicaset(rev: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": _meta(
        f"{DEPLOY}-{rev:08x}", rev, annotations={
            "deployment.kubernetes.io/revision": str(rev),
            "kubernetes.io/change-cause": f"deploy build {rev}"},
        ownerReferences=[{"apiVersion": "apps/v1", "kind": "Deployment", "name": DEPLOY,
                          "uid": UID, "controller": True}]),
        "spec": {"replicas": 1 if rev == REVISIONS else 0, "template": _template(rev)},
        "status": {"replicas": 1 if rev == REVISIONS else 0}}


def _pod(i: int) -> dict[str, Any]:
    restarts = 3 if i % 97 == 0 else 0
    return {"apiVersion": "v1", "kind": "Pod", "metadata": _meta(
        f"{DEPLOY}-{REVISIONS:08x}-{i:05d}", 10_000 + i,
        ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "controller": True,
                          "name": f"{DEPLOY}-{REVISIONS:08x}", "uid": "rs"}]),
        "spec": {"nodeName": f"node-{i % 40}", **_template(REVISIONS)["spec"]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [{"name": "app", "ready": True,
                                          "restartCount": restarts, "state": {"running": {}},
                                          "lastState": {"terminated": {"reason": "OOMKilled"}}
                                          if restarts else {}}]}}


def _deployment() -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(
        DEPLOY, 1, uid=UID, generation=REVISIONS,
        annotations={"deployment.kubernetes.io/revision": str(REVISIONS)}),
        "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": DEPLOY}},
                 "template": _template(REVISIONS)},
        "status": {"observedGeneration": REVISIONS, "replicas": PODS, "updatedReplicas": PODS,
                   "readyReplicas": PODS, "availableReplicas": PODS}}


class HugeCluster:
    """The list endpoints of one namespace, with pagination as the API server does it."""

    def __init__(self, honour_limit: bool, count_remaining: bool = True) -> None:
        rng = random.Random(9)
        replicasets = [_replicaset(rev) for rev in range(1, REVISIONS + 1)]
        rng.shuffle(replicasets)  # list order is by name, never by revision
        self.items = {"deployments": ("apps/v1", "DeploymentList", [_deployment()]),
                      "replicasets": ("apps/v1", "ReplicaSetList", replicasets),
                      "pods": ("v1", "PodList", [_pod(i) for i in range(PODS)]),
                      "events": ("v1", "EventList", [])}
        self.honour_limit = honour_limit
        self.count_remaining = count_remaining
        self.pad = 0  # extra bytes of whitespace after the pod list, for the byte cap
        self.asked: dict[str, Params] = {}
        self.mode = ""
        self.server = LoopbackServer(self.handle)

    def handle(self, method: str, path: str, params: Params, body: bytes) -> Reply:
        resource = path.rstrip("/").rsplit("/", 1)[-1]
        if method != "GET" or resource not in self.items:
            return 404, "application/json", json.dumps({"kind": "Status", "code": 404})
        self.asked[resource] = params
        version, kind, items = self.items[resource]
        meta: dict[str, Any] = {"resourceVersion": "4242"}
        limit = int(params.get("limit", ["0"])[0])
        if self.honour_limit and 0 < limit < len(items):
            meta["continue"] = "eyJzdGFydCI6MTAwMH0"
            if self.count_remaining:
                meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        doc = json.dumps({"apiVersion": version, "kind": kind, "metadata": meta, "items": items})
        return 200, "application/json", doc + (" " * self.pad if resource == "pods" else "")


PODS_NOTE = {"honours-limit": f"showing {MAX_PODS} of {PODS} pods (capped)",
             "ignores-limit": f"showing {MAX_PODS} of {PODS} pods (capped)",
             "no-remaining-count": f"showing the first {MAX_PODS} pods; the namespace has more "
                                   f"(capped)"}
REVISIONS_NOTE = f"showing the newest {MAX_REVISIONS} of {REVISIONS} revisions of {DEPLOY} (capped)"


@pytest.fixture(params=list(PODS_NOTE))
def cluster(request: pytest.FixtureRequest) -> Iterator[HugeCluster]:
    fake = HugeCluster(honour_limit=request.param != "ignores-limit",
                       count_remaining=request.param != "no-remaining-count")
    fake.mode = request.param
    fake.server.start()
    yield fake
    fake.server.stop()


class PaneApp(App[None]):
    def __init__(self, snapshot: ClusterSnapshot) -> None:
        super().__init__()
        self.snap = snapshot

    def compose(self) -> ComposeResult:
        yield ClusterPane(DEPLOY, id="cluster")

    async def on_mount(self) -> None:
        pane = self.query_one(ClusterPane)
        await pane.fill()  # panes mount their tables when asked (after the first frame)
        pane.snapshot = self.snap


async def _rendered(snapshot: ClusterSnapshot) -> tuple[list[str], int, str]:
    """The history's first revisions, the pod row count, and the pane's text on screen."""
    app = PaneApp(snapshot)
    async with app.run_test(size=(220, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(ClusterPane)
        history = pane.query_one("#table-history")
        pods = pane.query_one("#table-pods")
        first = [str(history.get_row_at(i)[0]) for i in range(3)]  # type: ignore[attr-defined]
        svg = app.export_screenshot()
        screen = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
        return first, int(pods.row_count), screen  # type: ignore[attr-defined]


def test_5k_pods_and_1k_revisions_stay_within_caps(cluster: HugeCluster, tmp_path: Any,
                                                  tally: Tally) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", cluster.server.url, NS,
                                  context="huge")
    source = KubernetesSource(KubernetesConfig(kubeconfig=str(kubeconfig), context="huge",
                                               namespace=NS, deployment=DEPLOY))
    snap = source.snapshot()
    assert source.health().state is HealthState.OK, source.health()
    assert cluster.asked["pods"].get("limit") == [str(MAX_PODS)]
    assert len(snap.pods) == MAX_PODS
    revisions = [r.revision for r in snap.revisions[DEPLOY]]
    assert revisions == list(range(REVISIONS - MAX_REVISIONS + 1, REVISIONS + 1))
    assert snap.revisions[DEPLOY][-1].change_cause == f"deploy build {REVISIONS}"
    assert [d.revision for d in snap.deployments] == [REVISIONS]

    assert snap.notes == (PODS_NOTE[cluster.mode], REVISIONS_NOTE)

    first, pod_rows, screen = asyncio.run(_rendered(snap))
    assert first == [str(REVISIONS), str(REVISIONS - 1), str(REVISIONS - 2)]
    assert pod_rows == MAX_PODS
    assert PODS_NOTE[cluster.mode] in screen and REVISIONS_NOTE in screen, screen
    tally.hostile_input("5k pods")
    tally.hostile_input("1k revisions")


def test_an_uncapped_view_says_nothing_about_caps(tmp_path: Any) -> None:
    cluster = HugeCluster(honour_limit=True)
    del cluster.items["pods"][2][MAX_PODS:], cluster.items["replicasets"][2][MAX_REVISIONS:]
    cluster.server.start()
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", cluster.server.url, NS,
                                      context="huge")
        snap = KubernetesSource(KubernetesConfig(kubeconfig=str(kubeconfig), context="huge",
                                                 namespace=NS)).snapshot()
    finally:
        cluster.server.stop()
    assert len(snap.pods) == MAX_PODS and snap.notes == ()
    _, _, screen = asyncio.run(_rendered(snap))
    assert "capped" not in screen


def test_oversized_list_is_refused_and_the_last_snapshot_kept(tmp_path: Any,
                                                              tally: Tally) -> None:
    cluster = HugeCluster(honour_limit=False)
    cluster.server.start()
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", cluster.server.url, NS,
                                      context="huge")
        source = KubernetesSource(KubernetesConfig(kubeconfig=str(kubeconfig), context="huge",
                                                   namespace=NS), backoff_base_s=0.0,
                                  backoff_max_s=0.0)
        good = source.snapshot()
        cluster.pad = k8s_client.MAX_BODY_BYTES
        kept = source.snapshot()
        health = source.health()
        assert kept is good
        assert health.state is HealthState.DEGRADED
        assert "MiB" in health.last_error and "/pods" in health.last_error, health.last_error
        cluster.pad = 0
        assert len(source.snapshot().pods) == MAX_PODS  # the connection pool still works
        assert source.health().state is HealthState.OK
    finally:
        cluster.server.stop()
    tally.hostile_input("gigantic Kubernetes list (> byte cap)")
