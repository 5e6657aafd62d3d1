"""LLMAdvisor through the real openai client against a loopback OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.config.schema import LLMConfig
from cockpit.sources.llm import LLMAdvisor, LLMError
from tests.support.llm_server import LLMTestServer
from tests.support.servers import free_port

pytestmark = pytest.mark.integration
ASK = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "why?"}]


@pytest.fixture
def server() -> Iterator[LLMTestServer]:
    with LLMTestServer() as srv:
        yield srv


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COCKPIT_TEST_LLM_KEY", "sk-test-123")
    return "COCKPIT_TEST_LLM_KEY"


def advisor_for(server: LLMTestServer, key_env: str = "", **changes: object) -> LLMAdvisor:
    settings: dict[str, object] = {"base_url": server.url, "model": server.model,
                                   "api_key_env": key_env, "timeout_s": 5.0}
    settings.update(changes)
    return LLMAdvisor(LLMConfig(**settings))  # type: ignore[arg-type]


async def collect(advisor: LLMAdvisor) -> str:
    return "".join([chunk async for chunk in advisor.stream(ASK)])


async def test_streaming_assembles_the_full_answer(server: LLMTestServer, key: str) -> None:
    answer = "The deploy at 10:28 raised the error ratio; roll back api-gateway to revision 41."
    server.answer(answer)
    advisor = advisor_for(server, key)
    chunks = [chunk async for chunk in advisor.stream(ASK)]
    assert len(chunks) > 5 and "".join(chunks) == answer
    [body] = server.chat_bodies()
    assert body["model"] == "test-model" and body["stream"] is True
    assert body["messages"] == ASK
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-123"
    assert advisor.health().state == "ok" and advisor.health().last_ok is not None
    await advisor.aclose()


async def test_complete_returns_the_answer(server: LLMTestServer) -> None:
    server.answer("plain answer")
    advisor = advisor_for(server)  # no key: Ollama-style endpoint
    assert await advisor.complete(ASK) == "plain answer"
    assert "stream" not in server.chat_bodies()[0] or not server.chat_bodies()[0]["stream"]
    await advisor.aclose()


SCHEMA = {"type": "json_schema", "json_schema": {"name": "hypotheses", "schema": {
    "type": "object", "properties": {"cause": {"type": "string"}}, "required": ["cause"]}}}


async def test_structured_output_is_requested(server: LLMTestServer) -> None:
    server.answer('{"cause": "bad deploy"}')
    advisor = advisor_for(server)
    assert await advisor.complete(ASK, response_format=SCHEMA) == '{"cause": "bad deploy"}'
    assert server.chat_bodies()[0]["response_format"] == SCHEMA
    await advisor.aclose()


async def test_structured_output_falls_back_when_refused(server: LLMTestServer) -> None:
    server.fault = "refuse_response_format"
    server.answer('{"cause": "bad deploy"}', '{"cause": "again"}')
    advisor = advisor_for(server)
    assert await advisor.complete(ASK, response_format=SCHEMA) == '{"cause": "bad deploy"}'
    refused, plain = server.chat_bodies()
    assert "response_format" in refused and "response_format" not in plain
    assert plain["messages"][:2] == ASK
    assert plain["messages"][-1]["role"] == "system"
    assert '"required":["cause"]' in plain["messages"][-1]["content"]
    # remembered: the next structured request goes straight to plain
    assert await advisor.complete(ASK, response_format=SCHEMA) == '{"cause": "again"}'
    assert "response_format" not in server.chat_bodies()[2]
    await advisor.aclose()


@pytest.mark.parametrize(("fault", "expected"), [
    ("401", "LLM endpoint {url} rejected the API key (HTTP 401): check the key in environment "
            "variable COCKPIT_TEST_LLM_KEY (llm.api_key_env)"),
    ("429", "LLM endpoint {url} is rate limiting requests (HTTP 429): retry after 7 s"),
    ("500", "LLM server {url} failed (HTTP 500: The server had an error while processing your "
            "request); try again later"),
])
@pytest.mark.parametrize("streaming", [True, False])
async def test_status_errors_have_one_clear_message(
        server: LLMTestServer, key: str, fault: str, expected: str, streaming: bool) -> None:
    server.fault = fault
    advisor = advisor_for(server, key)
    with pytest.raises(LLMError) as info:
        await (collect(advisor) if streaming else advisor.complete(ASK))
    assert str(info.value) == expected.format(url=server.url)
    assert advisor.health().state == "down"
    assert advisor.health().last_error == str(info.value)
    assert len(server.chat_bodies()) == 1  # no silent retries
    await advisor.aclose()


async def test_unknown_model_names_the_model(server: LLMTestServer) -> None:
    advisor = advisor_for(server, model="llama-99b")
    with pytest.raises(LLMError, match=r"has no model 'llama-99b' \(HTTP 404: The model "
                                       r"'llama-99b' does not exist\): check llm.model"):
        await collect(advisor)
    await advisor.aclose()


async def test_wrong_base_url_names_the_base_url(server: LLMTestServer) -> None:
    base = server.url.removesuffix("/v1")
    advisor = advisor_for(server, base_url=base)
    with pytest.raises(LLMError) as info:
        await advisor.complete(ASK)
    assert str(info.value) == (
        f"LLM endpoint {base} has no chat completions API (HTTP 404 for "
        f"{base}/chat/completions): check llm.base_url (it usually ends in /v1)")
    await advisor.aclose()


async def test_connection_refused_names_the_address() -> None:
    port = free_port()
    advisor = LLMAdvisor(LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m"))
    with pytest.raises(LLMError) as info:
        await collect(advisor)
    assert str(info.value) == (f"cannot connect to LLM endpoint 127.0.0.1:{port}: connection "
                               "refused; is the server running?")
    await advisor.aclose()


async def test_timeout(server: LLMTestServer) -> None:
    server.fault, server.slow_s = "slow", 5
    advisor = advisor_for(server, timeout_s=0.5)
    with pytest.raises(LLMError) as info:
        await advisor.complete(ASK)
    assert str(info.value) == (f"LLM endpoint {server.url} did not answer within 0.5 s "
                               "(llm.timeout_s): the server is overloaded or the model too slow")
    await advisor.aclose()


@pytest.mark.parametrize(("fault", "streaming"), [("garbage", False), ("garbage_stream", True)])
async def test_garbage_answers(server: LLMTestServer, fault: str, streaming: bool) -> None:
    server.fault = fault
    server.answer("some words that will not all arrive")
    advisor = advisor_for(server)
    with pytest.raises(LLMError, match=r"sent an answer that is not the Chat Completions format"):
        await (collect(advisor) if streaming else advisor.complete(ASK))
    await advisor.aclose()


async def test_closing_the_stream_closes_the_connection(server: LLMTestServer) -> None:
    server.answer("x" * 2000)
    server.chunk_size, server.chunk_delay_s = 1, 0.01
    advisor = advisor_for(server)
    stream = advisor.stream(ASK)
    received = [await anext(stream), await anext(stream)]
    assert received == ["x", "x"]
    await stream.aclose()  # type: ignore[attr-defined]
    assert await asyncio.to_thread(server.disconnected.wait, 10)
    assert server.chunks_sent < 2000
    await advisor.aclose()


async def test_cancelling_the_task_closes_the_connection(server: LLMTestServer) -> None:
    server.answer("y" * 2000)
    server.chunk_size, server.chunk_delay_s = 1, 0.01
    advisor = advisor_for(server)
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in advisor.stream(ASK):
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(server.disconnected.wait, 10)
    await advisor.aclose()


async def test_check_lists_models(server: LLMTestServer) -> None:
    assert (await advisor_for(server).check()).state == "ok"
    health = await advisor_for(server, model="other").check()
    assert health.state == "degraded"
    assert health.last_error == (f"{server.url} does not list model 'other' (it has: "
                                 "test-model); check llm.model")


async def test_not_configured_is_a_state_not_an_exception(
        monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = LLMAdvisor(LLMConfig())
    assert not advisor.configured
    assert advisor.health().state == "disabled"
    assert advisor.health().last_error == ("LLM advisor not configured: set llm.base_url and "
                                           "llm.model in the config")
    with pytest.raises(LLMError, match="LLM advisor not configured"):
        await collect(advisor)
    monkeypatch.delenv("NO_SUCH_LLM_KEY", raising=False)
    missing = LLMAdvisor(LLMConfig(base_url="http://127.0.0.1:1/v1", model="m",
                                   api_key_env="NO_SUCH_LLM_KEY"))
    assert missing.health().last_error == ("LLM advisor not configured: llm: environment "
                                           "variable NO_SUCH_LLM_KEY is not set")


def test_importing_the_module_does_not_import_openai() -> None:
    code = ("import sys, cockpit.sources.llm as m; m.LLMAdvisor(m.LLMConfig()); "
            "sys.exit('openai' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, timeout=60).returncode == 0
