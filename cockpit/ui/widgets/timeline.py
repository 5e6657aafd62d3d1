"""Timeline pane: every journal event as it happens, newest at the bottom.

Automatic events (alerts, deploys, breaches, sources) are marked ⚙ and shown in
the theme's secondary colour, the engineer's own in the primary colour, so the
two stories read apart at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from cockpit.incident.model import Event
from cockpit.ui.inert import inert
from cockpit.ui.widgets.pane import Pane, theme_color


class TimelinePane(Pane):
    PANE_TITLE = "Timeline (UTC)"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._held: list[Event] = []  # events given before the contents were mounted

    def compose_contents(self) -> ComposeResult:
        from textual.widgets import RichLog

        yield RichLog(wrap=True, markup=False, highlight=False, min_width=20,
                      id="timeline-log")

    def after_fill(self) -> None:
        held, self._held = self._held, []
        self.add_events(held)

    def focus_target(self) -> Widget:
        from textual.widgets import RichLog

        return self.query_one(RichLog) if self.filled else self

    def render_event(self, event: Event) -> Text:
        muted = theme_color(self, "foreground-muted")
        color = theme_color(self, "secondary" if event.automatic else "primary")
        text = Text(no_wrap=False)
        text.append(f"{event.ts:%H:%M:%S} ", style=muted)
        text.append("⚙ " if event.automatic else "● ", style=color)
        text.append(inert(event.actor, 40), style=f"bold {color}")
        text.append(f" {event.kind.value}: ", style=muted)
        text.append(inert(event.text, 1000), style="italic" if event.automatic else "")
        return text

    def add_events(self, events: Iterable[Event]) -> None:
        if not self.filled:
            self._held.extend(events)
            return
        from textual.widgets import RichLog

        log = self.query_one(RichLog)
        for event in events:
            log.write(self.render_event(event))
