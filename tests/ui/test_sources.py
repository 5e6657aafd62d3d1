"""Sources feed the panes, become journal events once, and a failing one never stops the app."""

from __future__ import annotations

import pytest
from msgspec.structs import replace
from textual.color import Color

from cockpit.incident.model import EventKind
from cockpit.incident.store import LoadedIncident
from cockpit.sources.base import Alert
from cockpit.ui.screens import main
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.metrics import MetricsPane
from tests.ui.conftest import AppFactory
from tests.ui.fakes import (
    BREACH,
    CALM,
    ScriptedAlerts,
    ScriptedCluster,
    ScriptedMetrics,
    alert,
    cockpit_config,
)
from tests.ui.waiting import journal_events, until


async def test_alert_fired_once_across_polls_and_a_restart(make_app: AppFactory,
                                                          loaded: LoadedIncident) -> None:
    alerts = ScriptedAlerts([alert()])
    app = make_app(SourceSet(alerts=alerts))
    async with app.run_test(size=(120, 35)) as pilot:
        await until(pilot, lambda: alerts.calls >= 3, "three polls of the same alert")
        pane = app.screen.query_one(ClusterPane)
        assert [a.name for a in pane.alerts] == ["HighErrorRate"]
    resumed = make_app(SourceSet(alerts=alerts))  # a restart on the same journal
    async with resumed.run_test(size=(120, 35)) as pilot:
        start = alerts.calls
        await until(pilot, lambda: alerts.calls >= start + 2, "polls after the restart")
        alerts.alerts = []  # the alert went away: resolved
        await until(pilot, lambda: any(e.kind is EventKind.ALERT_RESOLVED
                                       for e in resumed.incident.events), "alert resolved")
    fired = journal_events(loaded.journal.path, EventKind.ALERT_FIRED)
    resolved = journal_events(loaded.journal.path, EventKind.ALERT_RESOLVED)
    assert len(fired) == 1 and fired[0].actor == "cockpit"
    assert fired[0].key is not None and fired[0].key.endswith(":fired")
    assert fired[0].key.startswith("alert:fp-HighErrorRate:")
    assert len(resolved) == 1


async def test_new_revision_is_a_deploy_event(make_app: AppFactory,
                                              loaded: LoadedIncident) -> None:
    cluster = ScriptedCluster(revision=3)
    app = make_app(SourceSet(cluster=cluster))
    async with app.run_test(size=(120, 35)) as pilot:
        await until(pilot, lambda: cluster.calls >= 2, "two snapshots at revision 3")
        assert journal_events(loaded.journal.path, EventKind.DEPLOY_DETECTED) == []
        cluster.revision = 4
        await until(pilot, lambda: any(e.kind is EventKind.DEPLOY_DETECTED
                                       for e in app.incident.events), "deploy detected")
        history = app.screen.query_one("#table-history")
        await until(pilot, lambda: history.row_count == 3, "revision history 4, 3, 2")  # type: ignore[attr-defined]
    deploys = journal_events(loaded.journal.path, EventKind.DEPLOY_DETECTED)
    assert len(deploys) == 1
    assert deploys[0].data["revision"] == 4 and deploys[0].data["previous_revision"] == 3
    assert deploys[0].key == "deployment:shop/api-gateway:4"


async def test_threshold_crossing_and_recovery(make_app: AppFactory,
                                               loaded: LoadedIncident) -> None:
    metrics = ScriptedMetrics(values=dict(CALM))
    app = make_app(SourceSet(metrics=metrics))
    async with app.run_test(size=(120, 35)) as pilot:
        await until(pilot, lambda: metrics.calls >= 2, "calm data polled")
        metrics.values = dict(BREACH)
        await until(pilot, lambda: any(e.kind is EventKind.METRIC_BREACH
                                       for e in app.incident.events), "breach recorded")
        pane = app.screen.query_one(MetricsPane)
        assert pane.panels and pane.panels[0].series[0].last == 0.28
        metrics.values = dict(CALM)
        await until(pilot, lambda: any(e.kind is EventKind.METRIC_RECOVERED
                                       for e in app.incident.events), "recovery recorded")
    breaches = journal_events(loaded.journal.path, EventKind.METRIC_BREACH)
    assert [b.data["panel"] for b in breaches] == ["error_ratio"]
    assert len(journal_events(loaded.journal.path, EventKind.METRIC_RECOVERED)) == 1


