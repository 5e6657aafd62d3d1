"""Real sources from the config, built lazily so the first frame never waits on them.

Each wrapper constructs its client on first use, which happens in a worker
after the first frame (importing kubernetes costs ~0.7 s, prometheus-api-client
~0.3 s). Until then it reports "starting" health.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any, Generic, TypeVar

from cockpit.config import Config, PanelConfig
from cockpit.config.schema import AlertmanagerConfig, KubernetesConfig, LogsConfig
from cockpit.sources.base import (
    Alert,
    ClusterSnapshot,
    HealthState,
    LogLine,
    PanelData,
    SourceHealth,
)
from cockpit.sources.k8s_available import kubeconfig_available
from cockpit.ui.sources import SourceSet

T = TypeVar("T")


class _Lazy(Generic[T]):
    def __init__(self, name: str, factory: Callable[[], T], *, spawnable: bool = False) -> None:
        self.name = name
        self._factory = factory
        #: for a picklable factory (a module-level function and plain config): the log
        #: process builds the source from it and follows or polls it there
        self.spawn_factory: Callable[[], T] | None = factory if spawnable else None
        self._obj: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            if self._obj is None:
                self._obj = self._factory()
            return self._obj

    def health(self) -> SourceHealth:
        obj = self._obj
        if obj is None:
            return SourceHealth(self.name, HealthState.DEGRADED, last_error="starting")
        result: SourceHealth = obj.health()  # type: ignore[attr-defined]
        return result


class LazyMetrics(_Lazy[Any]):
    def __init__(self, name: str, factory: Callable[[], Any], panels: list[PanelConfig]) -> None:
        super().__init__(name, factory)
        self.panels = panels  # templated, as the source will query them

    def query_panels(self, start: float, end: float, step: float) -> list[PanelData]:
        result: list[PanelData] = self.get().query_panels(start, end, step)
        return result

    def query(self, expr: str) -> Any:
        """An instant query (remediation verifies against it)."""
        return self.get().query(expr)


class LazyCluster(_Lazy[Any]):
    def snapshot(self) -> ClusterSnapshot:
        result: ClusterSnapshot = self.get().snapshot()
        return result


class LazyAlerts(_Lazy[Any]):
    async def fetch(self) -> list[Alert]:
        result: list[Alert] = await self.get().fetch()
        return result


class LazyLogs(_Lazy[Any]):
    """A log source built on first use (its factory always picklable: see below)."""

    def __init__(self, name: str, factory: Callable[[], Any]) -> None:
        super().__init__(name, factory, spawnable=True)
        self._stopped = False

    def follow(self) -> Iterator[list[LogLine]]:
        if self._stopped:
            return iter(())
        follow: Iterator[list[LogLine]] = self.get().follow()
        return follow

    def stop(self) -> None:
        self._stopped = True
        if self._obj is not None:
            self._obj.stop()


def build_sources(config: Config, clock: Callable[[], datetime] | None = None) -> SourceSet:
    """A :class:`SourceSet` for every source the config enables."""
    unix: Callable[[], float] = (lambda: clock().timestamp()) if clock else time.time
    service = config.kubernetes.deployment or config.incident.service
    namespace = config.kubernetes.namespace
    sources = SourceSet()
    if config.prometheus.url:
        def prometheus() -> Any:
            from cockpit.sources.prometheus import PrometheusSource

            return PrometheusSource(config.prometheus, config.incident.service, namespace,
                                    clock=unix)

        from cockpit.sources.panels import render_panels

        sources.metrics = LazyMetrics("prometheus", prometheus, render_panels(
            config.prometheus.panels, config.incident.service, namespace))
    if config.alertmanager.url:
        # on the wall clock, the log process can poll it (a scenario's clock stays here)
        sources.alerts = LazyAlerts("alertmanager", partial(
            alertmanager_source, config.alertmanager, unix if clock else None),
            spawnable=clock is None)
    if kubeconfig_available(config.kubernetes):
        sources.cluster = LazyCluster("kubernetes", partial(kubernetes_source, config.kubernetes),
                                      spawnable=True)
        if service or config.kubernetes.selector:
            sources.logs.append(LazyLogs("logs", partial(
                pod_log_follower, config.kubernetes, service, config.logs)))
    if config.logs.files:
        sources.logs.append(LazyLogs("logs", partial(file_follower, config.logs)))
    if config.logs.command:
        sources.logs.append(LazyLogs("logs", partial(command_follower, config.logs)))
    return sources


# Module-level factories: pickled into the log process, which builds the source there.

def alertmanager_source(alertmanager: AlertmanagerConfig,
                        clock: Callable[[], float] | None) -> Any:
    from cockpit.sources.alertmanager import AlertmanagerSource

    return AlertmanagerSource(alertmanager, clock=clock or time.time)


def kubernetes_source(kubernetes: KubernetesConfig) -> Any:
    from cockpit.sources.kubernetes import KubernetesSource

    return KubernetesSource(kubernetes)


def pod_log_follower(kubernetes: KubernetesConfig, service: str, logs: LogsConfig) -> Any:
    from cockpit.sources.k8s_logs import PodLogFollower

    return PodLogFollower(kubernetes, deployment=service, max_streams=logs.max_streams,
                          tail_lines=logs.tail_lines)


def file_follower(logs: LogsConfig) -> Any:
    from cockpit.sources.logs.files import FileFollower

    return FileFollower(logs.files, tail_lines=logs.tail_lines,
                        max_line_length=logs.max_line_length)


def command_follower(logs: LogsConfig) -> Any:
    from cockpit.sources.logs.command import CommandFollower

    return CommandFollower(logs.command, max_line_length=logs.max_line_length)
