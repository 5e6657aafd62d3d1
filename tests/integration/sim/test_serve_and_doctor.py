"""`cockpit scenario serve` for other terminals, and `cockpit doctor` against it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from cockpit.scenario import load_scenario
from cockpit.scenario.sim import Simulator
from tests.support.cli import cockpit_env, run_cockpit


def doctor_rows(home: Path, config: Path) -> tuple[int, list[dict[str, str]]]:
    result = run_cockpit(home, "--config", str(config), "doctor", "--json")
    return result.returncode, json.loads(result.stdout)["checks"]


def test_serve_then_doctor_all_green_then_stop(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config, kubeconfig = tmp_path / "sim.toml", tmp_path / "kubeconfig"
    server = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "scenario", "serve", "api-gateway",
         "--config-out", str(config), "--kubeconfig-out", str(kubeconfig)],
        env=cockpit_env(home), stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        banner = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            banner.append(line)
            if "serving" in line or not line:
                break
        text = "".join(banner)
        assert "prometheus   http://127.0.0.1:" in text
        assert "kubernetes   http://127.0.0.1:" in text
        code, rows = doctor_rows(home, config)
        assert code == 0, rows
        assert all(r["status"] in ("ok", "not configured") for r in rows), rows
        checks = {r["check"] for r in rows}
        assert {"Prometheus reachable", "Alertmanager reachable", "Kubernetes reachable",
                "get pods/log"} <= checks
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    assert server.returncode == 0 and "stopped" in out


def test_doctor_names_a_denied_verb_and_a_stopped_server(tmp_path: Path) -> None:
    sim = Simulator(load_scenario("api-gateway"))
    sim.start()
    try:
        config = tmp_path / "sim.toml"
        config.write_text(sim.config_toml(sim.write_kubeconfig(tmp_path / "kubeconfig")))
        sim.kube.access.deny("patch", "deployments", "production")
        code, rows = doctor_rows(tmp_path / "home", config)
        assert code == 1
        patch = next(r for r in rows if r["check"].startswith("patch deployments"))
        assert patch["status"] == "fail"
        assert 'cannot patch resource "deployments"' in patch["detail"]
        assert "kubectl auth can-i patch deployments.apps" in patch["next_step"]
        sim.prometheus.stop()
        code, rows = doctor_rows(tmp_path / "home", config)
        prom = next(r for r in rows if r["check"] == "Prometheus reachable")
        assert code == 1 and prom["status"] == "fail"
        assert "127.0.0.1" in prom["detail"]
        assert next(r for r in rows if r["check"] == "Kubernetes reachable")["status"] == "ok"
    finally:
        sim.stop()
