"""The trackers that turn source data into automatic events (no UI needed)."""

from __future__ import annotations

from datetime import timedelta

from cockpit.incident.model import EventKind
from cockpit.sources.base import HealthState, SourceHealth
from cockpit.ui.detect import AlertTracker, BreachTracker, DeployTracker, HealthTracker
from tests.ui.fakes import BREACH, CALM, NOW, PANELS, alert, panel, snapshot


def test_alert_keys_are_stable_and_resume_remembers_firing() -> None:
    tracker = AlertTracker()
    first = tracker.update([alert()], NOW)
    assert [e.kind for e in first] == [EventKind.ALERT_FIRED]
    assert tracker.update([alert()], NOW) == []  # announced once
    restarted = AlertTracker().update([alert()], NOW)
    assert restarted[0].key == first[0].key  # the journal refuses the second
    resumed = AlertTracker(first)
    assert resumed.update([alert()], NOW) == []  # a resumed incident remembers it
    assert resumed.update([], NOW) == []  # gone for a moment: maybe Alertmanager restarted
    gone = resumed.update([], NOW + timedelta(seconds=91))
    assert [e.kind for e in gone] == [EventKind.ALERT_RESOLVED]


def test_first_snapshot_is_a_baseline_not_a_deploy() -> None:
    tracker = DeployTracker()
    assert tracker.update(snapshot(3), NOW) == []
    assert tracker.update(snapshot(3), NOW) == []
    (event,) = tracker.update(snapshot(4), NOW)
    assert event.kind is EventKind.DEPLOY_DETECTED
    assert event.data["change_cause"] == "deploy registry/api-gateway:1.5.0"


def test_breach_key_is_when_the_breach_began() -> None:
    cfg = PANELS[0]
    tracker, restarted = BreachTracker(), BreachTracker()
    (breach,) = tracker.update([panel(cfg, BREACH["error_ratio"])], NOW)
    (again,) = restarted.update([panel(cfg, BREACH["error_ratio"])], NOW)
    assert breach.key == again.key
    assert tracker.update([panel(cfg, BREACH["error_ratio"])], NOW) == []
    (recovered,) = tracker.update([panel(cfg, CALM["error_ratio"])], NOW)
    assert recovered.kind is EventKind.METRIC_RECOVERED


def test_source_down_then_recovered() -> None:
    tracker = HealthTracker()
    down = SourceHealth("prometheus", HealthState.DOWN, last_error="timeout")
    assert [e.kind for e in tracker.update(down, NOW)] == [EventKind.SOURCE_DOWN]
    assert tracker.update(down, NOW) == []
    up = SourceHealth("prometheus", HealthState.OK)
    assert [e.kind for e in tracker.update(up, NOW)] == [EventKind.SOURCE_RECOVERED]
