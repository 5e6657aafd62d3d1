"""Alert parsing (tolerant of gaps, strict about types), tracker rules, bad servers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cockpit.config.schema import AlertmanagerConfig
from cockpit.sources.alertmanager import (
    AlertFormatError,
    AlertmanagerSource,
    AlertTracker,
    parse_alerts,
)
from cockpit.sources.base import Alert, HealthState, frozen_map
from tests.unit.sources.loopback import loopback

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
GOOD = {"fingerprint": "abc", "labels": {"alertname": "ApiDown", "severity": "page"},
        "annotations": {"summary": "api is down"}, "startsAt": "2026-11-28T02:55:00.123456789Z",
        "endsAt": "2026-11-28T03:04:00Z", "status": {"state": "active"},
        "receivers": [{"name": "oncall"}], "generatorURL": "http://prom/graph"}


def test_missing_fields_get_defaults() -> None:
    (bare,) = parse_alerts([{"labels": {"alertname": "X"}}], NOW)
    assert (bare.name, bare.state, bare.severity, bare.ends_at, bare.receivers) == (
        "X", "firing", "", None, ())
    assert bare.fingerprint == "alertname=X" and bare.summary == "X"
    (full,) = parse_alerts([GOOD], NOW)
    assert full.starts_at == datetime(2026, 11, 28, 2, 55, 0, 123456, tzinfo=UTC)
    assert (full.state, full.receivers, full.summary) == ("firing", ("oncall",), "api is down")


@pytest.mark.parametrize(("patch", "message"), [
    ({"labels": ["a"]}, "alert[0].labels: expected an object, got a list"),
    ({"labels": {"alertname": 3}}, "alert[0].labels.alertname: expected a string, got int"),
    ({"startsAt": "yesterday"}, "alert[0].startsAt: not an RFC 3339 time"),
    ({"status": {"state": 1}}, "alert[0].status.state: expected a string, got int"),
    ({"receivers": ["oncall"]}, "alert[0].receivers[0]: expected an object, got a string"),
])
def test_wrong_types_are_named(patch: dict[str, Any], message: str) -> None:
    with pytest.raises(AlertFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_alerts([{**GOOD, **patch}], NOW)
    with pytest.raises(AlertFormatError, match="expected a list of alerts, got an object"):
        parse_alerts({"alerts": []}, NOW)


def test_ended_and_suppressed_states() -> None:
    ended = parse_alerts([{**GOOD, "endsAt": "2026-11-28T02:59:00Z"}], NOW)[0]
    silenced = parse_alerts([{**GOOD, "status": {"state": "suppressed"}}], NOW)[0]
    assert (ended.state, silenced.state) == ("resolved", "suppressed")


async def test_wrong_types_and_5xx_are_down_and_keep_last_alerts() -> None:
    with loopback() as server:
        server.body = json.dumps([GOOD]).encode()
        source = AlertmanagerSource(AlertmanagerConfig(url=server.url, timeout_s=0.5),
                                    clock=lambda: NOW.timestamp())
        kept = await source.fetch()
        assert [a.name for a in kept] == ["ApiDown"]
        server.body = json.dumps([{**GOOD, "labels": "oops"}]).encode()
        assert await source.fetch() == kept
        health = source.health()
        assert health.state is HealthState.DOWN  # the alerts could not be read: a gap
        assert health.last_error == (f"unexpected answer from {server.url}: alert[0].labels: "
                                     "expected an object, got a string")
        server.status, server.body = 502, b"bad gateway"
        assert await source.fetch() == kept
        assert source.health().last_error.endswith("answered HTTP 502: bad gateway")
        assert source.health().state is HealthState.DOWN
        server.status, server.body = 200, b"{not json"
        await source.fetch()
        assert source.health().last_error.startswith("malformed JSON from")
        server.body, server.delay_s = json.dumps([GOOD]).encode(), 1.5
        await source.fetch()
        assert source.health().last_error == f"no answer from {server.url} within 0.5s"


def test_bad_receiver_regex_is_a_clear_health_error() -> None:
    source = AlertmanagerSource(AlertmanagerConfig(url="http://127.0.0.1:9", receiver="(oops"))
    assert source.health().state is HealthState.DOWN
    assert source.health().last_error.startswith("alertmanager.receiver: invalid regex")


def make(fp: str, minute: int, state: str = "firing") -> Alert:
    return Alert(fp, fp, state, "page", frozen_map(), frozen_map(),
                 NOW + timedelta(minutes=minute), None)


def test_resolve_uses_ends_at_when_past_and_survives_seeding() -> None:
    tracker = AlertTracker(resolve_grace_s=0)
    first = tracker.changes([make("a", 0)], NOW)
    assert [(c.kind, c.at) for c in first] == [("fired", NOW)]
    resolved = tracker.changes([], NOW + timedelta(minutes=3))
    assert [(c.kind, c.at, c.alert.state) for c in resolved] == [
        ("resolved", NOW, "resolved")]
    # a journal with only "fired" (cockpit died while it was firing): resolved on restart
    reborn = AlertTracker(seen_keys=[first[0].key], resolve_grace_s=0)
    late = reborn.changes([], NOW + timedelta(minutes=5))
    assert [(c.kind, c.key) for c in late] == [("resolved", resolved[0].key)]
    # the same alert firing again later is a new episode (new startsAt)
    again = reborn.changes([make("a", 10)], NOW + timedelta(minutes=10))
    assert [c.kind for c in again] == ["fired"]


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3), max_size=12))
def test_no_key_is_ever_emitted_twice(snapshots: list[list[str]]) -> None:
    tracker, emitted = AlertTracker(resolve_grace_s=0), []
    for i, names in enumerate(snapshots):
        alerts = [make(n, 0) for n in names]
        emitted += [c.key for c in tracker.changes(alerts, NOW + timedelta(seconds=i))]
        restarted = AlertTracker(seen_keys=emitted, resolve_grace_s=0)
        emitted += [c.key for c in restarted.changes(alerts, NOW + timedelta(seconds=i))]
    assert len(emitted) == len(set(emitted))
