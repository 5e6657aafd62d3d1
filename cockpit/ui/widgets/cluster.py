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


Row = tuple["Text | str", ...]


def _cell_key(cell: Text | str) -> object:
    """What a cell shows: its text and, for rich text, its style (a colour can change alone)."""
    return (cell.plain, str(cell.style), tuple(cell.spans)) if isinstance(cell, Text) else cell


def age(now: datetime, then: datetime) -> str:
    """How old, the way kubectl's AGE column says it (k8s.io/apimachinery HumanDuration):
    seconds under 2 minutes, minutes and seconds under 10, then ever coarser. What
    engineers read in kubectl, and a table whose ages change at most once a minute
    after ten is not rebuilt on every poll."""
    seconds = int(max(0.0, (now - then).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 120:
        return f"{seconds}s"
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    return f"{days // 365}y{days % 365}d" if days < 365 * 8 else f"{days // 365}y"


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
        self._shown: dict[str, list[tuple[object, ...]]] = {}  # each table's rows, as shown
        self._alerts_label = ""

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
        error, warning = theme_color(self, "error"), theme_color(self, "warning")
        rows: list[Row] = []
        for alert in sorted(alerts, key=lambda a: (a.state != "firing", a.starts_at)):
            style = error if alert.severity in ("critical", "page") else warning
            rows.append((Text(inert(alert.name, 80), style=f"bold {style}"),
                         inert(alert.severity, 20), age(self._now(), alert.starts_at),
                         Text(inert(alert.summary, 300))))
        self._fill("alerts", rows)
        label = f"Alerts ({sum(1 for a in alerts if a.state == 'firing')})"
        if label != self._alerts_label:  # a new tab label lays the tabs out again
            from textual.widgets import TabbedContent

            self._alerts_label = label
            self.query_one(TabbedContent).get_tab("tab-alerts").label = label

    def watch_snapshot(self, snapshot: ClusterSnapshot | None) -> None:
        if snapshot is None or not self.filled:
            return
        self._show_notes(snapshot.notes)
        now = self._now()
        error, success = theme_color(self, "error"), theme_color(self, "success")
        deployments: list[Row] = []
        for dep in snapshot.deployments:
            ok = dep.rollout_status == "complete" and dep.ready >= dep.replicas
            deployments.append((Text(inert(dep.name, 80)), f"{dep.ready}/{dep.replicas}",
                                str(dep.revision),
                                Text(inert(dep.rollout_status, 20),
                                     style=success if ok else error),
                                Text(inert(", ".join(dep.images), 120))))
        self._fill("deployments", deployments)
        name = self.deployment or (snapshot.deployments[0].name if snapshot.deployments else "")
        self._fill("history", [
            (str(rev.revision), Text(inert(", ".join(rev.images), 120)),
             Text(inert(rev.change_cause or "—", 200)), age(now, rev.created))
            for rev in reversed(snapshot.revisions.get(name, ()))])
        self._fill("pods", [
            (Text(inert(pod.name, 80)),
             Text(inert(pod.reason or pod.phase, 40), style="" if pod.ready else error),
             Text(str(pod.restarts), style=error if pod.restarts else ""),
             Text(inert(pod.last_termination_reason or "—", 40)), age(now, pod.created))
            for pod in sorted(snapshot.pods, key=lambda p: (-p.restarts, p.name))])
        warnings = [e for e in snapshot.events if e.type == "Warning"]
        self._fill("events", [
            (age(now, event.last_seen), Text(inert(event.reason, 60)),
             Text(inert(event.object, 80)), str(event.count), Text(inert(event.message, 300)))
            for event in sorted(warnings, key=lambda e: e.last_seen, reverse=True)])

    def _fill(self, key: str, rows: list[Row]) -> None:
        """Show ``rows`` in a table, unless it shows exactly these already.

        Every poll brings a snapshot, and rebuilding a table repaints the pane: under a
        watch that keeps dropping, 30–50 ms frames that kept keys waiting.
        """
        shown = [tuple(_cell_key(cell) for cell in row) for row in rows]
        if shown == self._shown.get(key):
            return
        self._shown[key] = shown
        table = self._table(key)
        table.clear()
        table.add_rows(rows)

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