async def test_failing_source_marks_pane_stale_and_keys_still_work(
        make_app: AppFactory, loaded: LoadedIncident) -> None:
    metrics = ScriptedMetrics(fail="connection refused by 127.0.0.1:9")
    app = make_app(SourceSet(metrics=metrics))
    async with app.run_test(size=(120, 35)) as pilot:
        pane = app.screen.query_one(MetricsPane)
        await until(pilot, lambda: bool(pane.stale), "metrics pane marked stale")
        assert "connection refused by 127.0.0.1:9" in pane.stale
        assert "stale: ConnectionError: connection refused" in str(pane.border_subtitle)
        error = Color.parse(app.theme_variables["error"])
        assert pane.styles.border_top[1] == error, "a stale pane's border is the error colour"
        app.theme = "cockpit-light"  # the mark follows the theme
        await until(pilot, lambda: pane.styles.border_top[1] != error
                    and pane.styles.border_top[1] == Color.parse(app.theme_variables["error"]),
                    "stale border in the light theme's error colour")
        app.theme = "cockpit-dark"
        await until(pilot, lambda: pane.styles.border_top[1] == error, "dark error colour again")
        await pilot.press("w")  # the window still cycles, and the border says so
        await until(pilot, lambda: "window 1h (w)" in str(pane.border_subtitle), "window 1h")
        assert "stale: ConnectionError" in str(pane.border_subtitle)
        await pilot.press("a")
        metrics.fail = ""
        await until(pilot, lambda: not pane.stale, "stale mark gone once the source is back")
        assert pane.styles.border_top[1] != error, "the border is the stylesheet's again"
    kinds = [e.kind for e in journal_events(loaded.journal.path)]
    assert EventKind.SOURCE_DOWN in kinds and EventKind.ACKNOWLEDGED in kinds
    assert EventKind.SOURCE_RECOVERED in kinds


async def test_a_burst_of_window_keys_fetches_once_for_the_window_chosen(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """15m → 1h → 3h → 6h in a burst: the border follows each key, the data only the last
    (every fetch redraws all the plots, which kept the next key waiting)."""
    # a loaded CI machine can space the test's presses more than the real 0.3 s apart
    monkeypatch.setattr(main, "WINDOW_FETCH_DELAY_S", 2.0)
    metrics = ScriptedMetrics()
    # no periodic poll during the test: one at 0.5 s fetched whatever window was shown then
    config = cockpit_config()
    config = replace(config, prometheus=replace(config.prometheus, refresh_s=60.0))
    app = make_app(SourceSet(metrics=metrics), config)
    async with app.run_test(size=(120, 35)) as pilot:
        pane = app.screen.query_one(MetricsPane)
        await until(pilot, lambda: bool(pane.panels), "first plots")
        await pilot.press("w", "w", "w")
        assert "window 6h (w)" in str(pane.border_subtitle)
        await until(pilot, lambda: 6 * 3600 in metrics.windows, "the 6h window fetched")
    assert 3600 not in metrics.windows and 3 * 3600 not in metrics.windows


class FailingAlerts(ScriptedAlerts):
    async def fetch(self) -> list[Alert]:
        self.calls += 1
        raise ConnectionError("HTTP 500 from alertmanager")


async def test_cluster_pane_stays_stale_while_alertmanager_alone_is_down(
        make_app: AppFactory) -> None:
    """The pane shows alerts and cluster state: a good cluster poll must not clear the
    alerts' stale mark (it flipped on every poll, restyling the whole pane each time)."""
    cluster, alerts = ScriptedCluster(), FailingAlerts()
    app = make_app(SourceSet(cluster=cluster, alerts=alerts))
    async with app.run_test(size=(120, 35)) as pilot:
        pane = app.screen.query_one(ClusterPane)
        await until(pilot, lambda: bool(pane.stale), "cluster pane marked stale")
        seen = set()
        polls = cluster.calls
        while cluster.calls < polls + 3:  # three good cluster polls (refresh 0.5 s)
            seen.add(pane.stale)
            await pilot.pause(0.05)
        assert len(seen) == 1 and "HTTP 500 from alertmanager" in seen.pop()
        assert "stale: ConnectionError: HTTP 500" in str(pane.border_subtitle)
