"""Turning what the sources report into automatic journal events.

Each tracker compares new data with what it saw before and returns the events
worth journalling. Every event carries an idempotency key derived from the data
itself (an alert's fingerprint and start, a deployment's revision, the time a
breach began), so a reconnect or a restart of cockpit never duplicates one: the
journal refuses a key it already holds. Pure Python: no Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from cockpit.incident.journal import format_ts
from cockpit.incident.model import AUTO_ACTOR, Event, EventKind
from cockpit.sources.alert_tracker import AlertChange
from cockpit.sources.alert_tracker import AlertTracker as SourceAlertTracker
from cockpit.sources.base import Alert, ClusterSnapshot, HealthState, PanelData, SourceHealth


def _auto(now: datetime, kind: EventKind, text: str, data: Mapping[str, object],
          key: str) -> Event:
    return Event(now, kind, AUTO_ACTOR, text, data, key)


class AlertTracker:
    """Alertmanager snapshots → alert_fired / alert_resolved, exactly once.

    A thin adapter over :class:`cockpit.sources.alert_tracker.AlertTracker`
    (which owns the idempotency keys and the resolve grace period), seeded with
    the keys already journalled so a resumed incident never repeats an alert.
    """

    def __init__(self, history: Iterable[Event] = (), resolve_grace_s: float = 90.0) -> None:
        keys = [e.key for e in history if e.key and e.kind in (EventKind.ALERT_FIRED,
                                                               EventKind.ALERT_RESOLVED)]
        self._tracker = SourceAlertTracker(keys, resolve_grace_s=resolve_grace_s)

    def update(self, alerts: list[Alert], now: datetime) -> list[Event]:
        return [self._event(change, now) for change in self._tracker.changes(alerts, now)]

    @staticmethod
    def _event(change: AlertChange, now: datetime) -> Event:
        alert = change.alert
        data = {"fingerprint": alert.fingerprint, "alertname": alert.name,
                "severity": alert.severity, "starts_at": format_ts(alert.starts_at),
                "labels": dict(alert.labels)}
        if change.kind == "fired":
            return _auto(now, EventKind.ALERT_FIRED,
                         f"Alert firing: {alert.name} — {alert.summary}", data, change.key)
        data["ended_at"] = format_ts(change.at)
        return _auto(now, EventKind.ALERT_RESOLVED, f"Alert resolved: {alert.name}", data,
                     change.key)


class DeployTracker:
    """A deployment's revision going up between snapshots → deploy_detected."""

    def __init__(self) -> None:
        self._previous: dict[str, int] | None = None

    def update(self, snapshot: ClusterSnapshot, now: datetime) -> list[Event]:
        current = {d.name: d.revision for d in snapshot.deployments}
        previous, self._previous = self._previous, current
        if previous is None:
            return []  # the first snapshot is the baseline, not a deploy
        events = []
        for deployment in snapshot.deployments:
            before = previous.get(deployment.name)
            if before is None or deployment.revision <= before:
                continue
            history = snapshot.revisions.get(deployment.name, ())
            cause = next((r.change_cause for r in history if r.revision == deployment.revision), "")
            data = {"deployment": deployment.name, "namespace": deployment.namespace,
                    "revision": deployment.revision, "previous_revision": before,
                    "images": list(deployment.images), "change_cause": cause}
            text = (f"Deploy detected: {deployment.name} revision {before} → "
                    f"{deployment.revision} ({', '.join(deployment.images)})")
            events.append(_auto(now, EventKind.DEPLOY_DETECTED, text, data,
                                f"deployment:{deployment.namespace}/{deployment.name}:"
                                f"{deployment.revision}"))
        return events


def breached(value: float, threshold: float, direction: str) -> bool:
    return value < threshold if direction == "below" else value > threshold


def _run_start(panel: PanelData) -> float | None:
    """When the current breach run began (the first breaching point of the tail run)."""
    assert panel.threshold is not None
    points = panel.series[0].points
    start = None
    for ts, value in reversed(points):
        if not breached(value, panel.threshold, panel.direction):
            break
        start = ts
    return start


class BreachTracker:
    """A panel crossing its threshold → metric_breach, and back → metric_recovered."""

    def __init__(self) -> None:
        self._breach_since: dict[str, float | None] = {}

    def update(self, panels: list[PanelData], now: datetime) -> list[Event]:
        events = []
        for panel in panels:
            if panel.threshold is None or not panel.series or not panel.series[0].points:
                continue
            since = _run_start(panel)
            known = panel.name in self._breach_since
            before = self._breach_since.get(panel.name)
            self._breach_since[panel.name] = since
            value = panel.series[0].points[-1][1]
            data = {"panel": panel.name, "value": value, "threshold": panel.threshold,
                    "direction": panel.direction, "unit": panel.unit}
            if since is not None and before is None:
                stamp = format_ts(datetime.fromtimestamp(since, UTC))
                events.append(_auto(now, EventKind.METRIC_BREACH,
                                    f"{panel.title or panel.name} {panel.direction} threshold: "
                                    f"{value:.4g} (threshold {panel.threshold:g})",
                                    {**data, "since": stamp},
                                    f"metric_breach:{panel.name}:{stamp}"))
            elif since is None and before is not None and known:
                stamp = format_ts(datetime.fromtimestamp(before, UTC))
                events.append(_auto(now, EventKind.METRIC_RECOVERED,
                                    f"{panel.title or panel.name} back within threshold: "
                                    f"{value:.4g}", {**data, "breach_since": stamp},
                                    f"metric_recovered:{panel.name}:{stamp}"))
        return events


class HealthTracker:
    """A source going down and coming back → source_down / source_recovered."""

    def __init__(self) -> None:
        self._down_since: dict[str, datetime] = {}

    def update(self, health: SourceHealth, now: datetime) -> list[Event]:
        name = health.source
        if health.state is HealthState.DOWN and name not in self._down_since:
            self._down_since[name] = now
            return [_auto(now, EventKind.SOURCE_DOWN,
                          f"Source down: {name} ({health.last_error or 'no reason given'})",
                          {"source": name, "error": health.last_error, "address": health.address},
                          f"source_down:{name}:{format_ts(now)}")]
        if health.state is HealthState.OK and name in self._down_since:
            since = self._down_since.pop(name)
            return [_auto(now, EventKind.SOURCE_RECOVERED, f"Source recovered: {name}",
                          {"source": name, "down_since": format_ts(since)},
                          f"source_recovered:{name}:{format_ts(since)}")]
        return []
