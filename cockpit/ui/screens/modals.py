"""Modal dialogs: note, status and severity pickers, help, remediation, quit.

Each returns its answer through ``dismiss``; the main screen journals it. None of
them writes to the journal itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from cockpit.incident.model import Severity, Status


class NoteScreen(ModalScreen[str | None]):
    """A one-line text: Enter saves, Esc cancels (None). Also asks for verdict reasons."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str = "Note for the timeline (Enter saves, Esc cancels)",
                 placeholder: str = "what you saw or did", *, allow_empty: bool = False) -> None:
        super().__init__()
        self.title_text, self.placeholder, self.allow_empty = title, placeholder, allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder=self.placeholder, id="note-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(value if value or self.allow_empty else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of up to nine values by its number; Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[str], current: str) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            for number, choice in enumerate(self.choices, 1):
                mark = "  (current)" if choice == self.current else ""
                yield Label(Text(f" {number}  {choice}{mark}"))
            yield Label("Esc cancels", classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        if event.key.isdigit() and 1 <= int(event.key) <= len(self.choices):
            event.stop()
            self.dismiss(self.choices[int(event.key) - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)


def status_picker(current: Status) -> ChoiceScreen:
    return ChoiceScreen("Status: 1 investigating · 2 identified · 3 mitigated · 4 resolved",
                        [s.value for s in Status], current.value)


def severity_picker(current: Severity) -> ChoiceScreen:
    return ChoiceScreen("Severity (1 is the worst)", [s.value for s in Severity], current.value)


class HelpScreen(ModalScreen[None]):
    """Every key, in one place (``?``)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        text = Text()
        for key, description in self.keys:
            text.append(f"{key:>8}  ", style="bold")
            text.append(f"{description}\n")
        with Vertical(classes="dialog"):
            yield Label("Keys (Esc closes)", classes="dialog-title")
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


class QuitScreen(ModalScreen[str | None]):
    """Leaving an unresolved incident: o leave open, r resolve, Esc stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "choose('open')", "Leave open"),
        Binding("r", "choose('resolve')", "Resolve"),
        Binding("escape", "choose(None)", "Stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("The incident is not resolved.", classes="dialog-title")
            yield Label(" o  leave it open (resume later with `cockpit resume`)")
            yield Label(" r  mark it resolved")
            yield Label(" Esc  stay here")
            yield Label("Either way the post-mortem draft is written.", classes="dialog-hint")

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
