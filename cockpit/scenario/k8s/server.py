"""The fake Kubernetes API server: plain HTTP on 127.0.0.1, the paths and bodies
kubectl and the official clients use, backed by a :class:`ClusterState`.

It ships with cockpit (``cockpit demo`` serves it), so it behaves like a real
server where clients can tell: Status errors, chunked watch and log streams,
discovery, Tables. Fault hooks (latency, dropped streams, RBAC denials) let
tests and the demo show how cockpit copes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cockpit.scenario.httpserve import Gate, apply_gate
from cockpit.scenario.k8s.access import AccessRules
from cockpit.scenario.k8s.controller import reconcile
from cockpit.scenario.k8s.routing import Router
from cockpit.scenario.k8s.state import ClusterState


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: K8sApiServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.server.api.track(self.connection, True)

    def finish(self) -> None:
        self.server.api.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        api = self.server.api
        if api.latency_s:
            time.sleep(api.latency_s)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        fault = apply_gate(api.gate, self, path, query)
        if fault is not None:
            if fault[0]:
                self.send_json(fault[0], {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                          "message": fault[1], "reason": "InternalError",
                                          "code": fault[0]})
            return
        try:
            Router(api, self).dispatch(self.command, self.path, body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    do_GET = do_PATCH = do_DELETE = do_POST = do_PUT = _handle

    # --- writing helpers used by the router --------------------------------
    def send_body(self, code: int, data: bytes, content_type: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, code: int, obj: Any) -> None:
        self.send_body(code, json.dumps(obj, separators=(",", ":")).encode())

    def start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class K8sApiServer:
    """Serve ``state`` over HTTP; ``start()``, then point clients at ``url``."""

    def __init__(self, state: ClusterState, host: str = "127.0.0.1", port: int = 0,
                 controller: bool = True, reconcile_every_s: float = 0.1) -> None:
        self.state = state
        self.access = AccessRules()
        self.latency_s = 0.0
        self.gate: Gate | None = None  # injected faults (cockpit.scenario.faults)
        self._host, self._port = host, port
        self._controller, self._every = controller, reconcile_every_s
        self._httpd: _HttpServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._drop_epoch = 0

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def address(self) -> str:
        return f"{self._host}:{self.port}"

    def start(self) -> K8sApiServer:
        self._stopping.clear()
        if self._controller:
            reconcile(self.state)  # statuses are consistent from the first request
        self._httpd = _HttpServer((self._host, self._port), _Handler)
        self._httpd.api = self
        self._port = self._httpd.server_address[1]
        serve = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                 name="k8s-fake-http", daemon=True)
        self._threads = [serve]
        if self._controller:
            self._threads.append(threading.Thread(target=self._reconcile_loop,
                                                  name="k8s-fake-controller", daemon=True))
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut every open connection, as a crashed server would."""
        self._stopping.set()
        with self.state.changed:
            self.state.changed.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._cut_connections()
            self._httpd.server_close()
            self._httpd = None
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> K8sApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _reconcile_loop(self) -> None:
        while not self._stopping.wait(self._every):
            reconcile(self.state)

    # --- connections and fault hooks -----------------------------------------
    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._conn_lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    def _cut_connections(self) -> None:
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def drop_epoch(self) -> int:
        return self._drop_epoch

    def drop_streams(self, abrupt: bool = False) -> None:
        """End every open watch and log stream (cleanly, or by cutting the sockets)."""
        self._drop_epoch += 1
        with self.state.changed:
            self.state.changed.notify_all()
        if abrupt:
            self._cut_connections()

    def set_latency(self, seconds: float) -> None:
        self.latency_s = max(0.0, seconds)
