"""The Alertmanager simulator answers like a real Alertmanager 0.25 for the same requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.scenario.am_api import AlertmanagerServer
from cockpit.scenario.wire import rfc3339_ms
from tests.support.servers import running, start_alertmanager

pytestmark = pytest.mark.integration


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    sim = AlertmanagerServer(clock=time.time).start()
    try:
        with running(start_alertmanager(tmp_path / "am")) as real, \
                httpx.Client(base_url=real.url) as a, httpx.Client(base_url=sim.url) as b:
            yield a, b
    finally:
        sim.stop()


def _post_and_get(client: httpx.Client, alerts: list[dict[str, Any]],
                  params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    assert client.post("/api/v2/alerts", json=alerts).status_code == 200
    deadline = time.monotonic() + 5
    while True:   # the real Alertmanager processes posted alerts asynchronously
        got: list[dict[str, Any]] = client.get("/api/v2/alerts", params=params).json()
        if got and all(a["status"]["state"] != "unprocessed" for a in got):
            return got
        if time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def test_same_alert_json_fingerprint_and_silencing(
        both: tuple[httpx.Client, httpx.Client]) -> None:
    real, sim = both
    now = time.time()
    alerts = [{"labels": {"alertname": "HighErrorRate", "service": "api-gateway",
                          "severity": "critical"},
               "annotations": {"summary": "5xx above 5%"},
               "startsAt": rfc3339_ms(now - 120), "endsAt": rfc3339_ms(now + 600),
               "generatorURL": "http://prometheus:9090/graph?g0.expr=up"},
              {"labels": {"alertname": "DiskFull", "severity": "warning"},
               "startsAt": rfc3339_ms(now - 60)}]
    a, b = _post_and_get(real, alerts), _post_and_get(sim, alerts)
    assert [x["fingerprint"] for x in a] == [x["fingerprint"] for x in b]
    for x, y in zip(a, b, strict=True):
        assert set(x) == set(y)
        for key in ("labels", "annotations", "startsAt", "receivers", "status"):
            assert x[key] == y[key], key
        assert x.get("generatorURL") == y.get("generatorURL")
    explicit = [x for x in a + b if x["labels"]["alertname"] == "HighErrorRate"]
    assert explicit[0]["endsAt"] == explicit[1]["endsAt"]

    silence = {"matchers": [{"name": "severity", "value": "crit.*", "isRegex": True,
                             "isEqual": True}],
               "startsAt": rfc3339_ms(now), "endsAt": rfc3339_ms(now + 3600),
               "createdBy": "oncall", "comment": "looking"}
    ids = [c.post("/api/v2/silences", json=silence).json()["silenceID"] for c in both]
    states = []
    for client, sid in zip(both, ids, strict=True):
        deadline = time.monotonic() + 5
        while True:
            got = client.get("/api/v2/alerts", params={"filter": 'alertname="HighErrorRate"'})
            status = got.json()[0]["status"]
            if status["silencedBy"] or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        states.append((status["state"], status["silencedBy"] == [sid]))
    assert states[0] == states[1] == ("suppressed", True)

    for client in both:
        bad = client.post("/api/v2/alerts", json=[{"labels": {}}])
        assert bad.status_code == 400
