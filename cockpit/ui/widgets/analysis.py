"""Analysis pane: ranked hypotheses with confidence and evidence; confirm or refute each.

Hypotheses arrive by ``HypothesesUpdated`` (from the analysis work); the pane
posts ``HypothesisVerdict`` up and the screen journals it. Under the table, the LLM
advisor's answer streams in (``advice``); ``p`` shows the exact payload that was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label

from cockpit.incident.model import Hypothesis
from cockpit.ui.inert import inert
from cockpit.ui.messages import HypothesisVerdict
from cockpit.ui.widgets.pane import Pane, theme_color

if TYPE_CHECKING:
    from textual.widgets import DataTable, Log, Static

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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "verdict(True)", "Confirm"),
        Binding("x", "verdict(False)", "Refute"),
        Binding("p", "payload", "LLM payload"),
    ]

    hypotheses: reactive[tuple[Hypothesis, ...]] = reactive(tuple, always_update=True)
    verdicts: reactive[dict[str, bool]] = reactive(dict, always_update=True)
    advice: reactive[str] = reactive("")
    payload_path: Path | None = None

    def compose_contents(self) -> ComposeResult:
        from textual.widgets import DataTable, Static  # mounted after the first frame

        table: DataTable[Text | str] = DataTable(id="hypotheses", cursor_type="row")
        table.add_columns("#", "Conf.", "Cause", "Culprit", "Verdict")
        yield table
        yield Static(EMPTY, id="evidence")
        yield Static("", id="advice")

    def after_fill(self) -> None:
        self._fill()
        self.watch_advice(self.advice)

    def _table(self) -> DataTable[Text | str]:
        from textual.widgets import DataTable

        return self.query_one(DataTable)

    def _static(self, selector: str) -> Static:
        from textual.widgets import Static

        return self.query_one(selector, Static)

    def watch_advice(self, text: str) -> None:
        if not self.filled:
            return  # shown by after_fill
        lines = [inert(line, 300) for line in text[-1500:].splitlines()]
        advice = self._static("#advice")
        advice.update(Text("\n".join(lines)))
        advice.set_class(bool(text), "-shown")

    def action_payload(self) -> None:
        if self.payload_path is None or not self.payload_path.exists():
            self.notify("Nothing was sent to an LLM yet.", timeout=3)
            return
        self.app.push_screen(PayloadScreen(self.payload_path))

    def focus_target(self) -> Widget:
        return self._table() if self.filled else self

    def watch_hypotheses(self) -> None:
        self._fill()

    def watch_verdicts(self) -> None:
        self._fill()

    def _fill(self) -> None:
        if not self.filled:
            return  # shown by after_fill
        table = self._table()
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
        ranked = sorted(self.hypotheses, key=lambda h: -h.confidence)
        if not ranked or not self.filled:
            return ranked[0] if ranked else None  # the cursor starts on the first row
        table = self._table()
        if table.cursor_row < 0 or table.cursor_row >= len(ranked):
            return None
        return ranked[table.cursor_row]

    def on_data_table_row_highlighted(self) -> None:
        self._show_evidence()

    def _show_evidence(self) -> None:
        hyp = self.selected()
        evidence = self._static("#evidence")
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._held: list[str] = []  # lines added before the contents were mounted

    def compose_contents(self) -> ComposeResult:
        from textual.widgets import Log  # mounted after the first frame

        log = Log(id="actions-log", max_lines=500)
        log.write_line("Press r to choose a remediation action.")
        yield log

    def after_fill(self) -> None:
        held, self._held = self._held, []
        for text in held:
            self.add_line(text)

    def _log(self) -> Log:
        from textual.widgets import Log

        return self.query_one(Log)

    def focus_target(self) -> Widget:
        return self._log() if self.filled else self

    def add_line(self, text: str) -> None:
        if not self.filled:
            self._held.append(text)
            return
        self._log().write_line(inert(text, 500))
