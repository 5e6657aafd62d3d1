"""AlertmanagerSource and AlertTracker against a real Alertmanager (and Prometheus rules)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.config.schema import AlertmanagerConfig
from cockpit.sources.alertmanager import AlertmanagerSource, AlertTracker
from cockpit.sources.base import HealthState
from tests.integration.prom_helpers import prometheus_yaml, running_exporter
from tests.support.servers import running, start_alertmanager, start_prometheus

pytestmark = pytest.mark.integration

AM_YAML = """\
route:
  receiver: default
  group_wait: 0s
  routes:
    - receiver: db-team
      matchers: ['team="db"']
receivers:
  - name: default
  - name: db-team
"""
RULES = """\
groups:
  - name: api
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{code="500"}[5s])) > 1
        for: 3s
        labels: {severity: page, service: api}
        annotations: {summary: "api 5xx above 1/s"}
"""
T0 = datetime.now(UTC).replace(microsecond=123000) - timedelta(minutes=5)


def iso(ts: datetime) -> str:
    return ts.isoformat().replace("+00:00", "Z")


def post(url: str, *alerts: dict[str, Any]) -> None:
    httpx.post(f"{url}/api/v2/alerts", json=list(alerts), timeout=5).raise_for_status()


def alert(name: str, ends: datetime | None = None, **labels: str) -> dict[str, Any]:
    body: dict[str, Any] = {"labels": {"alertname": name, **labels},
                            "annotations": {"summary": f"{name} is bad"}, "startsAt": iso(T0)}
    if ends:
        body["endsAt"] = iso(ends)
    return body


def source(url: str, **kw: Any) -> AlertmanagerSource:
    return AlertmanagerSource(AlertmanagerConfig(url=url, timeout_s=3.0, **kw))


async def test_posted_alerts_filters_and_silence_shown_as_suppressed(tmp_path: Path) -> None:
    with running(start_alertmanager(tmp_path / "am", AM_YAML)) as am:
        post(am.url, alert("DiskFull", severity="warning", team="db"),
             alert("ApiDown", severity="page", service="api"))
        everything = await source(am.url).fetch()
        assert {(a.name, a.state, a.severity) for a in everything} == {
            ("DiskFull", "firing", "warning"), ("ApiDown", "firing", "page")}
        api = next(a for a in everything if a.name == "ApiDown")
        assert api.summary == "ApiDown is bad" and api.starts_at == T0
        assert api.receivers == ("default",) and api.fingerprint
        assert [a.name for a in await source(am.url, receiver="db-.*").fetch()] == ["DiskFull"]
        assert [a.name for a in await source(am.url, match={"service": "api"}).fetch()] == [
            "ApiDown"]
        now = datetime.now(UTC)
        httpx.post(f"{am.url}/api/v2/silences", timeout=5, json={
            "matchers": [{"name": "alertname", "value": "DiskFull", "isRegex": False}],
            "startsAt": iso(now), "endsAt": iso(now + timedelta(hours=1)),
            "createdBy": "test", "comment": "maintenance"}).raise_for_status()
        states = {a.name: a.state for a in await source(am.url).fetch()}
        assert states == {"DiskFull": "suppressed", "ApiDown": "firing"}


async def test_tracker_once_across_cockpit_and_alertmanager_restarts(tmp_path: Path) -> None:
    am = start_alertmanager(tmp_path / "am1")
    try:
        post(am.url, alert("ApiDown", service="api"))
        tracker = AlertTracker(resolve_grace_s=60)
        now = datetime.now(UTC)
        fired = tracker.changes(await source(am.url).fetch(), now)
        assert [(c.kind, c.alert.name, c.at) for c in fired] == [("fired", "ApiDown", T0)]
        assert tracker.changes(await source(am.url).fetch(), now + timedelta(seconds=5)) == []
        journal = {c.key for c in fired}
        # cockpit restarts: a new source and a tracker seeded from the journal
        tracker = AlertTracker(seen_keys=journal, resolve_grace_s=60)
        assert tracker.changes(await source(am.url).fetch(), now + timedelta(seconds=10)) == []
        # Alertmanager restarts (empty memory) and the sender re-posts within the grace
        am.stop()
        am = start_alertmanager(tmp_path / "am2")
        fresh = source(am.url)
        assert tracker.changes(await fresh.fetch(), now + timedelta(seconds=20)) == []
        post(am.url, alert("ApiDown", service="api"))
        assert tracker.changes(await fresh.fetch(), now + timedelta(seconds=30)) == []
        # resolved by the sender: gone from the API, announced once after the grace
        ended = datetime.now(UTC).replace(microsecond=0)
        post(am.url, alert("ApiDown", ends=ended, service="api"))
        assert await fresh.fetch() == []
        assert tracker.changes([], now + timedelta(seconds=40)) == []
        resolved = tracker.changes([], now + timedelta(seconds=100))
        assert [(c.kind, c.alert.name, c.at) for c in resolved] == [
            ("resolved", "ApiDown", now + timedelta(seconds=30))]
        assert tracker.changes([], now + timedelta(seconds=200)) == []
        journal |= {c.key for c in resolved}
        assert AlertTracker(journal, 0).changes([], now + timedelta(seconds=300)) == []
    finally:
        am.stop()


async def test_down_oversized_and_recovery_keep_last_alerts(tmp_path: Path) -> None:
    am = start_alertmanager(tmp_path / "am")
    try:
        post(am.url, alert("ApiDown", service="api"), alert("DiskFull", team="db"))
        small = AlertmanagerSource(AlertmanagerConfig(url=am.url), max_body_bytes=200)
        assert await small.fetch() == []
        assert small.health().state is HealthState.DEGRADED
        assert "larger than 200 bytes" in small.health().last_error
        src = source(am.url)
        kept = await src.fetch()
        assert len(kept) == 2 and src.health().state is HealthState.OK
        am.stop()
        assert await src.fetch() == kept
        health = src.health()
        assert health.state is HealthState.DOWN and health.address == am.url
        assert f"cannot connect to {am.url}" in health.last_error
        assert "Connection refused" in health.last_error
    finally:
        am.stop()


async def test_prometheus_rule_fires_and_resolves_once(tmp_path: Path) -> None:
    with running_exporter() as exporter, running(start_alertmanager(tmp_path / "am")) as am, \
            running(start_prometheus(tmp_path / "prom", prometheus_yaml(
                exporter.port, am.port, rules=True), rules_yaml=RULES)):
        exporter.spike = True
        src, tracker = source(am.url), AlertTracker(resolve_grace_s=0)
        events: list[str] = []

        async def poll(kind: str) -> bool:
            changes = tracker.changes(await src.fetch(), datetime.now(UTC))
            events.extend(f"{c.kind}:{c.alert.name}" for c in changes)
            return any(c.kind == kind for c in changes)

        await wait_async(lambda: poll("fired"))
        (firing,) = await src.fetch()
        assert (firing.name, firing.severity, firing.state) == ("HighErrorRate", "page", "firing")
        assert firing.generator_url.startswith("http")
        src, tracker = source(am.url), AlertTracker(seen_keys=tracker.seen, resolve_grace_s=0)
        exporter.spike = False
        await wait_async(lambda: poll("resolved"))
        assert events == ["fired:HighErrorRate", "resolved:HighErrorRate"]


async def wait_async(check: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.3)
    raise AssertionError(f"condition not met within {timeout}s")
