"""The LLM advisor: any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, LM Studio).

At 03:00 a failing advisor must say exactly what to fix (which key, which
URL, which model), never dump a traceback, and never slow the rest of
cockpit: ``openai`` (~1.8 s to import) is imported on first use, not when
this module loads, and a missing configuration is a state, not an exception.
Every failure becomes one :class:`LLMError` whose message is the whole story.
"""

from __future__ import annotations

import errno
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cockpit.config.loader import ConfigError, resolve_secret
from cockpit.config.schema import LLMConfig
from cockpit.sources.base import HealthState, SourceHealth

if TYPE_CHECKING:
    from openai import AsyncOpenAI

Messages = list[dict[str, str]]
NOT_CONFIGURED = "LLM advisor not configured"


class LLMError(Exception):
    """An LLM request that failed; ``str(error)`` says what, why and what to do."""


class LLMAdvisor:
    """Chat completions against ``cfg.base_url`` with ``cfg.model``, streamed or whole."""

    def __init__(self, cfg: LLMConfig, *, max_retries: int = 0) -> None:
        self.cfg = cfg
        self.max_retries = max_retries
        self._key: str | None = None
        self._client: AsyncOpenAI | None = None
        self._structured_ok = True  # False once the server refused response_format
        self.problem = self._configuration_problem()
        self._last_error = self.problem
        self._last_ok: datetime | None = None
        self._checked_at: datetime | None = None

    @property
    def configured(self) -> bool:
        return not self.problem

    def _configuration_problem(self) -> str:
        if not self.cfg.base_url:
            return f"{NOT_CONFIGURED}: set llm.base_url and llm.model in the config"
        if not self.cfg.model:
            return (f"{NOT_CONFIGURED}: llm.model is empty; set it to a model "
                    f"{self.cfg.base_url} serves")
        try:
            self._key = resolve_secret(self.cfg.api_key_env, self.cfg.api_key_file, what="llm")
        except ConfigError as exc:
            return f"{NOT_CONFIGURED}: {exc}"
        return ""

    def _require_client(self) -> AsyncOpenAI:
        if self.problem:
            raise LLMError(self.problem)
        if self._client is None:
            from openai import AsyncOpenAI  # heavy: only when the advisor is really used

            self._client = AsyncOpenAI(
                base_url=self.cfg.base_url,
                api_key=self._key or "no-key-configured",  # Ollama & co. need none
                timeout=self.cfg.timeout_s,
                max_retries=self.max_retries,
            )
        return self._client

    # --- requests ----------------------------------------------------------

    async def stream(self, messages: Messages) -> AsyncIterator[str]:
        """Text chunks of the answer as they arrive; closing the iterator ends the request."""
        client = self._require_client()
        try:
            response = await client.chat.completions.create(
                model=self.cfg.model, messages=_any(messages), stream=True)
        except Exception as exc:
            raise self._fail(exc) from None
        try:
            async for chunk in response:
                for choice in chunk.choices:
                    text = choice.delta.content if choice.delta is not None else None
                    if text:
                        yield text
        except Exception as exc:
            raise self._fail(exc) from None
        finally:
            await response.close()  # closes the connection: the server stops generating
        self._succeeded()

    async def complete(self, messages: Messages,
                       response_format: dict[str, Any] | None = None) -> str:
        """The whole answer. With ``response_format`` (e.g. a JSON schema) ask for structured
        output; a server that refuses it is asked again in plain text with the schema inlined."""
        client = self._require_client()
        import openai

        if response_format is not None and self._structured_ok:
            try:
                return await self._complete(client, messages, response_format)
            except (openai.BadRequestError, openai.UnprocessableEntityError):
                fallback = await self._complete_or_fail(client, _with_format_hint(
                    messages, response_format))
                self._structured_ok = False  # remember: do not ask this server again
                return fallback
            except Exception as exc:
                raise self._fail(exc) from None
        if response_format is not None:
            messages = _with_format_hint(messages, response_format)
        return await self._complete_or_fail(client, messages)

    async def _complete_or_fail(self, client: AsyncOpenAI, messages: Messages) -> str:
        try:
            return await self._complete(client, messages, None)
        except Exception as exc:
            raise self._fail(exc) from None

    async def _complete(self, client: AsyncOpenAI, messages: Messages,
                        response_format: dict[str, Any] | None) -> str:
        extra: dict[str, Any] = {}
        if response_format is not None:
            extra["response_format"] = response_format
        result = await client.chat.completions.create(
            model=self.cfg.model, messages=_any(messages), **extra)
        try:
            content = result.choices[0].message.content
        except (AttributeError, IndexError, TypeError):
            raise ValueError(f"not a chat completion: {str(result)[:80]!r}") from None
        self._succeeded()
        return content or ""

    async def check(self) -> SourceHealth:
        """Ask the endpoint for its models: is it there, does it take the key, has the model?"""
        try:
            client = self._require_client()
            models = [m.id async for m in client.models.list()]
        except LLMError:
            return self.health()
        except Exception as exc:
            self._fail(exc)
            return self.health()
        self._succeeded()
        if models and self.cfg.model not in models:
            self._last_error = (f"{self.cfg.base_url} does not list model '{self.cfg.model}' "
                                f"(it has: {', '.join(models[:5])}); check llm.model")
            return self.health(HealthState.DEGRADED)
        return self.health()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # --- health and errors -------------------------------------------------

    def health(self, state: HealthState | None = None) -> SourceHealth:
        if state is None:
            if self.problem:
                state = HealthState.DISABLED
            else:
                state = HealthState.DOWN if self._last_error else HealthState.OK
        return SourceHealth(source="llm", state=state, address=self.cfg.base_url,
                            last_error=self._last_error, last_ok=self._last_ok,
                            checked_at=self._checked_at)

    def _succeeded(self) -> None:
        self._last_ok = self._checked_at = datetime.now(UTC)
        self._last_error = ""

    def _fail(self, exc: BaseException) -> LLMError:
        self._checked_at = datetime.now(UTC)
        self._last_error = explain(exc, self.cfg)
        return LLMError(self._last_error)


