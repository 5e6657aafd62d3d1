"""Cluster pane: firing alerts, deployments, the affected deployment's revision history,
pods with restarts and last termination reason, and warning events, one tab each.

When the source capped what it read (a huge namespace), a line above the tabs
says so, so a missing pod is never mistaken for an absent one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget

from cockpit.incident.metrics import format_duration
from cockpit.sources.base import Alert, ClusterSnapshot
from cockpit.ui.inert import inert
from cockpit.ui.widgets.pane import Pane, theme_color

if TYPE_CHECKING:
    from textual.widgets import DataTable

TABS = {
    "alerts": ("Alerts", ("Alert", "Severity", "Since", "Summary")),
    "deployments": ("Deploys", ("Deployment", "Ready", "Rev", "Rollout", "Image")),
    "history": ("History", ("Rev", "Image", "Change cause", "Age")),
    "pods": ("Pods", ("Pod", "Phase", "Restarts", "Last termination", "Age")),
    "events": ("Events", ("Last", "Reason", "Object", "Count", "Message")),
}


def age(now: datetime, then: datetime) -> str:
    return format_duration(max(0.0, (now - then).total_seconds()))


class ClusterPane(Pane):
    """Everything the cluster and Alertmanager say, as tables."""

    PANE_TITLE = "Cluster & alerts"

    snapshot: reactive[ClusterSnapshot | None] = reactive(None, always_update=True)
    alerts: reactive[tuple[Alert, ...]] = reactive(tuple, always_update=True)
    now: reactive[datetime | None] = reactive(None)

    def __init__(self, deployment: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.deployment = deployment  # whose revision history to show
        self._notes: tuple[str, ...] = ()  # what the capped-view line says now

    def compose_contents(self) -> ComposeResult:
        # imported here: the tables and tabs are mounted after the first frame
        from textual.widgets import DataTable, Static, TabbedContent, TabPane

        notes = Static(id="cluster-notes")
        notes.display = False
        yield notes
        with TabbedContent(id="cluster-tabs"):
            for key, (title, columns) in TABS.items():
                with TabPane(title, id=f"tab-{key}"):
                    table: DataTable[Text | str] = DataTable(id=f"table-{key}",
                                                             cursor_type="row", zebra_stripes=True)
                    table.add_columns(*columns)
                    yield table

    def after_fill(self) -> None:
        self.watch_alerts(self.alerts)
        self.watch_snapshot(self.snapshot)

    def focus_target(self) -> Widget:
        if not self.filled:
            return self
        from textual.widgets import DataTable, TabbedContent

        active = self.query_one(TabbedContent).active or "tab-alerts"
        return self.query_one(f"#{active} DataTable", DataTable)

    def _table(self, key: str) -> DataTable[Text | str]:
        from textual.widgets import DataTable

        return self.query_one(f"#table-{key}", DataTable)

    def _now(self) -> datetime:
        if self.now is not None:
            return self.now
        return self.snapshot.fetched_at if self.snapshot else datetime.now().astimezone()

    def watch_alerts(self, alerts: tuple[Alert, ...]) -> None:
        if not self.filled:
            return  # shown by after_fill
        from textual.widgets import TabbedContent

        table = self._table("alerts")
        table.clear()
        error, warning = theme_color(self, "error"), theme_color(self, "warning")
        for alert in sorted(alerts, key=lambda a: (a.state != "firing", a.starts_at)):
            style = error if alert.severity in ("critical", "page") else warning
            table.add_row(Text(inert(alert.name, 80), style=f"bold {style}"),
                          inert(alert.severity, 20), age(self._now(), alert.starts_at),
                          Text(inert(alert.summary, 300)))
        firing = sum(1 for a in alerts if a.state == "firing")
        self.query_one(TabbedContent).get_tab("tab-alerts").label = f"Alerts ({firing})"

    def watch_snapshot(self, snapshot: ClusterSnapshot | None) -> None:
        if snapshot is None or not self.filled:
            return
        self._show_notes(snapshot.notes)
        now = self._now()
        error, success = theme_color(self, "error"), theme_color(self, "success")
        deployments = self._table("deployments")
        deployments.clear()
        for dep in snapshot.deployments:
            ok = dep.rollout_status == "complete" and dep.ready >= dep.replicas
            deployments.add_row(Text(inert(dep.name, 80)), f"{dep.ready}/{dep.replicas}",
                                str(dep.revision),
                                Text(inert(dep.rollout_status, 20), style=success if ok else error),
                                Text(inert(", ".join(dep.images), 120)))
        name = self.deployment or (snapshot.deployments[0].name if snapshot.deployments else "")
        history = self._table("history")
        history.clear()
        for rev in reversed(snapshot.revisions.get(name, ())):
            history.add_row(str(rev.revision), Text(inert(", ".join(rev.images), 120)),
                            Text(inert(rev.change_cause or "—", 200)), age(now, rev.created))
        pods = self._table("pods")
        pods.clear()
        for pod in sorted(snapshot.pods, key=lambda p: (-p.restarts, p.name)):
            phase = pod.reason or pod.phase
            pods.add_row(Text(inert(pod.name, 80)),
                         Text(inert(phase, 40), style="" if pod.ready else error),
                         Text(str(pod.restarts), style=error if pod.restarts else ""),
                         Text(inert(pod.last_termination_reason or "—", 40)),
                         age(now, pod.created))
        events = self._table("events")
        events.clear()
        warnings = [e for e in snapshot.events if e.type == "Warning"]
        for event in sorted(warnings, key=lambda e: e.last_seen, reverse=True):
            events.add_row(age(now, event.last_seen), Text(inert(event.reason, 60)),
                           Text(inert(event.object, 80)), str(event.count),
                           Text(inert(event.message, 300)))

    def _show_notes(self, notes: tuple[str, ...]) -> None:
        # every poll brings a snapshot: touch the line (a screen-wide layout) only on change
        if notes == self._notes:
            return
        self._notes = notes
        from textual.widgets import Static

        line = self.query_one("#cluster-notes", Static)
        line.display = bool(notes)
        line.update(Text("; ".join(inert(note, 200) for note in notes),
                         style=theme_color(self, "warning")))
