"""SVG snapshots of the main states at 120×35 with fixed data and a fixed clock.

Regenerate after a deliberate visual change with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from cockpit.incident.store import LoadedIncident
from cockpit.ui.app import CockpitApp
from cockpit.ui.detect import AlertTracker, BreachTracker, DeployTracker
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.header import HeaderBar
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.metrics import MetricsPane
from tests.ui.conftest import AppFactory
from tests.ui.fakes import (
    BREACH,
    CALM,
    NOW,
    PANELS,
    QueueLogs,
    ScriptedAlerts,
    ScriptedCluster,
    ScriptedMetrics,
    alert,
    line,
    panel,
    snapshot,
)
from tests.ui.waiting import filled, until

SIZE = (120, 35)
SnapCompare = Callable[..., bool]


def _logs(firing: bool) -> QueueLogs:
    logs = QueueLogs()
    batch = []
    for n in range(30):
        pod = f"api-gateway-7d9f-{'abcde' if n % 2 else 'fghij'}"
        if firing and n % 3 == 0:
            batch.append(line(f"POST /api/checkout 502 upstream timeout after 2.0s req={n}",
                              "error", pod, n))
        else:
            batch.append(line(f"GET /api/orders/{1000 + n} 200 12ms", "info", pod, n))
    logs.batches.put(batch)
    return logs


def _already_journalled(loaded: LoadedIncident) -> None:
    """The firing story's automatic events, in a fixed order (workers race otherwise)."""
    deploys = DeployTracker()
    deploys.update(snapshot(3), NOW - timedelta(minutes=3))
    events = [*deploys.update(snapshot(4), NOW - timedelta(minutes=3)),
              *AlertTracker().update([alert()], NOW - timedelta(minutes=2)),
              *BreachTracker().update([panel(PANELS[0], BREACH["error_ratio"])], NOW)]
    for event in events:
        loaded.journal.append(event)


def _app(make_app: AppFactory, firing: bool) -> tuple[CockpitApp, ScriptedMetrics]:
    metrics = ScriptedMetrics(values=dict(BREACH if firing else CALM))
    sources = SourceSet(metrics=metrics, alerts=ScriptedAlerts([alert()] if firing else []),
                        cluster=ScriptedCluster(4 if firing else 3), logs=[_logs(firing)])
    return make_app(sources), metrics


def _settled(app: CockpitApp, events: int) -> Callable[[Pilot[Any]], Any]:
    async def wait(pilot: Pilot[Any]) -> None:
        await filled(app)
        screen = app.screen
        await until(pilot, lambda: bool(screen.query_one(MetricsPane).panels), "metrics")
        await until(pilot, lambda: screen.query_one(ClusterPane).snapshot is not None, "cluster")
        await until(pilot, lambda: screen.query_one("#log-view", LogView).line_count == 30, "logs")
        patterns = screen.query_one("#log-patterns", Static)
        await until(pilot, lambda: sum(int(n) for n in re.findall(
            r"(\d+)×", str(patterns.render()))) == 30, "all 30 lines mined",
                    timeout=60)  # a separate process: slow to spawn on a busy machine
        await until(pilot, lambda: len(app.incident.events) >= events, "automatic events")
        await until(pilot, lambda: len(screen.query_one(HeaderBar).health) == 4, "health")
        await pilot.pause(0.2)
    return wait


def test_calm(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app, _ = _app(make_app, firing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled(app, 1))


def test_alert_firing(snap_compare: SnapCompare, make_app: AppFactory,
                      loaded: LoadedIncident) -> None:
    _already_journalled(loaded)
    app, _ = _app(make_app, firing=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled(app, 4))


def test_quit_dialog(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app, _ = _app(make_app, firing=False)
    settle = _settled(app, 1)

    async def then_quit(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=then_quit)
