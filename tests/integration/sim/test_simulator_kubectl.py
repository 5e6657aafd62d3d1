"""Issue acceptance: the simulator serving scenario 1 works with the machine's kubectl,
and a rollback through it makes the simulated 500 ratio recover."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_api_client import PrometheusConnect

from cockpit.config.schema import DEFAULT_PANELS
from cockpit.scenario import load_scenario
from cockpit.scenario.sim import Simulator

ERROR_RATIO = DEFAULT_PANELS[0].query.replace("{service}", "api-gateway").replace(
    "{namespace}", "production")
H = 3600.0
AT_1040 = 2 * H + 40 * 60  # origin is 08:00


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[tuple[Simulator, dict[str, str]]]:
    simulator = Simulator(load_scenario("api-gateway"), start_at=AT_1040)
    simulator.start()
    kubeconfig = simulator.write_kubeconfig(tmp_path / "kubeconfig")
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), KUBECACHEDIR=str(tmp_path / "cache"))
    try:
        yield simulator, env
    finally:
        simulator.stop()


def kubectl(env: dict[str, str], *args: str, timeout: float = 30) -> str:
    result = subprocess.run(["kubectl", *args], env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
    return result.stdout


def error_ratio(sim: Simulator) -> float:
    value = PrometheusConnect(sim.prometheus.url).custom_query(ERROR_RATIO)
    return float(value[0]["value"][1])


def test_kubectl_sees_the_incident(sim: tuple[Simulator, dict[str, str]]) -> None:
    _, env = sim
    listing = kubectl(env, "get", "deploy,rs,pods,events")
    assert "deployment.apps/api-gateway" in listing and "3/3" in listing
    assert "replicaset.apps/api-gateway-" in listing
    assert "pod/api-gateway-" in listing and "Running" in listing
    history = kubectl(env, "rollout", "history", "deployment/api-gateway")
    assert "42        abc123: new pooling library" in history
    assert "41" in history


def test_logs_follow_streams_the_timeouts(sim: tuple[Simulator, dict[str, str]]) -> None:
    simulator, env = sim
    pods = json.loads(kubectl(env, "get", "pods", "-l", "app=api-gateway", "-o", "json"))
    pod = pods["items"][0]["metadata"]["name"]
    simulator.clock.set_speed(30)  # reach 10:41 quickly: timeouts are in full swing
    process = subprocess.Popen(["kubectl", "logs", "-f", "--tail=5", pod], env=env,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 20
    try:
        while len(lines) < 40 and time.monotonic() < deadline:
            lines.append(process.stdout.readline())
    finally:
        process.kill()
        process.wait()
    assert len(lines) >= 40  # it kept streaming
    assert any("timeout" in line.lower() for line in lines)


def test_rollback_dry_run_then_real_and_recovery(sim: tuple[Simulator, dict[str, str]]) -> None:
    simulator, env = sim
    before = json.loads(kubectl(env, "get", "deployment/api-gateway", "-o", "json"))
    assert error_ratio(simulator) > 0.3  # 47% at 10:40

    out = kubectl(env, "rollout", "undo", "deployment/api-gateway", "--dry-run=server")
    assert "rolled back (server dry run)" in out
    after_dry = json.loads(kubectl(env, "get", "deployment/api-gateway", "-o", "json"))
    assert after_dry["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after_dry["spec"]["template"] == before["spec"]["template"]

    assert "rolled back" in kubectl(env, "rollout", "undo", "deployment/api-gateway")
    rolled = json.loads(kubectl(env, "get", "deployment/api-gateway", "-o", "json"))
    assert rolled["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":9f8e7d6")
    history = kubectl(env, "rollout", "history", "deployment/api-gateway")
    assert "43        9f8e7d6: add rate-limit headers" in history
    assert "41 " not in history  # the old ReplicaSet was reused and renumbered

    simulator.clock.set_speed(120)  # the scenario states recovery within 2 minutes
    deadline = time.monotonic() + 20
    while simulator.clock.offset() < AT_1040 + 3 * 60 and time.monotonic() < deadline:
        time.sleep(0.1)
    simulator.clock.set_speed(1)
    assert error_ratio(simulator) < 0.01
    status = kubectl(env, "rollout", "status", "deployment/api-gateway", "--timeout=20s")
    assert "successfully rolled out" in status
