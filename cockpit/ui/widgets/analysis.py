"""Analysis pane: ranked hypotheses with confidence and evidence; confirm or refute each.

Hypotheses arrive by ``HypothesesUpdated`` (from the analysis work); the pane
posts ``HypothesisVerdict`` up and the screen journals it. Under the table, the LLM
advisor's answer streams in (``advice``); ``p`` shows the exact payload that was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Label, Log, Static

from cockpit.incident.model import Hypothesis
from cockpit.ui.inert import inert
from cockpit.ui.messages import HypothesisVerdict
from cockpit.ui.widgets.pane import Pane, theme_color

EMPTY = "No hypotheses yet. Press i to ask for an analysis."


class PayloadScreen(ModalScreen[None]):
    """The exact request body sent to the LLM (read-only), from the incident folder."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea  # only this modal needs it (~20 ms to import)

        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            text = f"cannot read {self.path}: {exc.strerror or exc}"
        yield Label(f"Sent to the LLM ({self.path.name}) · Esc closes", classes="dialog-title")
        yield TextArea(text, read_only=True, id="payload")

    def action_close(self) -> None:
        self.dismiss(None)


class AnalysisPane(Pane):
    PANE_TITLE = "Analysis"
    DEFAULT_CSS = """
    AnalysisPane #advice { height: auto; max-height: 6; color: $text-muted; display: none; }
    AnalysisPane #advice.-shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "verdict(True)", "Confirm"),
        Binding("x", "verdict(False)", "Refute"),
        Binding("p", "payload", "LLM payload"),
    ]

    hypotheses: reactive[tuple[Hypothesis, ...]] = reactive(tuple, always_update=True)
    verdicts: reactive[dict[str, bool]] = reactive(dict, always_update=True)
    advice: reactive[str] = reactive("")
    payload_path: Path | None = None

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = DataTable(id="hypotheses", cursor_type="row")
        table.add_columns("#", "Conf.", "Cause", "Culprit", "Verdict")
        yield table
        yield Static(EMPTY, id="evidence")
        yield Static("", id="advice")

    def watch_advice(self, text: str) -> None:
        lines = [inert(line, 300) for line in text[-1500:].splitlines()]
        advice = self.query_one("#advice", Static)
        advice.update(Text("\n".join(lines)))
        advice.set_class(bool(text), "-shown")

    def action_payload(self) -> None:
        if self.payload_path is None or not self.payload_path.exists():
            self.notify("Nothing was sent to an LLM yet.", timeout=3)
            return
        self.app.push_screen(PayloadScreen(self.payload_path))

    def focus_target(self) -> Widget:
        return self.query_one(DataTable)

    def watch_hypotheses(self) -> None:
        self._fill()

    def watch_verdicts(self) -> None:
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        ranked = sorted(self.hypotheses, key=lambda h: -h.confidence)
        for rank, hyp in enumerate(ranked, 1):
            verdict = self.verdicts.get(hyp.id)
            mark = "" if verdict is None else ("confirmed" if verdict else "refuted")
            table.add_row(str(rank), f"{hyp.confidence:.0%}", Text(inert(hyp.cause, 120)),
                          Text(inert(hyp.culprit, 80)), mark, key=hyp.id)
        if ranked:
            table.move_cursor(row=min(row, len(ranked) - 1))
        self._show_evidence()

    def selected(self) -> Hypothesis | None:
        table = self.query_one(DataTable)
        ranked = sorted(self.hypotheses, key=lambda h: -h.confidence)
        if not ranked or table.cursor_row < 0 or table.cursor_row >= len(ranked):
            return None
        return ranked[table.cursor_row]

    def on_data_table_row_highlighted(self) -> None:
        self._show_evidence()

    def _show_evidence(self) -> None:
        hyp = self.selected()
        evidence = self.query_one("#evidence", Static)
        if hyp is None:
            evidence.update(EMPTY)
            return
        text = Text()
        for item in hyp.evidence:
            text.append("• ", style=theme_color(self, "accent"))
            text.append(f"{inert(item, 300)}\n")
        if hyp.source != "offline":
            text.append(f"from: {inert(hyp.source, 20)}  ", style="italic")
        if hyp.remedy:
            text.append(f"remedy: {inert(hyp.remedy, 200)}", style="italic")
        evidence.update(text)

    def action_verdict(self, confirmed: bool) -> None:
        hyp = self.selected()
        if hyp is None:
            self.notify("No hypothesis selected.", severity="warning")
            return
        self.post_message(HypothesisVerdict(hyp, confirmed))


class ActionsPane(Pane):
    """Remediation progress: previews, dry runs, rollouts and verification, as lines."""

    PANE_TITLE = "Actions"

    def compose(self) -> ComposeResult:
        log = Log(id="actions-log", max_lines=500)
        log.write_line("Press r to choose a remediation action.")
        yield log

    def focus_target(self) -> Widget:
        return self.query_one(Log)

    def add_line(self, text: str) -> None:
        self.query_one(Log).write_line(inert(text, 500))
