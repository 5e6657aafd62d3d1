"""A real HTTP server on 127.0.0.1 whose answers a test scripts (5xx, garbage, slowness)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    status: int = 200
    body: bytes = b"{}"
    delay_s: float = 0.0
    content_type: str = "application/json"
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


@contextmanager
def loopback() -> Iterator[Script]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            script.seen_headers.append(dict(self.headers))
            time.sleep(script.delay_s)
            self.send_response(script.status)
            self.send_header("Content-Type", script.content_type)
            self.send_header("Content-Length", str(len(script.body)))
            self.end_headers()
            with suppress(OSError):
                self.wfile.write(script.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
