"""Malformed answers from loopback servers, read by the real sources: degraded with a reason,
the last good data kept, never an exception into the app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from cockpit.config.schema import AlertmanagerConfig, PrometheusConfig
from cockpit.scenario.httpserve import LoopbackServer, Params, Reply
from cockpit.sources.alertmanager import AlertmanagerSource
from cockpit.sources.base import HealthState
from cockpit.sources.prometheus import PrometheusSource
from tests.reliability.tally import Tally

JSON = "application/json"


def _alert(i: int) -> dict[str, object]:
    return {"labels": {"alertname": f"A{i}", "severity": "critical"}, "annotations":
            {"summary": f"alert {i} \x1b]0;t\x07"}, "startsAt": "2024-01-15T10:30:00Z",
            "endsAt": "2024-01-15T11:30:00Z", "fingerprint": f"{i:016x}",
            "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
            "receivers": [{"name": "default"}], "updatedAt": "2024-01-15T10:30:00Z",
            "generatorURL": ""}


BAD_ALERT_BODIES: dict[str, str] = {
    "truncated JSON": json.dumps([_alert(1)])[:-7],
    "HTML error page": "<html><body>502 Bad Gateway</body></html>",
    "wrong type (object)": json.dumps({"alerts": []}),
    "wrong field types": json.dumps([{**_alert(2), "labels": ["x"], "startsAt": 7}]),
    "gigantic payload": json.dumps([_alert(i) for i in range(3)]) + " " * (40 << 20),
}


class Scripted:
    """A loopback server answering every GET with the body the test sets."""

    def __init__(self) -> None:
        self.body, self.status = "[]", 200
        self.server = LoopbackServer(self.handle)

    def handle(self, method: str, path: str, params: Params, body: bytes) -> Reply:
        return self.status, JSON, self.body


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    s = Scripted()
    s.server.start()
    yield s
    s.server.stop()


def test_alertmanager_bad_bodies_degrade_and_keep_last_alerts(scripted: Scripted,
                                                              tally: Tally) -> None:
    source = AlertmanagerSource(AlertmanagerConfig(url=scripted.server.url))
    scripted.body = json.dumps([_alert(i) for i in range(10_000)])
    many = asyncio.run(source.fetch())
    assert len(many) == 10_000 and source.health().state is HealthState.OK
    for name, body in BAD_ALERT_BODIES.items():
        scripted.body = body
        kept = asyncio.run(source.fetch())
        health = source.health()
        assert health.state is not HealthState.OK and health.last_error, name
        assert len(kept) == 10_000, name
    tally.hostile_input("malformed Alertmanager body", len(BAD_ALERT_BODIES))
    tally.hostile_input("10k firing alerts", 1)


def test_prometheus_bad_bodies_degrade(scripted: Scripted, tally: Tally) -> None:
    source = PrometheusSource(PrometheusConfig(url=scripted.server.url), "api", "prod",
                              clock=lambda: 1_705_314_600.0)
    bodies = ["{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[",
              "not json at all", json.dumps({"status": "success", "data": {"result": 7}}),
              json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
                  {"metric": {}, "values": [["x", "y"]]}]}})]
    for body in bodies:
        scripted.body = body
        panels = source.query_panels(1_705_314_000.0, 1_705_314_600.0, 60.0)
        assert source.health().state is not HealthState.OK or all(p.error for p in panels), body
    tally.hostile_input("malformed Prometheus body", len(bodies))
