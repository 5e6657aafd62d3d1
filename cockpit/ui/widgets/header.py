"""The header bar: which incident, how bad, how long, are the sources alive, what time."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from cockpit.incident.metrics import format_duration
from cockpit.incident.model import Incident, Severity
from cockpit.sources.base import HealthState, SourceHealth
from cockpit.ui.inert import inert
from cockpit.ui.widgets.pane import theme_color

_HEALTH_COLOR = {HealthState.OK: "success", HealthState.DEGRADED: "warning",
                 HealthState.DOWN: "error", HealthState.DISABLED: "foreground-muted"}
_SHORT = {"prometheus": "prom", "alertmanager": "am", "kubernetes": "k8s"}
_SEVERITY_COLOR = {Severity.SEV1: "error", Severity.SEV2: "warning", Severity.SEV3: "accent",
                   Severity.SEV4: "primary"}


class HeaderBar(Widget):
    """One line of the facts that matter most, always visible."""

    incident: reactive[Incident | None] = reactive(None)
    health: reactive[dict[str, SourceHealth]] = reactive(dict, always_update=True)
    now: reactive[datetime | None] = reactive(None)

    def render(self) -> Text:
        inc = self.incident
        if inc is None:
            return Text()
        muted = theme_color(self, "foreground-muted")
        right = Text(no_wrap=True)
        right.append(" │ ", style=muted)
        right.append(f" {inc.severity.value} ", style=f"bold reverse "
                     f"{theme_color(self, _SEVERITY_COLOR[inc.severity])}")
        right.append(" │ ", style=muted)
        right.append(inc.status.value, style="bold")
        if self.now is not None:
            right.append(f" │ ⏱ {format_duration(inc.duration(self.now))} │ ", style=muted)
            right.append(f"{self.now:%H:%M:%S} UTC", style="bold")
        if self.health:
            right.append(" │ ", style=muted)
            for name, health in sorted(self.health.items()):
                right.append("●", style=theme_color(self, _HEALTH_COLOR[health.state]))
                right.append(f"{inert(_SHORT.get(name, name), 20)} ")
        # The id and title take what is left, so the live facts are never cut off.
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(" ◉ ", style=f"bold {theme_color(self, 'primary')}")
        left.append(inert(inc.id, 80), style="bold")
        left.append("  ")
        left.append(inert(inc.title, 80))
        room = max(12, self.size.width - right.cell_len)
        left.truncate(room, overflow="ellipsis", pad=True)
        return Text.assemble(left, right, no_wrap=True)
