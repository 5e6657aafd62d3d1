"""Gather the analyzer's inputs through the real sources, once (``cockpit analyze``).

The screen already holds panels, the cluster snapshot and alerts; a one-shot analysis
from the command line fetches them the same way (same clients, same DTOs), plus a
window of every pod's logs mined into templates and the ReplicaSets' pod templates.
Each part that fails is named in ``problems`` and left empty: the analyzer works on
what it has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cockpit.analysis.evidence import AnalysisInputs
from cockpit.analysis.pattern_snapshot import PatternSnapshot
from cockpit.analysis.patterns import PatternMiner
from cockpit.analysis.revision_diff import fetch_templates
from cockpit.config.schema import Config, KubernetesConfig
from cockpit.sources.base import Alert, ClusterSnapshot, PanelData

METRIC_WINDOW_S = 3600.0
METRIC_STEP_S = 15.0
LOG_WINDOW_S = 600.0
MAX_LOG_BYTES = 8_000_000  # per pod: a runaway pod must not stall the analysis


@dataclass
class Collected:
    inputs: AnalysisInputs
    problems: list[str] = field(default_factory=list)
    log_lines: int = 0


def _panels(config: Config, service: str, namespace: str, now: float,
            problems: list[str]) -> tuple[PanelData, ...]:
    if not config.prometheus.url:
        problems.append("prometheus: not configured (no metrics)")
        return ()
    from cockpit.sources.prometheus import PrometheusSource

    source = PrometheusSource(config.prometheus, service, namespace, clock=lambda: now)
    try:
        panels = source.query_panels(now - METRIC_WINDOW_S, now, METRIC_STEP_S)
    finally:
        source.close()
    problems.extend(f"prometheus: panel {p.name}: {p.error}" for p in panels if p.error)
    return tuple(panels)


def _alerts(config: Config, now: float, problems: list[str]) -> tuple[Alert, ...]:
    if not config.alertmanager.url:
        problems.append("alertmanager: not configured (no alerts)")
        return ()
    from cockpit.sources.alertmanager import AlertmanagerSource

    source = AlertmanagerSource(config.alertmanager, clock=lambda: now)
    alerts = asyncio.run(source.fetch())
    health = source.health()
    if health.last_error:
        problems.append(f"alertmanager: {health.last_error}")
    return tuple(alerts)


def _snapshot(cfg: KubernetesConfig, problems: list[str]) -> ClusterSnapshot | None:
    from cockpit.sources.kubernetes import KubernetesSource

    source = KubernetesSource(cfg)
    try:
        snap = source.snapshot()
    finally:
        source.close()
    if source.health().last_error:
        problems.append(f"kubernetes: {source.health().last_error}")
    return snap if snap.deployments or snap.pods else None


def pod_logs(api: Any, cfg: KubernetesConfig, pod: str, *, since_s: float,
             previous: bool = False) -> list[tuple[datetime, str]]:
    """One pod's log lines of the last ``since_s`` seconds, through the pod-log API."""
    from cockpit.sources import k8s_client
    from cockpit.sources.k8s_logs import parse_log_line

    query: list[tuple[str, Any]] = [("timestamps", "true"), ("limitBytes", MAX_LOG_BYTES)]
    query.append(("previous", "true") if previous else ("sinceSeconds", int(since_s)))
    resp = k8s_client.open_stream(api, f"/api/v1/namespaces/{cfg.namespace}/pods/{pod}/log",
                                  query, timeout=cfg.timeout_s, accept="text/plain")
    try:
        text = resp.data.decode("utf-8", "replace")
    finally:
        resp.release_conn()
    return [parse_log_line(raw) for raw in text.splitlines() if raw]


def mine_pod_logs(cfg: KubernetesConfig, snapshot: ClusterSnapshot, since_s: float,
                  problems: list[str]) -> tuple[PatternSnapshot | None, int]:
    """Every pod's recent lines (the previous run's for a waiting container), mined."""
    from cockpit.sources import k8s_client
    from cockpit.sources.logs.levels import detect_level

    try:
        api = k8s_client.make_api_client(cfg)
    except Exception as exc:  # no logs, the rest still works
        problems.append(f"logs: {exc}")
        return None, 0
    miner = PatternMiner()
    lines = 0
    try:
        for pod in sorted(snapshot.pods, key=lambda p: p.name):
            waiting = bool(pod.reason) and not pod.ready
            try:
                got = pod_logs(api, cfg, pod.name, since_s=since_s,
                               previous=waiting and pod.restarts > 0)
            except Exception as exc:  # one pod's logs missing is not fatal
                problems.append(f"logs of {pod.name}: {type(exc).__name__}")
                continue
            miner.add_rows([(ts.timestamp(), pod.name, text, detect_level(text))
                            for ts, text in got])
            lines += len(got)
    finally:
        api.close()
    return (miner.snapshot() if lines else None), lines


def collect(config: Config, now: Callable[[], float], *, service: str = "",
            log_window_s: float = LOG_WINDOW_S) -> Collected:
    """The analyzer's inputs from the configured sources at ``now()`` (unix seconds)."""
    problems: list[str] = []
    kube = config.kubernetes
    service = service or kube.deployment or config.incident.service
    at = now()
    panels = _panels(config, service, kube.namespace, at, problems)
    alerts = _alerts(config, at, problems)
    snapshot = templates = None
    patterns, lines = None, 0
    if kube.enabled:
        snapshot = _snapshot(kube, problems)
        templates, why = fetch_templates(kube)
        if why:
            problems.append(f"kubernetes: {why}")
        if snapshot is not None:
            patterns, lines = mine_pod_logs(kube, snapshot, log_window_s, problems)
    else:
        problems.append("kubernetes: not configured (no cluster state, no logs)")
    inputs = AnalysisInputs(datetime.fromtimestamp(at, UTC), service, panels, snapshot,
                            alerts, patterns, templates or {})
    return Collected(inputs, problems, lines)
