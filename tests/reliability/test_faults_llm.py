"""llm:timeout and llm:garbage windows through the real openai client: a clear reason, then back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from cockpit.config import LLMConfig
from cockpit.incident.model import EventKind, Severity
from cockpit.incident.store import IncidentStore
from cockpit.sources.base import HealthState
from cockpit.sources.llm import LLMAdvisor, LLMError
from cockpit.ui.app import create_app
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.analysis import AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.metrics import MetricsPane
from tests.reliability.conftest import SimFactory, move
from tests.reliability.tally import Tally
from tests.support.llm_server import LLMTestServer
from tests.ui.fakes import (
    BREACH,
    T0,
    ScriptedCluster,
    ScriptedMetrics,
    cockpit_config,
    fixed_clock,
)
from tests.ui.waiting import journal_events, until


def test_llm_timeout_and_garbage_windows(make_sim: SimFactory, tally: Tally) -> None:
    sim = make_sim("llm:timeout@10:26-10:27", "llm:garbage@10:28-10:29")
    with LLMTestServer(slow_s=3.0) as server:
        advisor = LLMAdvisor(LLMConfig(base_url=server.url, model=server.model,
                                       timeout_s=1.0))
        question = [{"role": "user", "content": "why 500s?"}]

        async def ask(at: str) -> str | LLMError:
            move(sim, at)
            server.fault = sim.faults.llm_mode()
            try:
                return await advisor.complete(question)
            except LLMError as exc:
                return exc

        async def scenario() -> list[str | LLMError]:
            server.answer("before", "after")
            return [await ask(at) for at in ("10:25", "10:26:30", "10:28:30", "10:30")]

        before, slow, garbage, after = asyncio.run(scenario())
    assert before == "before" and after == "after"
    assert isinstance(slow, LLMError) and "time" in str(slow).lower()
    assert isinstance(garbage, LLMError) and str(garbage)
    assert advisor.health().state is HealthState.OK
    tally.fault("llm:timeout")
    tally.fault("llm:garbage")


async def test_keys_work_in_the_app_while_the_llm_is_too_slow_then_answers_garbage(
        tmp_path: Path, tally: Tally) -> None:
    """llm:timeout and llm:garbage in the running app: the offline analysis is on screen at
    once, keys are handled while the request waits, and the pane says why there is no answer."""
    with LLMTestServer(slow_s=4.0) as server:
        server.fault = "slow"
        config = replace(cockpit_config(), llm=LLMConfig(base_url=server.url, model=server.model,
                                                         timeout_s=2.0))
        sources = SourceSet(metrics=ScriptedMetrics(values=dict(BREACH)),
                            cluster=ScriptedCluster(revision=4))
        loaded = IncidentStore(tmp_path / "incidents").create(
            "api-gateway 5xx", Severity.SEV2, ["api-gateway"], commander="alice",
            namespace="shop", opened_at=T0)
        app = create_app(config, loaded, sources, clock=fixed_clock)
        async with app.run_test(size=(160, 50)) as pilot:
            screen: Any = app.screen
            pane, metrics = screen.query_one(AnalysisPane), screen.query_one(MetricsPane)
            await until(pilot, lambda: screen.query_one(ClusterPane).snapshot is not None
                        and len(metrics.panels) == 4, "data on screen")
            await pilot.press("i")
            await until(pilot, lambda: len(server.chat_bodies()) == 1, "the request is out")
            assert any(h.source == "offline" for h in pane.hypotheses)
            await pilot.press("w")  # while the advisor waits
            assert "window 1h (w)" in str(metrics.border_subtitle)
            await pilot.press("a")
            assert journal_events(loaded.journal.path, EventKind.ACKNOWLEDGED)
            assert "Asking the LLM advisor" in pane.advice  # still waiting: keys did not
            await until(pilot, lambda: "did not answer within 2 s" in pane.advice,
                        "the timeout's reason", timeout=15)
            server.fault = "garbage"
            await pilot.press("i")
            await until(pilot, lambda: len(server.chat_bodies()) == 2
                        and "not answer in the requested JSON format" in pane.advice,
                        "the garbage answer's reason", timeout=15)
            assert any(h.source == "offline" for h in pane.hypotheses)
            assert not any(h.source == "llm" for h in pane.hypotheses)
    tally.fault("llm:timeout (app)")
    tally.fault("llm:garbage (app)")
