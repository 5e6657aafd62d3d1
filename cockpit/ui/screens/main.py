"""The main screen: starts the source workers, routes their messages to the panes,
and turns what matters into journal events (through the app, the only writer).

Attributes down: handlers set pane attributes. Messages up: panes post, this
screen decides.

Start-up order, so the engineer sees the layout at once: the first frame is the
header and six titled, empty panes (cheap to compose); once it is written,
:meth:`MainScreen.fill_panes` mounts every pane's contents and the footer, then the
timers and the source workers start.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.timer import Timer
from textual.widget import Widget

from cockpit.incident.model import Event, EventKind
from cockpit.sources.base import HealthState, SourceHealth
from cockpit.ui.detect import AlertTracker, BreachTracker, DeployTracker, HealthTracker
from cockpit.ui.keys import bindings
from cockpit.ui.messages import (
    AlertsChanged,
    AnalysisRequested,
    ClusterChanged,
    HypothesesUpdated,
    HypothesisVerdict,
    LogBatch,
    MetricsUpdated,
    SourceHealthChanged,
    TimelineChanged,
)
from cockpit.ui.screens.journal_view import markers, verdicts
from cockpit.ui.screens.source_workers import LOG_DRAIN_S, SourceWorkers
from cockpit.ui.startup import resume_gc
from cockpit.ui.widgets.analysis import ActionsPane, AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.header import HeaderBar
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.metrics import MetricsPane
from cockpit.ui.widgets.pane import Pane
from cockpit.ui.widgets.timeline import TimelinePane

if TYPE_CHECKING:
    from cockpit.ui.screens.analysis_flow import AnalysisFlow
    from cockpit.ui.screens.remediation import RemediationFlow

WINDOW_FETCH_DELAY_S = 0.3
_PANE_OF_ROLE = {"metrics": "#metrics", "alerts": "#cluster", "cluster": "#cluster",
                 "logs": "#logs"}


class MainScreen(SourceWorkers):
    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(self) -> None:
        super().__init__()
        self._health: dict[str, SourceHealth] = {}
        self._stale: dict[str, str] = {}  # role -> why its data is stale ("" when live)
        self._alerts: AlertTracker | None = None
        self._deploys = DeployTracker()
        self._breaches = BreachTracker()
        self._outages = HealthTracker()
        self._remediation: RemediationFlow | None = None
        self._analysis: AnalysisFlow | None = None
        self._window_fetch: Timer | None = None
        self._fill_task: asyncio.Task[None] | None = None
        self._skeleton_mounted = asyncio.Event()
        #: True once every pane's contents and the footer are mounted.
        self.filled = False

    def compose(self) -> ComposeResult:
        config = self.cockpit.config
        panels = [(p.name, p.title or p.name) for p in config.prometheus.panels]
        deployment = config.kubernetes.deployment or config.incident.service
        yield HeaderBar(id="header")
        # Plain widgets laid out by cockpit.tcss, not Horizontal/Vertical: every widget
        # class with its own DEFAULT_CSS adds a stylesheet source on its first mount, and
        # each addition re-parses and re-maps all the rules (~5 ms of the first frame).
        with Widget(id="body"):
            with Widget(id="left"):
                yield MetricsPane(panels if self.cockpit.sources.metrics else [], id="metrics")
                yield LogsPane(config.logs.buffer_lines, id="logs")
            with Widget(id="right"):
                yield ClusterPane(deployment, id="cluster")
                yield TimelinePane(id="timeline")
                yield AnalysisPane(id="analysis")
                yield ActionsPane(id="actions")
        # the footer (a widget per key) comes with the panes' contents: see fill_panes

    def on_mount(self) -> None:
        incident = self.cockpit.incident
        self._alerts = AlertTracker(
            incident.events, self.cockpit.config.alertmanager.resolve_grace_s)
        self.query_one(TimelinePane).add_events(incident.events)  # held until filled
        self._show_incident()
        self.query_one(AnalysisPane).verdicts = verdicts(incident.events)
        self.query_one(MetricsPane).focus()
        self._tick()
        self.set_interval(1.0, self._tick)
        self._skeleton_mounted.set()
        # after the next refresh, i.e. once the skeleton frame is written
        self.call_after_refresh(self.fill_panes)

    async def fill_panes(self) -> None:
        """Mount every pane's contents and the footer, then start the timers and sources.

        on_mount asks for it after the next refresh, i.e. once the skeleton is written; a
        key that needs a pane's contents, and a test, may call it too: it runs once, and
        returns when it is done.
        """
        if self._fill_task is None:
            self._fill_task = asyncio.ensure_future(self._fill())
        await asyncio.shield(self._fill_task)

    async def _fill(self) -> None:
        from cockpit.ui.widgets.footer import KeysFooter  # not before the first frame

        await self._skeleton_mounted.wait()  # a test may ask before the screen is mounted
        self.cockpit.add_panes_css()
        with self.app.batch_update():  # one layout for all of it
            for pane in self.query(Pane):
                await pane.fill()
            if not self.app.is_running or not self.is_attached:
                return  # closed during start-up: no timers, no sources
            await self.mount(KeysFooter())
        self.refresh_bindings()  # the footer lists the keys when the bindings are published
        self._make_hub()
        self.filled = True
        resume_gc()  # paused by the CLI for the start-up (cockpit/ui/startup.py)
        self.set_interval(LOG_DRAIN_S, self._drain_logs)
        self.set_interval(1.0, self._show_patterns)
        self.call_after_refresh(self._start_sources)

    def on_unmount(self) -> None:
        self._stop_sources()

    def _tick(self) -> None:
        self.query_one(HeaderBar).now = self.cockpit.clock()

    # -- messages from the sources (attributes down, events to the journal) --

    def _record_all(self, events: list[Event]) -> None:
        for event in events:
            self.cockpit.record(event)

    def on_metrics_updated(self, message: MetricsUpdated) -> None:
        self.query_one(MetricsPane).panels = tuple(message.panels)
        self._record_all(self._breaches.update(message.panels, self.cockpit.clock()))

    def on_alerts_changed(self, message: AlertsChanged) -> None:
        pane = self.query_one(ClusterPane)
        pane.now = self.cockpit.clock()  # ages on the incident's clock, not the wall's
        pane.alerts = tuple(message.alerts)
        assert self._alerts is not None
        self._record_all(self._alerts.update(message.alerts, self.cockpit.clock()))

    def on_cluster_changed(self, message: ClusterChanged) -> None:
        pane = self.query_one(ClusterPane)
        pane.now = self.cockpit.clock()
        pane.snapshot = message.snapshot
        self._record_all(self._deploys.update(message.snapshot, self.cockpit.clock()))
        if self._remediation is not None:
            self._remediation.cluster_changed(message.snapshot,
                                              self.query_one(AnalysisPane).hypotheses)

    def on_log_batch(self, message: LogBatch) -> None:
        self.query_one(LogsPane).append(message.lines, message.dropped)

    def on_source_health_changed(self, message: SourceHealthChanged) -> None:
        health = message.health
        before = self._health.get(health.source)
        if before is None or before.state is not health.state or \
                before.last_error != health.last_error:
            self._health[health.source] = health
            self.query_one(HeaderBar).health = dict(self._health)
        selector = _PANE_OF_ROLE.get(message.role)
        if selector is not None:
            down = health.state in (HealthState.DOWN, HealthState.DEGRADED)
            self._stale[message.role] = (health.last_error or health.state.value) if down else ""
            # the cluster pane shows two sources: it is live only when both are, or it
            # flipped stale/live on every poll while Alertmanager alone was down
            self.query_one(selector, Pane).stale = "; ".join(
                reason for role, reason in self._stale.items()
                if reason and _PANE_OF_ROLE[role] == selector)
        self._record_all(self._outages.update(health, self.cockpit.clock()))

    def on_timeline_changed(self, message: TimelineChanged) -> None:
        self.query_one(TimelinePane).add_events([message.event])
        self._show_incident()

    def on_hypotheses_updated(self, message: HypothesesUpdated) -> None:
        self.query_one(AnalysisPane).hypotheses = tuple(message.hypotheses)

    def on_hypothesis_verdict(self, message: HypothesisVerdict) -> None:
        from cockpit.ui.screens.modals import NoteScreen

        hyp, confirmed = message.hypothesis, message.confirmed
        kind = EventKind.HYPOTHESIS_CONFIRMED if confirmed else EventKind.HYPOTHESIS_REFUTED
        verb = "Confirmed" if confirmed else "Refuted"

        def record(reason: str | None) -> None:
            if reason is None:
                return  # Esc: no verdict
            data = {**hyp.to_data(), "reason": reason}
            text = f"{verb}: {hyp.cause} {hyp.culprit}" + (f" — {reason}" if reason else "")
            if self.cockpit.record_by_engineer(kind, text, data):
                pane = self.query_one(AnalysisPane)
                pane.verdicts = {**pane.verdicts, hyp.id: confirmed}

        self.app.push_screen(NoteScreen(
            f"{verb} {hyp.cause} ({hyp.culprit}): why? Enter records, Esc cancels",
            "the reason, for the post-mortem (optional)", allow_empty=True), record)

    def _show_incident(self) -> None:
        incident = self.cockpit.incident
        self.query_one(HeaderBar).incident = incident
        self.query_one(MetricsPane).markers = markers(incident.events)

    # -- keys ---------------------------------------------------------------

    def on_analysis_requested(self, _message: AnalysisRequested) -> None:
        from cockpit.ui.screens.analysis_flow import AnalysisFlow

        if self._analysis is None:
            self._analysis = AnalysisFlow(self)
        self._analysis.start()

    def action_remediate(self) -> None:
        from cockpit.ui.screens.remediation import RemediationFlow

        if self._remediation is None:
            self._remediation = RemediationFlow(self.cockpit, self.query_one(ActionsPane).add_line)
        self._remediation.open(self.query_one(ClusterPane).snapshot,
                               self.query_one(AnalysisPane).hypotheses)

    def action_window(self) -> None:
        pane = self.query_one(MetricsPane)
        pane.cycle_window()
        self._window_s = pane.window_s
        # One fetch for a burst of presses (15m → 1h → 3h → 6h): the border names the new
        # window at once; the data follows once the engineer settles on one, since every
        # fetch redraws all the plots, which kept the next key waiting.
        if self._window_fetch is not None:
            self._window_fetch.stop()
        self._window_fetch = self.set_timer(WINDOW_FETCH_DELAY_S, self._wake_metrics.set)
