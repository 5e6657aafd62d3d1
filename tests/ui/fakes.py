"""Small in-test implementations of the source Protocols (our own interfaces).

They hand the app fixed, scripted data so a test can say exactly what the
engineer should see; none of them imitates a client library.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cockpit.config import Config
from cockpit.config.schema import (
    AlertmanagerConfig,
    KubernetesConfig,
    LogsConfig,
    PanelConfig,
    PrometheusConfig,
)
from cockpit.sources.base import (
    Alert,
    ClusterEvent,
    ClusterSnapshot,
    Deployment,
    HealthState,
    LogLine,
    PanelData,
    Pod,
    Revision,
    Series,
    SourceHealth,
    frozen_map,
)

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
NOW = T0 + timedelta(minutes=12, seconds=34)


def fixed_clock() -> datetime:
    return NOW


PANELS = [
    PanelConfig("error_ratio", "HTTP 5xx ratio", "q1", "ratio", 0.05),
    PanelConfig("latency_p99", "p99 latency", "q2", "s", 1.0),
    PanelConfig("request_rate", "Requests/s", "q3", "req/s"),
    PanelConfig("saturation", "CPU saturation", "q4", "ratio", 0.9),
]


def cockpit_config(buffer_lines: int = 10000, theme: str = "cockpit-dark") -> Config:
    from cockpit.config.schema import UIConfig

    return Config(
        prometheus=PrometheusConfig(url="http://prom.invalid", refresh_s=0.5, panels=PANELS),
        alertmanager=AlertmanagerConfig(url="http://am.invalid", refresh_s=0.5,
                                        resolve_grace_s=0),
        kubernetes=KubernetesConfig(namespace="shop", deployment="api-gateway", refresh_s=0.5),
        logs=LogsConfig(buffer_lines=buffer_lines),
        ui=UIConfig(theme=theme),
    )


def ok(name: str) -> SourceHealth:
    return SourceHealth(name, HealthState.OK, last_ok=NOW, checked_at=NOW)


def series(values: list[float], end: datetime = NOW, step: float = 15.0) -> Series:
    start = end.timestamp() - step * (len(values) - 1)
    return Series(frozen_map({"service": "api-gateway"}),
                  tuple((start + i * step, v) for i, v in enumerate(values)))


def panel(cfg: PanelConfig, values: list[float]) -> PanelData:
    s = series(values)
    return PanelData(cfg.name, cfg.title, cfg.query, cfg.unit, cfg.threshold, cfg.direction,
                     (s,), NOW.timestamp() - 900, NOW.timestamp(), 15.0, NOW)


CALM: dict[str, list[float]] = {
    "error_ratio": [0.002 + 0.001 * (i % 3) for i in range(60)],
    "latency_p99": [0.21 + 0.01 * (i % 5) for i in range(60)],
    "request_rate": [120 + (i % 7) for i in range(60)],
    "saturation": [0.4 + 0.01 * (i % 4) for i in range(60)],
}
SPIKE = [0.12, 0.18, 0.21, 0.24, 0.25, 0.26, 0.27, 0.26, 0.27, 0.28]
BREACH: dict[str, list[float]] = {**CALM, "error_ratio": [0.002] * 50 + SPIKE}


@dataclass
class ScriptedMetrics:
    """Returns the panels for whatever ``values`` currently holds; may be told to fail."""

    values: dict[str, list[float]] = field(default_factory=lambda: dict(CALM))
    fail: str = ""
    calls: int = 0
    windows: list[float] = field(default_factory=list)  # end - start of each query

    def query_panels(self, start: float, end: float, step: float) -> list[PanelData]:
        self.calls += 1
        self.windows.append(round(end - start))
        if self.fail:
            raise ConnectionError(self.fail)
        return [panel(cfg, self.values[cfg.name]) for cfg in PANELS if cfg.name in self.values]

    def health(self) -> SourceHealth:
        return ok("prometheus")


def alert(name: str = "HighErrorRate", state: str = "firing",
          summary: str = "5xx ratio above 5% for api-gateway") -> Alert:
    return Alert(fingerprint=f"fp-{name}", name=name, state=state, severity="critical",
                 labels=frozen_map({"alertname": name, "service": "api-gateway"}),
                 annotations=frozen_map({"summary": summary}),
                 starts_at=NOW - timedelta(minutes=4), ends_at=None)


@dataclass
class ScriptedAlerts:
    alerts: list[Alert] = field(default_factory=list)
    calls: int = 0

    async def fetch(self) -> list[Alert]:
        self.calls += 1
        return list(self.alerts)

    def health(self) -> SourceHealth:
        return ok("alertmanager")


def snapshot(revision: int = 3) -> ClusterSnapshot:
    images = {2: "registry/api-gateway:1.4.1", 3: "registry/api-gateway:1.4.2",
              4: "registry/api-gateway:1.5.0"}
    revisions = tuple(
        Revision("api-gateway", r, (images.get(r, f"registry/api-gateway:1.{r}"),),
                 f"deploy {images.get(r, r)}", T0 - timedelta(hours=5 - r), f"api-gateway-rs{r}", 3)
        for r in range(2, revision + 1))
    deployment = Deployment("api-gateway", "shop", 3, 3 if revision < 4 else 1, 3, 3, revision,
                            (images.get(revision, "x"),),
                            "complete" if revision < 4 else "progressing")
    pods = (
        Pod("api-gateway-7d9f-abcde", "shop", "Running", True, 0, "node-1", T0 - timedelta(hours=2),
            "api-gateway-rs3"),
        Pod("api-gateway-7d9f-fghij", "shop", "Running", revision < 4, 4 if revision >= 4 else 0,
            "node-2", T0 - timedelta(hours=2), "api-gateway-rs3",
            "CrashLoopBackOff" if revision >= 4 else "", "OOMKilled" if revision >= 4 else ""),
    )
    events = (ClusterEvent("e1", "shop", "Warning", "BackOff", "Pod/api-gateway-7d9f-fghij",
                           "Back-off restarting failed container", 7, T0,
                           NOW - timedelta(minutes=1)),
              ClusterEvent("e2", "shop", "Normal", "Pulled", "Pod/api-gateway-7d9f-abcde",
                           "image pulled", 1, T0, T0))
    return ClusterSnapshot("shop", (deployment,), {"api-gateway": revisions}, pods, events, NOW)


@dataclass
class ScriptedCluster:
    revision: int = 3
    calls: int = 0

    def snapshot(self) -> ClusterSnapshot:
        self.calls += 1
        return snapshot(self.revision)

    def health(self) -> SourceHealth:
        return ok("kubernetes")


class QueueLogs:
    """Yields whatever batches the test puts in; ends when stopped."""

    def __init__(self) -> None:
        self.batches: queue.Queue[list[LogLine] | None] = queue.Queue()

    def follow(self) -> Iterator[list[LogLine]]:
        while True:
            batch = self.batches.get()
            if batch is None:
                return
            yield batch

    def stop(self) -> None:
        self.batches.put(None)


def line(text: str, level: str = "info", pod: str = "api-gateway-7d9f-abcde",
         second: int = 0) -> LogLine:
    return LogLine(NOW - timedelta(seconds=60 - second), pod, text, level)
