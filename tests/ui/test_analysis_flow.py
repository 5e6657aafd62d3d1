"""`i` in the running app: offline hypotheses, journalled once, then the LLM's answer
streamed under the table, its hostile suggestion shown as text only; `p` shows the payload."""

from __future__ import annotations

import json
from typing import Any

from msgspec.structs import replace

from cockpit.config.schema import LLMConfig
from cockpit.incident.model import EventKind
from cockpit.incident.store import LoadedIncident
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.analysis import AnalysisPane, PayloadScreen
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.metrics import MetricsPane
from tests.support.llm_server import LLMTestServer
from tests.ui.conftest import AppFactory
from tests.ui.fakes import (
    BREACH,
    ScriptedAlerts,
    ScriptedCluster,
    ScriptedMetrics,
    alert,
    cockpit_config,
)
from tests.ui.waiting import journal_events, until

ANSWER = json.dumps({"hypotheses": [{
    "cause": "bad-deploy", "culprit": "deployment/api-gateway@4", "confidence": 0.8,
    "evidence": ["errors since revision 4"], "remedy": "rollback",
    "action": "kubectl delete namespace shop"}], "questions": ["Was anything else changed?"]})


async def test_i_analyzes_journals_once_and_streams_the_advisor(
        make_app: AppFactory, loaded: LoadedIncident) -> None:
    with LLMTestServer() as server:
        server.answer(ANSWER, ANSWER)
        config = replace(cockpit_config(), llm=LLMConfig(base_url=server.url, model=server.model))
        sources = SourceSet(metrics=ScriptedMetrics(values=dict(BREACH)),
                            alerts=ScriptedAlerts([alert()]), cluster=ScriptedCluster(revision=4))
        app = make_app(sources, config=config)
        async with app.run_test(size=(160, 50)) as pilot:
            screen: Any = app.screen
            pane = screen.query_one(AnalysisPane)
            await until(pilot, lambda: screen.query_one(ClusterPane).snapshot is not None
                        and len(screen.query_one(MetricsPane).panels) == 4, "data on screen")
            await pilot.press("i")
            await until(pilot, lambda: any(h.source == "llm" for h in pane.hypotheses),
                        "the advisor's hypotheses")
            offline = [h for h in pane.hypotheses if h.source == "offline"]
            assert offline[0].cause == "bad-deploy"
            assert offline[0].culprit == "deployment/api-gateway@4"
            assert "NOT runnable" in pane.advice and "kubectl delete namespace shop" in pane.advice
            assert "Was anything else changed?" in pane.advice
            proposed = journal_events(loaded.journal.path, EventKind.HYPOTHESIS_PROPOSED)
            assert {e.data["hypothesis"]["source"] for e in proposed} == {"offline", "llm"}
            await pilot.press("i")
            await until(pilot, lambda: len(server.chat_bodies()) == 2, "second request")
            await until(pilot, lambda: "NOT runnable" in pane.advice, "second answer")
            again = journal_events(loaded.journal.path, EventKind.HYPOTHESIS_PROPOSED)
            assert len(again) == len(proposed)  # one event per distinct hypothesis
            assert pane.payload_path is not None and pane.payload_path.name == "llm-request-2.json"
            pane.focus_target().focus()
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PayloadScreen), "payload shown")


async def test_without_llm_the_pane_says_so_and_offline_still_answers(
        make_app: AppFactory) -> None:
    sources = SourceSet(metrics=ScriptedMetrics(values=dict(BREACH)), cluster=ScriptedCluster(4))
    app = make_app(sources)
    async with app.run_test(size=(160, 50)) as pilot:
        screen: Any = app.screen
        pane = screen.query_one(AnalysisPane)
        await until(pilot, lambda: screen.query_one(ClusterPane).snapshot is not None
                    and len(screen.query_one(MetricsPane).panels) == 4, "data on screen")
        await pilot.press("i")
        await until(pilot, lambda: bool(pane.hypotheses), "offline hypotheses")
        await until(pilot, lambda: "not configured" in pane.advice, "advisor state")
