"""A small threaded HTTP server on 127.0.0.1 for the simulator's wire-faithful APIs.

Each API supplies one ``handle(method, path, params, body)`` function; this
module owns sockets, threads, keep-alive and shutdown, so the Prometheus and
Alertmanager simulators share one well-behaved server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

Params = dict[str, list[str]]
Reply = tuple[int, str, str]     # status, content type, body
HandleFunc = Callable[[str, str, Params, bytes], Reply]
#: (path, query) → None, or (action, value, reason): "close", "status" (value=code) or "sleep"
Gate = Callable[[str, str], tuple[str, float, str] | None]


class LoopbackServer:
    """``start()``, ``url``, ``stop()``; binds 127.0.0.1 on a free port by default."""

    def __init__(self, handle: HandleFunc, host: str = "127.0.0.1", port: int = 0,
                 name: str = "sim-http") -> None:
        self._handle = handle
        self._name = name
        self.gate: Gate | None = None  # injected faults (cockpit.scenario.faults)
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(handle, self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True, name=self._name)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def apply_gate(gate: Gate | None, handler: BaseHTTPRequestHandler, path: str,
               query: str) -> tuple[int, str] | None:
    """Run an injected fault: sleep (then carry on), close the socket, or an error status."""
    verdict = gate(path, query) if gate is not None else None
    if verdict is None:
        return None
    action, value, reason = verdict
    if action == "sleep":
        time.sleep(value)
        return None
    if action == "close":
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)
        return 0, ""
    return int(value), f"injected fault {reason}"


def _make_handler(handle: HandleFunc, owner: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = apply_gate(owner.gate, self, parts.path, parts.query)
            if fault is not None and fault[0] == 0:
                return
            params: Params = {}
            ctype = self.headers.get("Content-Type", "")
            if method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
                # Go's r.Form: body values first, then the URL's
                params = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in parse_qs(parts.query, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            try:
                if fault is not None:
                    status, content_type, text = fault[0], "text/plain; charset=utf-8", fault[1]
                else:
                    status, content_type, text = handle(method, parts.path, params, body)
            except Exception as err:  # a bug must answer 500, not kill the connection
                status, content_type, text = 500, "text/plain; charset=utf-8", f"{err}\n"
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler


class LoopbackService:
    """The start/stop/url/fault-gate surface every simulator server shares.

    Subclasses set ``self._server`` (a :class:`LoopbackServer`) in their ``__init__``.
    """

    _server: LoopbackServer

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def set_fault_gate(self, gate: Gate | None) -> None:
        """Let injected faults (cockpit.scenario.faults) answer requests first."""
        self._server.gate = gate
