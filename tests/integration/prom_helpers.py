"""A tiny live exporter and config helpers for the Prometheus/Alertmanager tests.

The exporter is a real HTTP server on 127.0.0.1 serving /metrics in the text
exposition format; a switch turns on a burst of 5xx responses so a panel
has something to show.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cockpit.config.schema import PanelConfig, PrometheusConfig

SEL = '{service="{service}",namespace="{namespace}"}'
SEL_5XX = '{service="{service}",namespace="{namespace}",code=~"5.."}'
PANELS = [
    PanelConfig("errors", "5xx/s", f"sum(rate(http_requests_total{SEL_5XX}[5s]))", "req/s", 1.0),
    PanelConfig("requests", "Requests/s", f"sum(rate(http_requests_total{SEL}[5s]))", "req/s"),
    PanelConfig("broken", "Broken", "sum(rate(http_requests_total[1m]", ""),
]


class Exporter:
    """Counters that grow with wall time: 50 req/s of 200s, plus 20 req/s of 500s when spiking."""

    def __init__(self) -> None:
        self.spike = False
        self.ok_total = 0.0
        self.err_total = 0.0
        self._last = time.monotonic()
        self._lock = threading.Lock()
        self.port = 0

    def render(self) -> bytes:
        with self._lock:
            now = time.monotonic()
            elapsed, self._last = now - self._last, now
            self.ok_total += 50 * elapsed
            if self.spike:
                self.err_total += 20 * elapsed
            sel = 'service="api",namespace="prod"'
            lines = [
                "# TYPE http_requests_total counter",
                f'http_requests_total{{{sel},code="200"}} {self.ok_total}',
                f'http_requests_total{{{sel},code="500"}} {self.err_total}',
            ]
        return ("\n".join(lines) + "\n").encode()


@contextmanager
def running_exporter() -> Iterator[Exporter]:
    exporter = Exporter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = exporter.render()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    exporter.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield exporter
    finally:
        server.shutdown()
        server.server_close()


def prometheus_yaml(scrape_port: int | None = None, alertmanager_port: int | None = None,
                    rules: bool = False) -> str:
    text = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
    if rules:
        text += "rule_files:\n  - rules.yml\n"
    if alertmanager_port:
        text += ("alerting:\n  alertmanagers:\n    - static_configs:\n"
                 f"        - targets: ['127.0.0.1:{alertmanager_port}']\n")
    if scrape_port:
        text += ("scrape_configs:\n  - job_name: app\n    static_configs:\n"
                 f"      - targets: ['127.0.0.1:{scrape_port}']\n")
    return text


def prom_config(url: str, panels: list[PanelConfig] | None = None,
                timeout_s: float = 3.0) -> PrometheusConfig:
    return PrometheusConfig(url=url, timeout_s=timeout_s, refresh_s=1.0,
                            panels=panels if panels is not None else PANELS)


def wait_for(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.2) -> object:
    """Poll ``check`` until it returns something truthy; at the deadline, fail."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
