"""The `i` flow: offline analysis in a thread worker, then (when configured) the LLM advisor.

The offline analyzer runs on what the screen already holds (panels, cluster snapshot,
alerts, and the log pane's pattern snapshot when there is one); its hypotheses go to
the Analysis pane and each distinct one is journalled once (idempotency key). Then the
advisor streams its answer under the table and adds its hypotheses (source "llm").
Nothing the model says runs: suggested commands are mapped through the catalogue and
shown; running stays with `r` and its preview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.actions.catalogue import build_catalogue
from cockpit.actions.plans import Plan
from cockpit.analysis.advisor_flow import AdvisorAnswer, AdvisorSession
from cockpit.analysis.evidence import AnalysisInputs
from cockpit.analysis.offline import analyze
from cockpit.analysis.pattern_snapshot import PatternSnapshot
from cockpit.incident.model import AUTO_ACTOR, Event, EventKind, Hypothesis
from cockpit.ui.messages import HypothesesUpdated
from cockpit.ui.widgets.analysis import AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.metrics import MetricsPane

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp
    from cockpit.ui.screens.main import MainScreen


class AnalysisFlow:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.app: CockpitApp = screen.cockpit
        self.session = AdvisorSession(self.app.config.llm, self.app.loaded.folder)
        self.offline: list[Hypothesis] = []
        self.llm: list[Hypothesis] = []

    def _inputs(self) -> AnalysisInputs:
        cluster = self.screen.query_one(ClusterPane)
        patterns = getattr(self.screen.query_one(LogsPane), "patterns", None)
        config = self.app.config
        return AnalysisInputs(
            now=self.app.clock(),
            service=config.kubernetes.deployment or config.incident.service,
            panels=tuple(self.screen.query_one(MetricsPane).panels),
            snapshot=cluster.snapshot, alerts=tuple(cluster.alerts),
            patterns=patterns if isinstance(patterns, PatternSnapshot) else None)

    def start(self) -> None:
        inputs = self._inputs()
        self.screen.query_one(AnalysisPane).advice = "Analyzing…"
        self.screen.run_worker(lambda: self._offline(inputs), thread=True, group="analysis",
                               exclusive=True, exit_on_error=False)

    def _offline(self, inputs: AnalysisInputs) -> None:
        from cockpit.sources.kubernetes import KubernetesSource
        from cockpit.ui.wiring import LazyCluster

        # the config's cluster (lazy, polled in the log process) or one handed in as a client
        real = isinstance(self.app.sources.cluster, LazyCluster | KubernetesSource)
        if inputs.snapshot is not None and real:
            from dataclasses import replace

            from cockpit.analysis.revision_diff import fetch_templates

            templates, _why = fetch_templates(self.app.config.kubernetes)  # images only if not
            inputs = replace(inputs, templates=templates)
        hypotheses = analyze(inputs)
        self.app.call_from_thread(self._publish, inputs, hypotheses)

    def _show(self) -> None:
        self.screen.post_message(HypothesesUpdated([*self.offline, *self.llm]))

    def _journal(self, hypotheses: list[Hypothesis]) -> None:
        for h in hypotheses:
            if h.cause == "unknown":
                continue
            self.app.record(Event(self.app.clock(), EventKind.HYPOTHESIS_PROPOSED, AUTO_ACTOR,
                                  f"Hypothesis ({h.source}): {h.cause} {h.culprit}".strip(),
                                  {"hypothesis": h.to_data()}, key=f"hypothesis:{h.id}"))

    def _publish(self, inputs: AnalysisInputs, hypotheses: list[Hypothesis]) -> None:
        self.offline = hypotheses
        self._show()
        self._journal(hypotheses)
        pane = self.screen.query_one(AnalysisPane)
        if self.session.problem:
            pane.advice = f"{self.session.problem}. The offline analysis above still applies."
            return
        self.screen.run_worker(self._ask(inputs, hypotheses), group="advisor", exclusive=True,
                               exit_on_error=False)

    async def _ask(self, inputs: AnalysisInputs, hypotheses: list[Hypothesis]) -> None:
        pane = self.screen.query_one(AnalysisPane)
        incident = self.app.incident
        request = self.session.prepare(inputs, hypotheses, incident.events, incident.title)
        catalogue = build_catalogue(inputs.snapshot, hypotheses, self.app.config.actions,
                                    namespace=self.app.config.kubernetes.namespace)
        pane.advice = f"Asking the LLM advisor ({request.tokens} tokens, redacted; p shows it)…"

        def shown(text: str) -> None:
            pane.advice = text

        answer = await self.session.ask(request, catalogue, shown)
        pane.payload_path = answer.request_file
        pane.advice = summary(answer)
        self.llm = answer.hypotheses
        self._show()
        self._journal(answer.hypotheses)


def summary(answer: AdvisorAnswer) -> str:
    """What the pane shows once the answer is in: problems, actions, next questions."""
    lines = [f"LLM advisor: {answer.error}"] if answer.error else []
    if answer.error and not answer.hypotheses:
        lines.append(answer.text[-600:])
    for text, mapped in answer.actions:
        if isinstance(mapped, Plan):
            lines.append(f"suggests: {text} → catalogue action {mapped.title} (run it with r)")
        else:
            lines.append(f"suggests: {text} → NOT runnable ({mapped.reason})")
    lines += [f"asks: {q}" for q in answer.questions]
    return "\n".join(lines) or "LLM advisor: no further suggestion."
