"""PrometheusSource against a scripted loopback server: 5xx, garbage, slowness, tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit.config.schema import PanelConfig, PrometheusConfig
from cockpit.sources.base import HealthState
from cockpit.sources.prometheus import PrometheusSource
from tests.unit.sources.loopback import loopback

PANEL = PanelConfig("rate", "Rate", 'sum(rate(x{service="{service}"}[1m]))', "req/s")
MATRIX = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"code": "200"}, "values": [[100, "1.5"], [110, "2"]]}]}}).encode()


def make(url: str, **kw: object) -> PrometheusSource:
    cfg = PrometheusConfig(url=url, timeout_s=0.5, panels=[PANEL], **kw)  # type: ignore[arg-type]
    return PrometheusSource(cfg, "api", "prod", clock=lambda: 200.0)


def test_5xx_malformed_and_timeout_fail_and_keep_data() -> None:
    with loopback() as server:
        server.body = MATRIX
        source = make(server.url)
        (good,) = source.query_panels(100, 110, 10)
        assert good.series[0].points == ((100, 1.5), (110, 2.0))
        server.status, server.body = 503, b"upstream overloaded"
        (stale,) = source.query_panels(100, 120, 10)
        health = source.health()
        assert health.state is HealthState.DOWN  # nothing read: a monitoring gap
        assert health.last_error == f"{server.url} answered HTTP 503: upstream overloaded"
        assert stale.series == good.series
        server.status, server.body = 200, b"<html>login page</html>"
        source.query_panels(100, 120, 10)
        assert source.health().last_error.startswith(f"malformed answer from {server.url}")
        assert source.health().state is HealthState.DOWN
        server.body = json.dumps({"status": "success", "data": {"result": {"a": 1}}}).encode()
        source.query_panels(100, 120, 10)
        assert "expected a list of series" in source.health().last_error
        server.body, server.delay_s = MATRIX, 1.5
        (still,) = source.query_panels(100, 120, 10)
        assert source.health().state is HealthState.DEGRADED  # slow, not a gap
        assert source.health().last_error == f"no answer from {server.url} within 0.5s"
        assert still.series == good.series
        server.delay_s = 0
        source.query_panels(100, 120, 10)
        assert source.health().state is HealthState.OK


def test_bearer_token_from_file_is_sent(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("s3cret\n")
    with loopback() as server:
        server.body = MATRIX
        source = make(server.url, bearer_token_file=str(token), verify_tls=False)
        source.query_panels(100, 110, 10)
        assert server.seen_headers[-1]["Authorization"] == "Bearer s3cret"


def test_missing_token_env_is_down_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    source = make("http://127.0.0.1:9", bearer_token_env="NO_SUCH_TOKEN")
    (panel,) = source.query_panels(100, 110, 10)
    assert source.health().state is HealthState.DOWN
    assert "NO_SUCH_TOKEN is not set" in source.health().last_error
    assert "NO_SUCH_TOKEN is not set" in panel.error
    assert source.query("up").error and source.targets_health() == []


def test_unconfigured_source_is_disabled() -> None:
    source = make("")
    assert source.health().state is HealthState.DISABLED
    assert source.refresh()[0].series == ()
