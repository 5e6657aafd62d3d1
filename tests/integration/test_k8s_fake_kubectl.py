"""The machine's kubectl against the fake API server, checked as a user would."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.k8s_cluster import DEPLOYMENT, NAMESPACE, FakeCluster, fake_cluster

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed"),
]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[FakeCluster]:
    with fake_cluster(tmp_path) as c:
        yield c


def _env(c: FakeCluster) -> dict[str, str]:
    return dict(os.environ, KUBECONFIG=str(c.kubeconfig),
                KUBECACHEDIR=str(c.kubeconfig.parent / "kube-cache"))


def kubectl(c: FakeCluster, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["kubectl", *args], env=_env(c), capture_output=True, text=True,
                          timeout=60)


class LineReader:
    """A running kubectl whose stdout lines are read until a wanted one shows up."""

    def __init__(self, c: FakeCluster, *args: str) -> None:
        self.proc = subprocess.Popen(["kubectl", *args], env=_env(c), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def read_until(self, needle: str, limit_s: float = 20) -> list[str]:
        seen: list[str] = []
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if needle in line:
                return seen
        raise AssertionError(f"{needle!r} never appeared; saw {seen!r}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()]


def test_get_shows_real_columns(cluster: FakeCluster) -> None:
    out = kubectl(cluster, "get", "deploy,rs,pods,events")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "NAME                          READY   UP-TO-DATE   AVAILABLE   AGE" in text
    assert ["deployment.apps/api-gateway", "2/3", "3", "2", "3d"] in rows(text)
    assert "DESIRED   CURRENT   READY" in text
    assert "CrashLoopBackOff" in text
    assert "OOMKilling" in text and "LAST SEEN" in text


def test_rollout_history_lists_change_causes(cluster: FakeCluster) -> None:
    out = kubectl(cluster, "rollout", "history", f"deployment/{DEPLOYMENT}")
    assert out.returncode == 0, out.stderr
    assert rows(out.stdout)[-1] == ["42", "deploy", "1.9.0:", "new", "rate", "limiter"]
    assert [r[0] for r in rows(out.stdout)[2:]] == ["40", "41", "42"]


def _images(c: FakeCluster) -> str:
    out = kubectl(c, "get", f"deployment/{DEPLOYMENT}", "-o",
                  "jsonpath={.spec.template.spec.containers[0].image}")
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_undo_dry_run_changes_nothing(cluster: FakeCluster) -> None:
    before = kubectl(cluster, "get", "rs", "-o", "yaml").stdout
    out = kubectl(cluster, "rollout", "undo", f"deployment/{DEPLOYMENT}", "--dry-run=server")
    assert out.returncode == 0, out.stderr
    assert "rolled back (server dry run)" in out.stdout
    assert _images(cluster).endswith(":1.9.0")
    assert kubectl(cluster, "get", "rs", "-o", "yaml").stdout == before


def test_undo_reuses_old_replicaset_as_new_revision(cluster: FakeCluster) -> None:
    old_rs = kubectl(cluster, "get", "rs", "-o", "name").stdout.split()
    out = kubectl(cluster, "rollout", "undo", f"deployment/{DEPLOYMENT}")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "deployment.apps/api-gateway rolled back"
    status = kubectl(cluster, "rollout", "status", f"deployment/{DEPLOYMENT}", "--timeout=30s")
    assert status.returncode == 0, status.stderr
    assert 'deployment "api-gateway" successfully rolled out' in status.stdout
    assert _images(cluster).endswith(":1.8.3")
    history = rows(kubectl(cluster, "rollout", "history", f"deployment/{DEPLOYMENT}").stdout)
    assert [r[0] for r in history[2:]] == ["40", "42", "43"]
    assert history[-1][1:3] == ["deploy", "1.8.3:"]
    assert kubectl(cluster, "get", "rs", "-o", "name").stdout.split() == old_rs
    pods = kubectl(cluster, "get", "pods", "-l", "app=api-gateway", "-o",
                   "jsonpath={.items[*].metadata.labels.pod-template-hash}").stdout.split()
    rs_41 = kubectl(cluster, "get", "rs", "-o", "jsonpath={.items[?(@.metadata.annotations."
                    "deployment\\.kubernetes\\.io/revision==\"43\")].metadata.name}").stdout
    assert len(pods) == 3 and all(rs_41.endswith(h) for h in pods)


def test_scale_and_restart_roll_out(cluster: FakeCluster) -> None:
    out = kubectl(cluster, "scale", f"deployment/{DEPLOYMENT}", "--replicas=4")
    assert out.returncode == 0, out.stderr
    assert "deployment.apps/api-gateway scaled" in out.stdout
    out = kubectl(cluster, "rollout", "restart", f"deployment/{DEPLOYMENT}")
    assert out.returncode == 0, out.stderr
    assert "deployment.apps/api-gateway restarted" in out.stdout
    status = kubectl(cluster, "rollout", "status", f"deployment/{DEPLOYMENT}", "--timeout=30s")
    assert status.returncode == 0, status.stderr
    got = rows(kubectl(cluster, "get", "deploy").stdout)[1]
    assert got[:4] == ["api-gateway", "4/4", "4", "4"]
    history = rows(kubectl(cluster, "rollout", "history", f"deployment/{DEPLOYMENT}").stdout)
    assert history[-1][0] == "43"


def test_logs_follow_streams_new_lines(cluster: FakeCluster) -> None:
    pod = kubectl(cluster, "get", "pods", "--field-selector=status.phase=Running", "-o",
                  "jsonpath={.items[1].metadata.name}").stdout
    reader = LineReader(cluster, "logs", "-f", "--tail=1", pod)
    try:
        first = reader.read_until("status=200")
        seq = int(first[-1].split("seq=")[1].split()[0])
        later = reader.read_until(f"seq={seq + 3} ")
        assert all(pod in line for line in later)
    finally:
        reader.stop()


def test_get_events_watch_sees_new_event(cluster: FakeCluster) -> None:
    reader = LineReader(cluster, "get", "events", "-w")
    try:
        reader.read_until("ScalingReplicaSet")
        cluster.state.add_event(NAMESPACE, "Deployment", DEPLOYMENT, "ProbeStorm",
                                "Readiness probe failed: HTTP 503")
        line = reader.read_until("ProbeStorm")[-1]
        assert "Readiness probe failed: HTTP 503" in line and "Warning" in line
    finally:
        reader.stop()


def test_forbidden_patch_is_reported_by_kubectl(cluster: FakeCluster) -> None:
    cluster.server.access.deny("patch", "deployments", NAMESPACE)
    out = kubectl(cluster, "rollout", "undo", f"deployment/{DEPLOYMENT}")
    assert out.returncode == 1
    assert ('error: failed restoring revision 0: deployments.apps "api-gateway" is forbidden: '
            'User "cockpit-sim" cannot patch resource "deployments" in API group "apps" '
            'in the namespace "production"') in out.stderr
    assert _images(cluster).endswith(":1.9.0")
    cluster.server.access.deny("list", "pods", NAMESPACE)
    out = kubectl(cluster, "get", "pods")
    assert out.returncode == 1
    assert ('Error from server (Forbidden): pods is forbidden: User "cockpit-sim" cannot list '
            'resource "pods" in API group "" in the namespace "production"') in out.stderr


def test_logs_of_missing_pod_is_not_found(cluster: FakeCluster) -> None:
    out = kubectl(cluster, "logs", "api-gateway-nope")
    assert out.returncode == 1
    assert 'pods "api-gateway-nope" not found' in out.stderr
