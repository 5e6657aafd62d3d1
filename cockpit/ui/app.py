"""The cockpit app: owns the incident and its journal; the only place that writes to it.

``create_app`` is the one factory used by the CLI and by the tests. Nothing
heavy is imported here: the client libraries come in with the sources, which
start in workers after the first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from cockpit.config import Config
from cockpit.incident.journal import JournalError
from cockpit.incident.model import Event, EventKind, Incident, Severity, Status, utcnow
from cockpit.incident.pending import BufferedJournal
from cockpit.incident.store import LoadedIncident, default_actor
from cockpit.ui.keys import KEYS, LONG_HELP
from cockpit.ui.messages import TimelineChanged
from cockpit.ui.screens.main import MainScreen
from cockpit.ui.sources import SourceSet
from cockpit.ui.themes import DEFAULT_THEME, ThemeFileError, packaged_themes, resolve_theme

POSTMORTEM_NAME = "postmortem.md"
#: The rules for what is inside the panes, added when they fill (see add_panes_css).
PANES_CSS = Path(__file__).with_name("panes.tcss")


class CockpitApp(App[Path | None]):
    """One incident, its live sources, and the engineer's keys."""

    CSS_PATH = "cockpit.tcss"
    TITLE = "cockpit"

    def __init__(self, config: Config, loaded: LoadedIncident, sources: SourceSet, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__()
        self.config = config
        self.loaded = loaded
        self.journal = BufferedJournal(loaded.journal)  # a full disk queues, never loses
        self.incident: Incident = loaded.incident
        self.sources = sources
        self.clock = clock
        self.actor = default_actor(config.engineer.name)
        self.main_screen: MainScreen | None = None
        self._panes_css_added = False
        self._theme_error = ""
        for theme in packaged_themes():
            self.register_theme(theme)
        try:
            theme = resolve_theme(config.ui.theme, self.available_themes)
            self.register_theme(theme)
            self._select_theme(theme)
        except ThemeFileError as exc:
            self._theme_error = f"{exc}; using {DEFAULT_THEME}"
            self.theme = DEFAULT_THEME

    def _select_theme(self, theme: Theme) -> None:
        """Select ``theme`` before the app runs, without a second parse of the CSS.

        Setting ``App.theme`` queues a reparse and restyle of everything (~15 ms of the
        first frame) although nothing is parsed or styled yet; the variables alone do.
        A light theme goes the usual way: it also changes how ANSI colours are mapped.
        """
        if theme.dark != self.current_theme.dark:
            self.theme = theme.name
            return
        self.set_reactive(CockpitApp.theme, theme.name)
        self.set_class(True, f"-theme-{theme.name}", update=False)
        self.stylesheet.set_variables(self.get_css_variables())

    def add_panes_css(self) -> None:
        """Add panes.tcss to the stylesheet (once): the panes' contents are mounted next.

        Kept out of CSS_PATH so it is parsed after the first frame, not before it; the
        rules only style widgets inside the panes, so nothing already mounted changes.
        """
        if not self._panes_css_added:
            self._panes_css_added = True
            self.stylesheet.add_source(PANES_CSS.read_text(encoding="utf-8"),
                                       read_from=(str(PANES_CSS), ""))

    def on_mount(self) -> None:
        self.set_interval(2.0, self.flush_pending, name="journal-retry")
        self.main_screen = MainScreen()
        # pushed from the message loop, after Textual's start-up batch: a frame laid out
        # inside that batch is computed and never written (~50 ms on the first frame)
        self.call_later(self.push_screen, self.main_screen)
        for warning in self.loaded.warnings:
            self.notify(warning, title="journal", severity="warning")
        if self._theme_error:
            self.notify(self._theme_error, title="theme", severity="error")

    # -- the journal (the only writer) --------------------------------------

    def record(self, event: Event) -> bool:
        """Append ``event``; True if it was new. Every append updates the timeline."""
        waiting = self.journal.pending
        try:
            appended = self.journal.append(event)
        except JournalError as exc:
            self.notify(f"NOT recorded: {exc}", title="journal", severity="error", timeout=30)
            return False
        self._pending_banner(waiting)
        if appended:
            self.incident = self.incident.with_event(event)
            if self.main_screen is not None:
                self.main_screen.post_message(TimelineChanged(event))
        return appended

    def flush_pending(self) -> None:
        """Retry events held back by a full disk (every few seconds while any wait)."""
        waiting = self.journal.pending
        if waiting:
            self.journal.flush()
            self._pending_banner(waiting)

    def _pending_banner(self, before: int) -> None:
        now = self.journal.pending
        if now and not before:
            self.notify(f"DISK FULL — events kept in memory, NOT yet saved: "
                        f"{self.journal.last_error}; free space and they are written in order",
                        title="journal", severity="error", timeout=3600)
        elif before and not now:
            self.notify(f"Disk space back: {before} held events saved in order", title="journal")

    def record_by_engineer(self, kind: EventKind, text: str,
                           data: dict[str, Any] | None = None) -> bool:
        return self.record(Event(self.clock(), kind, self.actor, text, data or {}))

    def acknowledge(self) -> None:
        if any(e.kind is EventKind.ACKNOWLEDGED for e in self.incident.events):
            self.notify("Already acknowledged.", timeout=3)
            return
        self.record_by_engineer(EventKind.ACKNOWLEDGED, f"Acknowledged by {self.actor}")

    def change_status(self, value: str | None) -> None:
        if value is None or value == self.incident.status.value:
            return
        before = self.incident.status.value
        self.record_by_engineer(EventKind.STATUS_CHANGED,
                                f"Status changed: {before} → {Status(value).value}",
                                {"from": before, "to": value})

    def change_severity(self, value: str | None) -> None:
        if value is None or value == self.incident.severity.value:
            return
        before = self.incident.severity.value
        self.record_by_engineer(EventKind.SEVERITY_CHANGED,
                                f"Severity changed: {before} → {Severity(value).value}",
                                {"from": before, "to": value})

    # -- leaving ------------------------------------------------------------

    def request_quit(self) -> None:
        if self.incident.is_open:
            from cockpit.ui.screens.modals import QuitScreen

            self.push_screen(QuitScreen(), self._quit_choice)
        else:
            self.finish()

    def _quit_choice(self, choice: str | None) -> None:
        if choice == "resolve":
            self.change_status(Status.RESOLVED.value)
        if choice is not None:
            self.finish()

    async def action_quit(self) -> None:  # ctrl+q and the palette's Quit go the same way
        self.request_quit()

    def finish(self) -> None:
        """Write the post-mortem draft, journal that, and exit returning its path."""
        from cockpit.cli.report_cmds import targets_of, write_private
        from cockpit.incident.postmortem import render_markdown

        path = self.loaded.folder / POSTMORTEM_NAME
        try:
            write_private(path, render_markdown(self.incident, targets_of(self.config.targets),
                                                now=self.clock()))
        except OSError as exc:
            self.exit(None, return_code=1, message=f"cockpit: cannot write the post-mortem "
                      f"to {path}: {exc.strerror}; run `cockpit postmortem {self.incident.id}` "
                      "once the disk is fixed")
            return
        self.record_by_engineer(EventKind.POSTMORTEM_WRITTEN,
                                f"Post-mortem draft written to {path}",
                                {"path": str(path), "format": "md"})
        self.exit(path)

    # -- command palette ----------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if main is None or screen is not main:
            return
        for _key, action, description, _show in KEYS:
            yield SystemCommand(description, LONG_HELP[action],
                                partial(self.call_later, main.run_action, action))


def create_app(config: Config, loaded: LoadedIncident, sources: SourceSet | None = None, *,
               clock: Callable[[], datetime] = utcnow) -> CockpitApp:
    """The one way to build the app (CLI, demo, resume and tests)."""
    return CockpitApp(config, loaded, sources or SourceSet(), clock=clock)


def run_app(app: CockpitApp) -> Path | None:
    """Run until the engineer quits; the post-mortem path (the CLI prints it)."""
    return app.run()
