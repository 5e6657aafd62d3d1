"""llm:timeout and llm:garbage windows through the real openai client: a clear reason, then back."""

from __future__ import annotations

import asyncio

from cockpit.config import LLMConfig
from cockpit.sources.base import HealthState
from cockpit.sources.llm import LLMAdvisor, LLMError
from tests.reliability.conftest import SimFactory, move
from tests.reliability.tally import Tally
from tests.support.llm_server import LLMTestServer


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
