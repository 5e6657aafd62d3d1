"""The engineer's keys on the main screen that need nothing but the app and the panes.

Kept apart from MainScreen (sources, messages, layout) so each stays readable;
MainScreen inherits these actions, the bindings live in cockpit/ui/keys.py. The
modals are imported by the keys that open them: none is needed for the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from cockpit.incident.model import EventKind
from cockpit.ui.keys import help_rows
from cockpit.ui.messages import AnalysisRequested
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.metrics import MetricsPane
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp


class EngineerKeys(Screen[None]):
    @property
    def cockpit(self) -> CockpitApp:
        return self.app  # type: ignore[return-value]

    def action_acknowledge(self) -> None:
        self.cockpit.acknowledge()

    def action_note(self) -> None:
        from cockpit.ui.screens.modals import NoteScreen

        def saved(text: str | None) -> None:
            if text:
                self.cockpit.record_by_engineer(EventKind.NOTE, text)

        self.app.push_screen(NoteScreen(), saved)

    def action_status(self) -> None:
        from cockpit.ui.screens.modals import status_picker

        self.app.push_screen(status_picker(self.cockpit.incident.status),
                             self.cockpit.change_status)

    def action_severity(self) -> None:
        from cockpit.ui.screens.modals import severity_picker

        self.app.push_screen(severity_picker(self.cockpit.incident.severity),
                             self.cockpit.change_severity)


    def action_analyze(self) -> None:
        self.post_message(AnalysisRequested())
        self.notify("Analysis requested.", timeout=3)


    async def fill_panes(self) -> None:
        """Mount the panes' contents if not yet (MainScreen does; keys that need them wait)."""

    async def action_filter_logs(self) -> None:
        await self.fill_panes()
        self.query_one(LogsPane).open_filter()

    def action_jump_logs(self) -> None:
        from cockpit.ui.screens.modals import NoteScreen

        async def jump(value: str | None) -> None:
            if value:
                await self.fill_panes()
                self.notify(self.query_one(LogsPane).jump_to(value), timeout=4)

        self.app.push_screen(NoteScreen("Jump the logs to a time (UTC, HH:MM or HH:MM:SS)",
                                        "10:28:45"), jump)

    def action_follow(self) -> None:
        self.query_one(LogsPane).toggle_follow()


    def current_pane(self) -> Pane:
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent  # type: ignore[assignment]
        return node if isinstance(node, Pane) else self.query_one(MetricsPane)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        else:
            self.maximize(self.current_pane(), container=False)

    def _step_pane(self, step: int) -> None:
        panes = list(self.query(Pane))
        index = panes.index(self.current_pane()) if self.current_pane() in panes else 0
        if self.maximized is not None:
            self.minimize()
        panes[(index + step) % len(panes)].focus_target().focus()

    def action_next_pane(self) -> None:
        self._step_pane(1)

    def action_previous_pane(self) -> None:
        self._step_pane(-1)

    def action_help(self) -> None:
        from cockpit.ui.screens.modals import HelpScreen

        self.app.push_screen(HelpScreen(help_rows()))

    def action_request_quit(self) -> None:
        self.cockpit.request_quit()
