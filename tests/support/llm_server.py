"""A loopback OpenAI-compatible server: the Chat Completions wire protocol, no model.

Tests talk to it through the real ``openai`` client, so what is asserted is
what goes over the wire: every request body is recorded, answers are
scripted per test, and fault modes reproduce what real endpoints do (401,
404 for an unknown model or path, 429 with Retry-After, 500, a server too
slow for the timeout, garbage bodies, broken SSE, refusing
``response_format``). Streaming pauses between chunks and notices when the
client goes away, so cancellation can be checked. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("401", "404", "429", "500", "slow", "garbage", "garbage_stream",
          "refuse_response_format")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any


@dataclass
class LLMTestServer:
    model: str = "test-model"
    fault: str = ""  # one of FAULTS, or "" for normal answers
    retry_after: str = "7"
    slow_s: float = 5.0
    chunk_size: int = 4  # characters per streamed chunk
    chunk_delay_s: float = 0.0
    default_answer: str = "ok"
    requests: list[Recorded] = field(default_factory=list)
    chunks_sent: int = 0
    disconnected: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._answers: deque[str] = deque()
        self._stopping = threading.Event()
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base_url a client is configured with."""
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(self, *texts: str) -> None:
        """Script the next answers, one per chat completion request."""
        self._answers.extend(texts)

    def next_answer(self) -> str:
        return self._answers.popleft() if self._answers else self.default_answer

    def chat_bodies(self) -> list[Any]:
        return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> LLMTestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def __enter__(self) -> LLMTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    owner: LLMTestServer
    protocol_version = "HTTP/1.0"  # one request per connection; streams end at close

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _record(self, body: Any) -> None:
        self.owner.requests.append(Recorded(self.command, self.path,
                                            {k.lower(): v for k, v in self.headers.items()}, body))

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, code: str = "", param: str | None = None,
               headers: dict[str, str] | None = None) -> None:
        self._send_json(status, {"error": {"message": message, "type": "invalid_request_error",
                                           "param": param, "code": code or None}}, headers)

    def _not_found(self) -> None:
        data = b"404 page not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._record(None)
        if self.path != "/v1/models":
            return self._not_found()
        if self.owner.fault == "401":
            return self._error(401, "Incorrect API key provided", "invalid_api_key")
        self._send_json(200, {"object": "list", "data": [
            {"id": self.owner.model, "object": "model", "created": 0, "owned_by": "test"}]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._record(body)
        if self.path != "/v1/chat/completions":
            return self._not_found()
        owner = self.owner
        fault = owner.fault
        if fault == "401":
            return self._error(401, "Incorrect API key provided", "invalid_api_key")
        if fault == "429":
            return self._error(429, "Rate limit reached", "rate_limit_exceeded",
                               headers={"Retry-After": owner.retry_after})
        if fault == "500":
            return self._error(500, "The server had an error while processing your request")
        if fault == "slow":
            owner.pause(owner.slow_s)
        if not isinstance(body, dict) or body.get("model") != owner.model:
            model = body.get("model") if isinstance(body, dict) else None
            return self._error(404, f"The model '{model}' does not exist", "model_not_found",
                               "model")
        if fault == "refuse_response_format" and "response_format" in body:
            return self._error(400, "response_format is not supported by this model",
                               param="response_format")
        if fault == "garbage":
            data = b"<html><body>502 Bad Gateway</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        answer = owner.next_answer()
        if body.get("stream"):
            return self._stream(answer)
        self._send_json(200, {
            "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": owner.model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })
        return None

    def _stream(self, answer: str) -> None:
        owner = self.owner
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

        def event(delta: dict[str, str], finish: str | None = None) -> bytes:
            chunk = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0,
                     "model": owner.model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            return f"data: {json.dumps(chunk)}\n\n".encode()

        size = owner.chunk_size
        pieces = [event({"role": "assistant", "content": ""})]
        pieces += [event({"content": answer[i:i + size]}) for i in range(0, len(answer), size)]
        if owner.fault == "garbage_stream":
            pieces.insert(2, b"data: {\"choices\": [{\"delta\": \n\n")
        pieces += [event({}, "stop"), b"data: [DONE]\n\n"]
        try:
            for piece in pieces:
                self.wfile.write(piece)
                self.wfile.flush()
                owner.chunks_sent += 1
                if owner.chunk_delay_s:
                    owner.pause(owner.chunk_delay_s)
        except (BrokenPipeError, ConnectionResetError):
            owner.disconnected.set()