def _any(messages: Messages) -> Any:
    return messages  # the openai TypedDicts accept these plain role/content dicts


def _with_format_hint(messages: Messages, response_format: dict[str, Any]) -> Messages:
    schema = response_format.get("json_schema", {}).get("schema", response_format)
    hint = ("Answer with one JSON object only, no prose and no code fence, matching this "
            f"JSON schema: {json.dumps(schema, separators=(',', ':'))}")
    return [*messages, {"role": "system", "content": hint}]


def _key_hint(cfg: LLMConfig) -> str:
    if cfg.api_key_env:
        return f"check the key in environment variable {cfg.api_key_env} (llm.api_key_env)"
    if cfg.api_key_file:
        return f"check the key in {cfg.api_key_file} (llm.api_key_file)"
    return "no key is configured: set llm.api_key_env or llm.api_key_file"


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])[:200]
    return str(body)[:200] if body else ""


def explain(exc: BaseException, cfg: LLMConfig) -> str:
    """One line for a failed request: what failed, why, what to do."""
    import openai

    base = cfg.base_url
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        said = _server_message(exc)
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return f"LLM endpoint {base} rejected the API key (HTTP {code}): {_key_hint(cfg)}"
        if isinstance(exc, openai.NotFoundError):
            if "model" in said.lower():
                return (f"LLM endpoint {base} has no model '{cfg.model}' (HTTP 404: {said}): "
                        "check llm.model")
            return (f"LLM endpoint {base} has no chat completions API (HTTP 404 for "
                    f"{exc.request.url}): check llm.base_url (it usually ends in /v1)")
        if isinstance(exc, openai.RateLimitError):
            after = exc.response.headers.get("retry-after")
            wait = f"retry after {after} s" if after else "wait a minute and retry"
            return f"LLM endpoint {base} is rate limiting requests (HTTP 429): {wait}"
        if code >= 500:
            return f"LLM server {base} failed (HTTP {code}: {said or 'no detail'}); try again later"
        return f"LLM endpoint {base} refused the request (HTTP {code}): {said or exc.message}"
    if isinstance(exc, openai.APITimeoutError):
        return (f"LLM endpoint {base} did not answer within {cfg.timeout_s:g} s "
                "(llm.timeout_s): the server is overloaded or the model too slow")
    if isinstance(exc, openai.APIConnectionError):
        return _connection_message(exc, base)
    if isinstance(exc, ValueError | openai.APIResponseValidationError):
        return (f"LLM endpoint {base} sent an answer that is not the Chat Completions format "
                f"({type(exc).__name__}): is llm.base_url an OpenAI-compatible API?")
    return f"LLM request to {base} failed: {type(exc).__name__}: {exc}"


def _connection_message(exc: BaseException, base: str) -> str:
    parts = urlsplit(base)
    address = parts.netloc or base
    cause: BaseException | None = exc
    reasons: list[str] = []
    refused = False
    while cause is not None and len(reasons) < 8:
        reasons.append(str(cause))
        refused = refused or (isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(reasons).lower()
    if refused or "refused" in text:
        return (f"cannot connect to LLM endpoint {address}: connection refused; "
                "is the server running?")
    if "name or service not known" in text or "nodename nor servname" in text:
        return f"cannot connect to LLM endpoint {address}: unknown host; check llm.base_url"
    detail = next((r for r in reversed(reasons) if r), "connection error")
    return f"cannot connect to LLM endpoint {address}: {detail}"
