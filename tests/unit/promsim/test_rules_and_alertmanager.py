"""Alert rules over the store, and the Alertmanager v2 simulator driven with httpx."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cockpit.scenario.am_api import AlertmanagerServer
from cockpit.scenario.prom_api import PrometheusServer
from cockpit.scenario.rules import AlertRule, RuleEvaluator
from cockpit.scenario.store import StaticStore
from cockpit.scenario.templating import expand, go_float
from cockpit.scenario.wire import fingerprint, rfc3339_ms

E = 1_700_000_100
# error ratio is 0 until k=40, 0.3 from k=40 to k=79, then 0 again
ERRORS = [0.0 if k < 40 or k >= 80 else 0.3 for k in range(161)]
RULE = AlertRule(
    "HighErrorRate", "errors_ratio > 0.05", for_s=60,
    labels={"severity": "critical"},
    annotations={"summary": "{{ $labels.service }} error ratio {{ $value | humanizePercentage }}",
                 "value": "{{ $value }}"},
)


def make_store(now_k: int = 160) -> StaticStore:
    store = StaticStore(E, 15, now=E + now_k * 15)
    store.add("errors_ratio", {"service": "api", "namespace": "prod"}, ERRORS)
    return store


def test_alert_goes_pending_then_firing_then_resolved() -> None:
    ev = RuleEvaluator(make_store(), [RULE], eval_interval=15)
    assert ev.alerts_at(E + 39 * 15) == []
    pending = ev.alerts_at(E + 40 * 15 + 7)
    assert [(a.state, a.active_at) for a in pending] == [("pending", E + 600)]
    firing = ev.alerts_at(E + 44 * 15)                 # held for 60 s
    assert [(a.state, a.fired_at) for a in firing] == [("firing", E + 660)]
    alert = firing[0]
    assert dict(alert.labels) == {"alertname": "HighErrorRate", "namespace": "prod",
                                  "service": "api", "severity": "critical"}
    assert alert.annotations["summary"] == "api error ratio 30%"
    assert alert.annotations["value"] == "0.3"
    assert alert.starts_at == E + 660
    resolved = ev.alerts_at(E + 85 * 15)
    # the series is at 0 from k=80: the comparison filters it out at once
    assert [(a.state, a.resolved_at) for a in resolved] == [("inactive", E + 1200)]
    assert [a.state for a in ev.alerts_at(E + 140 * 15)] == ["inactive"]
    assert ev.alerts_at(E + 141 * 15) == []            # dropped after 15 minutes


def test_alerts_never_come_from_the_future() -> None:
    ev = RuleEvaluator(make_store(now_k=41), [RULE])
    assert [a.state for a in ev.alerts_at(E + 100 * 15)] == ["pending"]


def test_go_template_formatting() -> None:
    assert go_float(1234567.0) == "1.234567e+06"
    assert go_float(0.25) == "0.25"
    assert go_float(1e-05) == "1e-05"
    assert expand("{{ $value | humanize }}", {}, 1234567.0) == "1.235M"
    assert expand("{{ $labels.nope }} {{ weird }}", {}, 1.0) == "<no value> {{ weird }}"


def test_fingerprint_matches_alertmanager() -> None:
    # values computed by prometheus/common model.LabelSet.Fingerprint
    assert fingerprint({}) == "cbf29ce484222325"
    assert fingerprint({"alertname": "x"}) == fingerprint({"alertname": "x"})
    assert fingerprint({"a": "bc"}) != fingerprint({"ab": "c"})


@pytest.fixture
def am() -> Iterator[tuple[AlertmanagerServer, httpx.Client]]:
    store = make_store(now_k=60)
    server = AlertmanagerServer(RuleEvaluator(store, [RULE])).start()
    with httpx.Client(base_url=server.url) as client:
        yield server, client
    server.stop()


def test_rule_alerts_appear_as_alertmanager_025_returns_them(
        am: tuple[AlertmanagerServer, httpx.Client]) -> None:
    _, client = am
    alerts = client.get("/api/v2/alerts").json()
    assert len(alerts) == 1
    alert = alerts[0]
    assert set(alert) == {"annotations", "endsAt", "fingerprint", "receivers", "startsAt",
                          "status", "updatedAt", "generatorURL", "labels"}
    assert alert["labels"]["alertname"] == "HighErrorRate"
    assert alert["startsAt"] == rfc3339_ms(E + 660)
    assert alert["fingerprint"] == fingerprint(alert["labels"])
    assert alert["status"] == {"inhibitedBy": [], "silencedBy": [], "state": "active"}
    assert alert["receivers"] == [{"name": "default"}]
    assert "g0.expr=errors_ratio" in alert["generatorURL"]


def test_post_filter_silence_and_resolve(am: tuple[AlertmanagerServer, httpx.Client]) -> None:
    server, client = am
    now = server.clock()
    posted = [{"labels": {"alertname": "DiskFull", "severity": "warning", "service": "db"},
               "annotations": {"summary": "disk 97%"}, "startsAt": rfc3339_ms(now - 60)}]
    assert client.post("/api/v2/alerts", json=posted).status_code == 200
    names = sorted(a["labels"]["alertname"] for a in client.get("/api/v2/alerts").json())
    assert names == ["DiskFull", "HighErrorRate"]
    only = client.get("/api/v2/alerts", params={"filter": 'severity=~"warn.*"'}).json()
    assert [a["labels"]["alertname"] for a in only] == ["DiskFull"]
    assert client.get("/api/v2/alerts", params={"receiver": "nobody"}).json() == []

    silence = {"matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
               "startsAt": rfc3339_ms(now), "endsAt": rfc3339_ms(now + 3600),
               "createdBy": "oncall", "comment": "investigating"}
    sid = client.post("/api/v2/silences", json=silence).json()["silenceID"]
    muted = client.get("/api/v2/alerts", params={"filter": 'alertname="HighErrorRate"'}).json()
    assert muted[0]["status"] == {"inhibitedBy": [], "silencedBy": [sid], "state": "suppressed"}
    unmuted_only = client.get("/api/v2/alerts", params={"silenced": "false"}).json()
    assert [a["labels"]["alertname"] for a in unmuted_only] == ["DiskFull"]
    assert client.get(f"/api/v2/silence/{sid}").json()["status"]["state"] == "active"
    assert client.delete(f"/api/v2/silence/{sid}").status_code == 200
    assert client.get("/api/v2/silences").json()[0]["status"]["state"] == "expired"

    posted[0]["endsAt"] = rfc3339_ms(now - 1)           # endsAt in the past resolves
    assert client.post("/api/v2/alerts", json=posted).status_code == 200
    names = [a["labels"]["alertname"] for a in client.get("/api/v2/alerts").json()]
    assert names == ["HighErrorRate"]


def test_bad_requests_answer_400_with_the_reason(
        am: tuple[AlertmanagerServer, httpx.Client]) -> None:
    server, client = am
    reply = client.post("/api/v2/alerts", json=[{"labels": {}}])
    assert reply.status_code == 400 and "at least one label pair" in reply.json()
    reply = client.get("/api/v2/alerts", params={"filter": "not a matcher"})
    assert reply.status_code == 400 and "bad matcher format" in reply.json()
    now = server.clock()
    late = {"matchers": [{"name": "a", "value": "b", "isRegex": False}],
            "startsAt": rfc3339_ms(now - 7200), "endsAt": rfc3339_ms(now - 3600),
            "createdBy": "x", "comment": "y"}
    reply = client.post("/api/v2/silences", json=late)
    assert reply.status_code == 400 and "end time can't be in the past" in reply.json()
    assert client.get("/api/v2/silence/nope").status_code == 404
    status = client.get("/api/v2/status").json()
    assert status["versionInfo"]["version"] == "0.25.0"
    assert status["cluster"]["status"] == "disabled"


def test_prometheus_alerts_endpoint_lists_pending_and_firing() -> None:
    store = make_store(now_k=42)
    server = PrometheusServer(store, rules=RuleEvaluator(store, [RULE])).start()
    try:
        body = httpx.get(server.url + "/api/v1/alerts").json()
    finally:
        server.stop()
    assert body["status"] == "success"
    [alert] = body["data"]["alerts"]
    assert alert["state"] == "pending" and alert["value"] == "3e-01"
    assert alert["activeAt"] == "2023-11-14T22:25:00Z"     # E + 600 s
