"""A scenario as immutable data: what the file says, with every time an offset in seconds.

The loader builds these from YAML; :class:`~cockpit.scenario.world.ScenarioWorld` turns
them into metrics, pods, events and logs. Nothing here computes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

CAUSES = ("bad-deploy", "config-change", "resource-limit", "dependency-outage", "capacity",
          "node-failure")
REMEDIES = ("rollback", "restart", "scale", "none", "escalate")
ACTIONS = ("rollback", "restart", "scale")


def frozen(data: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Signal:
    """A curve: ``baseline`` until the first keyframe, then straight lines between keyframes.

    The keyframes are the incident; a recovering action blends the curve back to the
    baseline. ``external`` curves (traffic) ignore actions. ``noise`` is relative.
    """

    baseline: float
    keyframes: tuple[tuple[float, float], ...] = ()
    noise: float = 0.0
    external: bool = False
    maximum: float | None = None


@dataclass(frozen=True)
class Resources:
    cpu_request: float = 0.25
    cpu_limit: float = 1.0
    memory_request: float = 256 * 1024**2
    memory_limit: float = 1024**3


@dataclass(frozen=True)
class Crash:
    """How containers of a revision die: ``after`` seconds of running, then ``reason``."""

    reason: str  # OOMKilled, Error
    after: float
    exit_code: int = 1
    log: tuple[str, ...] = ()

    @property
    def blocks_rollout(self) -> bool:
        """Containers dying within 30 s never become available: the rollout gets stuck."""
        return self.after < 30.0


@dataclass(frozen=True)
class RevisionSpec:
    revision: int
    at: float
    image: str
    change_cause: str = ""
    env: Mapping[str, str] = field(default_factory=frozen)
    resources: Resources = field(default_factory=Resources)
    crash: Crash | None = None


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    replicas: int
    container: str
    selector: Mapping[str, str]
    revisions: tuple[RevisionSpec, ...]
    cpu: Signal  # cores used by the whole deployment, shared by its serving pods
    memory: Signal  # working-set bytes of one pod


@dataclass(frozen=True)
class ServiceSpec:
    """An HTTP service served by a deployment's pods: traffic, errors, latency."""

    name: str
    deployment: str
    request_rate: Signal  # requests/s across all pods
    error_ratio: Signal  # fraction of requests answered with ``error_code``
    latency_p50: Signal  # seconds
    latency_p99: Signal  # seconds
    error_code: str = "500"


@dataclass(frozen=True)
class SeriesSpec:
    """An extra metric: per pod of ``deployment`` (adds namespace/pod/container) or alone."""

    name: str
    kind: str  # gauge | counter (value is then the rate per second)
    labels: Mapping[str, str]
    value: Signal
    deployment: str | None = None
    help: str = ""


@dataclass(frozen=True)
class LogTemplate:
    template: str
    weight: float = 1.0


@dataclass(frozen=True)
class LogStream:
    """Lines of one template at a rate (lines/s across all serving pods of the deployment)."""

    template: str
    rate: Signal
    stack: str | None = None  # java | go | python
    stack_every: int = 1


@dataclass(frozen=True)
class LogSpec:
    deployment: str
    rate: float  # normal lines per second per pod
    normal: tuple[LogTemplate, ...]
    startup: tuple[str, ...] = ()
    streams: tuple[LogStream, ...] = ()


@dataclass(frozen=True)
class AlertRule:
    name: str
    expr: str
    for_s: float
    labels: Mapping[str, str] = field(default_factory=frozen)
    annotations: Mapping[str, str] = field(default_factory=frozen)


@dataclass(frozen=True)
class EventSpec:
    """A Kubernetes event the file states outright (the world adds rollout/pod events)."""

    at: float
    type: str
    reason: str
    kind: str
    name: str
    message: str
    count: int = 1
    every: float = 60.0  # seconds between repeats when count > 1


@dataclass(frozen=True)
class Reaction:
    """How the incident curves answer an action on a deployment.

    ``recover_within``: the incident blends back to baseline over that long (None: no
    change). ``relapse_after``: the incident comes back that long after the action.
    ``to_revision`` / ``min_replicas`` narrow which rollbacks / scales match.
    """

    action: str
    deployment: str
    recover_within: float | None = None
    relapse_after: float | None = None
    to_revision: int | None = None
    min_replicas: int | None = None


@dataclass(frozen=True)
class Truth:
    cause: str
    culprit: str
    remedy: str
    summary: str = ""


@dataclass(frozen=True)
class Fault:
    """``"prometheus:down@5m-8m"``: a component misbehaving; kept for the simulator."""

    text: str
    component: str
    kind: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    namespace: str
    origin: datetime
    duration: float
    demo_start: float
    seed: int
    scrape_interval: float
    nodes: tuple[str, ...]
    deployments: tuple[DeploymentSpec, ...]
    services: tuple[ServiceSpec, ...]
    series: tuple[SeriesSpec, ...]
    logs: tuple[LogSpec, ...]
    alerts: tuple[AlertRule, ...]
    events: tuple[EventSpec, ...]
    reactions: tuple[Reaction, ...]
    truth: Truth
    faults: tuple[Fault, ...] = ()
    path: Path | None = None

    def deployment(self, name: str) -> DeploymentSpec:
        for spec in self.deployments:
            if spec.name == name:
                return spec
        raise KeyError(f"scenario {self.name!r} has no deployment {name!r}")
