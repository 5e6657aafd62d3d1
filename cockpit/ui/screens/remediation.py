"""The `r` flow: the catalogue list, the preview modal (with the server dry run),
one key to confirm, and execution in a thread worker reporting to the Actions pane.

Kept thin on purpose: every decision and every journal event is the engine's
(cockpit.actions), the same one the command line uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static

from cockpit.actions.catalogue import Catalogue, build_catalogue
from cockpit.actions.engine import ActionEngine, Prepared
from cockpit.actions.plans import Plan, Refusal
from cockpit.ui.inert import inert

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp


class RemediationListScreen(ModalScreen[Plan | None]):
    """Catalogue actions, most likely first; advice (escalate, wait) as text only."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Remediation", classes="dialog-title")
            for advice in self.catalogue.advice:
                yield Label(Text(f"Advice: {inert(advice.text, 200)}"))
            if self.catalogue.plans:
                yield OptionList(*[Text(inert(p.title + (f" — {p.reason}" if p.reason else ""),
                                              160)) for p in self.catalogue.plans],
                                 id="remediation-list")
            else:
                yield Label("No action available: no deployment seen in the cluster yet.")
            yield Label("Enter previews · Esc closes", classes="dialog-hint")

    async def show(self, catalogue: Catalogue) -> None:
        """Show a new catalogue in place (the cluster's first snapshot came in while open)."""
        self.catalogue = catalogue
        await self.recompose()
        for options in self.query(OptionList):
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.catalogue.plans[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


class PreviewScreen(ModalScreen[bool]):
    """The preview and dry-run result; `y` runs it, `n` or Esc declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Run it"),
        Binding("n,escape", "answer(False)", "Decline"),
    ]

    def __init__(self, prepared: Prepared) -> None:
        super().__init__()
        self.prepared = prepared

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(inert(f"Preview: {self.prepared.plan.title}", 160)),
                        classes="dialog-title")
            with VerticalScroll():
                yield Static(Text("\n".join(inert(line, 2000) for line in self.prepared.lines())),
                             id="preview-text")
            hint = "y runs it · n/Esc declines" if self.prepared.executable else \
                f"Cannot run: {self.prepared.blocked or 'refused by the dry run'} · Esc closes"
            yield Label(Text(inert(hint, 300)), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        if yes and not self.prepared.executable:
            self.notify("This action cannot run (see the preview).", severity="warning")
            return
        self.dismiss(yes)


class RemediationFlow:
    """Drives list → preview → confirm → execute for the main screen."""

    def __init__(self, app: CockpitApp, report: Any) -> None:
        self.app = app
        self.report = report  # callable(str): a line for the Actions pane (UI thread)
        self._engine: ActionEngine | None = None
        self._waiting: RemediationListScreen | None = None  # open, and empty so far

    def _catalogue(self, snapshot: Any, hypotheses: Any) -> Catalogue:
        cfg = self.app.config
        return build_catalogue(snapshot, list(hypotheses), cfg.actions,
                               namespace=cfg.kubernetes.namespace,
                               focus=cfg.kubernetes.deployment or cfg.incident.service,
                               context=cfg.kubernetes.context)

    def open(self, snapshot: Any, hypotheses: Any) -> None:
        screen = RemediationListScreen(self._catalogue(snapshot, hypotheses))
        self._waiting = None if screen.catalogue.plans else screen
        self.app.push_screen(screen, self._chosen)

    def cluster_changed(self, snapshot: Any, hypotheses: Any) -> None:
        """A list opened before the cluster was first seen fills in once it is."""
        screen = self._waiting
        if screen is None:
            return
        if not screen.is_attached:  # closed meanwhile
            self._waiting = None
            return
        catalogue = self._catalogue(snapshot, hypotheses)
        if catalogue.plans:
            self._waiting = None
            screen.call_later(screen.show, catalogue)

    def _chosen(self, plan: Plan | None) -> None:
        if plan is not None:
            self.report(f"previewing: {plan.title} …")
            self.app.run_worker(lambda: self._prepare(plan), thread=True, group="actions")

    def engine(self) -> ActionEngine:
        if self._engine is None:
            from cockpit.actions.verify import triggering_panel
            from cockpit.sources import k8s_client

            app, cfg = self.app, self.app.config
            metrics = app.sources.metrics
            query = getattr(metrics, "query", None)
            panel = triggering_panel(getattr(metrics, "panels", []), app.incident.events)
            self._engine = ActionEngine(
                k8s_client.make_api_client(cfg.kubernetes), cfg.actions, actor=app.actor,
                record=lambda event: app.call_from_thread(app.record, event),
                metrics=query, panel=panel, request_timeout_s=cfg.kubernetes.timeout_s,
                clock=app.clock)
        return self._engine

    def _say(self, line: str) -> None:
        self.app.call_from_thread(self.report, line)

    def _prepare(self, plan: Plan) -> None:
        try:
            prepared = self.engine().prepare(plan)
        except Exception as exc:  # setup trouble (kubeconfig): one line, never a crash
            prepared = Refusal(str(exc))
        if isinstance(prepared, Refusal):
            self._say(f"cannot preview {plan.title}: {prepared.reason}")
            return
        self.app.call_from_thread(self.app.push_screen, PreviewScreen(prepared),
                                  lambda yes: self._answered(prepared, bool(yes)))

    def _answered(self, prepared: Prepared, yes: bool) -> None:
        self.app.run_worker(lambda: self._carry_out(prepared, yes), thread=True, group="actions")

    def _carry_out(self, prepared: Prepared, yes: bool) -> None:
        engine = self.engine()
        if not prepared.executable:
            self._say(f"not run: {prepared.blocked or prepared.dry_run}")
            return
        if not engine.confirm(prepared, "y" if yes else "n", via="key"):
            self._say(f"declined: {prepared.plan.title}")
            return
        result = engine.carry_out(prepared, self._say)
        self._say(f"{result.outcome.value}: {result.message}")
        if result.suggest_status:
            self._say(f"suggested: set the status to {result.suggest_status} (key s)")
        if result.undo is not None:
            self._say(f"undo available: {result.undo.kubectl()} (r to run it)")
