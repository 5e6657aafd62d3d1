"""The contracts every source keeps: immutable DTOs, health, small Protocols.

Sources return these DTOs and never raise into the UI: a failure becomes a
:class:`SourceHealth` with the reason, and the last good data is kept (stale).
Timestamps are timezone-aware UTC datetimes.

The DTOs are frozen msgspec structs, not frozen dataclasses: this module loads
before the first frame, and Python 3.11 compiles six methods with ``exec`` for each
frozen dataclass (~2 ms a class on the bench machine, 20 ms for these nine); a
struct class is made in C. Changed copies come from ``msgspec.structs.replace``.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple, Protocol, runtime_checkable

from msgspec import Struct, field


def frozen_map(data: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(data or {}))


class HealthState(enum.StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"
    DISABLED = "disabled"


class SourceHealth(Struct, frozen=True):
    """How a source is doing: what failed, why, and when it last worked."""

    source: str  # "prometheus", "alertmanager", "kubernetes", "logs", "llm"
    state: HealthState
    address: str = ""
    last_error: str = ""
    last_ok: datetime | None = None
    checked_at: datetime | None = None


# --- metrics ---------------------------------------------------------------


class Series(Struct, frozen=True):
    """One labelled time series: (unix seconds, value) points, oldest first."""

    labels: Mapping[str, str]
    points: tuple[tuple[float, float], ...]

    @property
    def last(self) -> float | None:
        return self.points[-1][1] if self.points else None


class PanelData(Struct, frozen=True):
    """The result of one configured panel's query over a window."""

    name: str
    title: str
    query: str
    unit: str
    threshold: float | None
    direction: str
    series: tuple[Series, ...]
    start: float
    end: float
    step: float
    fetched_at: datetime
    error: str = ""


class MetricSource(Protocol):
    def query_panels(self, start: float, end: float, step: float) -> list[PanelData]: ...

    def health(self) -> SourceHealth: ...


# --- alerts ----------------------------------------------------------------


class Alert(Struct, frozen=True):
    fingerprint: str
    name: str
    state: str  # "firing" | "resolved" | "suppressed"
    severity: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    receivers: tuple[str, ...] = ()
    generator_url: str = ""

    @property
    def summary(self) -> str:
        return self.annotations.get("summary") or self.annotations.get("description") or self.name


class AlertSource(Protocol):
    async def fetch(self) -> list[Alert]: ...

    def health(self) -> SourceHealth: ...


# --- cluster ---------------------------------------------------------------


class Revision(Struct, frozen=True):
    """A deployment revision as its ReplicaSet records it."""

    deployment: str
    revision: int
    images: tuple[str, ...]
    change_cause: str
    created: datetime
    replicaset: str
    replicas: int = 0


class Deployment(Struct, frozen=True):
    name: str
    namespace: str
    replicas: int
    ready: int
    updated: int
    available: int
    revision: int
    images: tuple[str, ...]
    rollout_status: str  # "complete" | "progressing" | "failed" | "paused"
    resource_version: str = ""
    selector: Mapping[str, str] = field(default_factory=frozen_map)


class Pod(Struct, frozen=True):
    name: str
    namespace: str
    phase: str
    ready: bool
    restarts: int
    node: str
    created: datetime
    owner: str = ""  # ReplicaSet name
    reason: str = ""  # current waiting reason, e.g. CrashLoopBackOff
    last_termination_reason: str = ""  # e.g. OOMKilled
    containers: tuple[str, ...] = ()


class ClusterEvent(Struct, frozen=True):
    uid: str
    namespace: str
    type: str  # "Normal" | "Warning"
    reason: str
    object: str  # "Pod/api-gateway-7d9f-abcde"
    message: str
    count: int
    first_seen: datetime
    last_seen: datetime


class ClusterSnapshot(Struct, frozen=True):
    namespace: str
    deployments: tuple[Deployment, ...]
    revisions: Mapping[str, tuple[Revision, ...]]  # deployment name -> newest last
    pods: tuple[Pod, ...]
    events: tuple[ClusterEvent, ...]
    fetched_at: datetime
    #: what the view leaves out, in words for the engineer: "showing 1000 of 5000 pods (capped)"
    notes: tuple[str, ...] = ()


class ClusterSource(Protocol):
    def snapshot(self) -> ClusterSnapshot: ...

    def health(self) -> SourceHealth: ...


# --- logs ------------------------------------------------------------------


class LogLine(NamedTuple):
    """One log line, tagged with where it came from and its level.

    A named tuple, not a frozen dataclass: every line of a flood is built twice
    (reader, then ingest), and a frozen dataclass costs three times as much to build.
    """

    ts: datetime
    source: str  # pod name, file path or command
    text: str
    level: str = ""  # "error" | "warn" | "info" | "debug" | ""
    container: str = ""
    truncated: bool = False


class LogSource(Protocol):
    def follow(self) -> Iterator[list[LogLine]]:
        """Batches of lines as they arrive (blocking; run in a thread worker)."""
        ...

    def stop(self) -> None: ...


# --- LLM -------------------------------------------------------------------


@runtime_checkable
class Advisor(Protocol):
    def stream(self, messages: list[dict[str, str]]) -> AsyncIterator[str]:
        """Text chunks of the answer as they arrive."""
        ...
