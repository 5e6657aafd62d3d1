"""``cockpit doctor`` run as a user would, against real Prometheus and Alertmanager."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.prom_helpers import prometheus_yaml, running_exporter, wait_for
from tests.support.cli import run_cockpit
from tests.support.servers import running, start_alertmanager, start_prometheus

pytestmark = pytest.mark.integration


def write_config(path: Path, prom_url: str, am_url: str) -> Path:
    path.write_text(f"""\
[incident]
service = "api"

[kubernetes]
enabled = false
namespace = "prod"

[prometheus]
url = "{prom_url}"
timeout_s = 3

[[prometheus.panels]]
name = "requests"
title = "Requests/s"
query = 'sum(rate(http_requests_total{{service="{{service}}",namespace="{{namespace}}"}}[5s]))'
unit = "req/s"

[alertmanager]
url = "{am_url}"
""")
    return path


def doctor_json(home: Path, config: Path) -> tuple[int, dict[str, Any]]:
    proc = run_cockpit(home, "doctor", "--json", "--config", str(config))
    assert proc.stderr == "", proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["status"] for c in report["checks"]}


def test_doctor_green_then_red_when_prometheus_stops(tmp_path: Path, cockpit_home: Path) -> None:
    with running_exporter() as exporter, running(start_alertmanager(tmp_path / "am")) as am:
        prom = start_prometheus(tmp_path / "prom", prometheus_yaml(exporter.port))
        try:
            config = write_config(tmp_path / "cockpit.toml", prom.url, am.url)

            def green() -> dict[str, Any] | None:
                code, report = doctor_json(cockpit_home, config)
                return report if code == 0 else None

            report = wait_for(green, timeout=30, interval=0.5)
            assert isinstance(report, dict) and report["ok"] is True
            assert statuses(report) == {
                "Prometheus reachable": "ok", "Panel requests": "ok", "Scrape targets": "ok",
                "Alertmanager reachable": "ok", "Alertmanager alerts": "ok",
                "Kubernetes": "not configured", "LLM advisor": "not configured"}
            assert "version 2." in report["checks"][0]["detail"]

            no_am = write_config(tmp_path / "no-am.toml", prom.url, "")
            code, report = doctor_json(cockpit_home, no_am)
            assert code == 0 and statuses(report)["Alertmanager"] == "not configured"

            prom.stop()
            table = run_cockpit(cockpit_home, "doctor", "--config", str(config), COLUMNS="250")
            assert table.returncode == 1
            line = next(ln for ln in table.stdout.splitlines() if "Prometheus reachable" in ln)
            assert "❌" in line and f"cannot connect to {prom.url}" in line
            assert "Connection refused" in line
            am_lines = [ln for ln in table.stdout.splitlines() if "Alertmanager" in ln]
            assert len(am_lines) == 2 and all("✅" in ln for ln in am_lines)
            code, report = doctor_json(cockpit_home, config)
            assert code == 1 and statuses(report) == {
                "Prometheus reachable": "fail", "Alertmanager reachable": "ok",
                "Alertmanager alerts": "ok", "Kubernetes": "not configured",
                "LLM advisor": "not configured"}
        finally:
            prom.stop()


def test_doctor_bad_panel_query_is_red_with_prometheus_message(
    tmp_path: Path, cockpit_home: Path
) -> None:
    with running(start_prometheus(tmp_path / "prom", prometheus_yaml())) as prom:
        config = write_config(tmp_path / "c.toml", prom.url, "")
        text = config.read_text().replace("[5s]))'", "[5s])'")
        config.write_text(text)
        code, report = doctor_json(cockpit_home, config)
        assert code == 1
        panel = next(c for c in report["checks"] if c["check"] == "Panel requests")
        assert panel["status"] == "fail" and panel["detail"].startswith("bad_data: ")
        assert "[[prometheus.panels]]" in panel["next_step"]


def test_doctor_bad_config_is_one_line(tmp_path: Path, cockpit_home: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[prometheus]\nurl = 9090\n')
    proc = run_cockpit(cockpit_home, "doctor", "--config", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "prometheus.url" in proc.stderr
