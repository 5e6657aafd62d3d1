"""What the cluster looks like at one offset: the shapes the Kubernetes fake serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cockpit.scenario.model import Crash, Resources


@dataclass(frozen=True)
class RevisionState:
    revision: int  # the number this ReplicaSet carries at that offset
    image: str
    change_cause: str
    created: float  # when its ReplicaSet was created
    pod_template_hash: str
    replicaset: str  # "<deployment>-<hash>"
    env: Mapping[str, str]
    resources: Resources
    crash: Crash | None = None
    restarted_at: float | None = None  # set for a `rollout restart` template


@dataclass(frozen=True)
class DeploymentState:
    name: str
    namespace: str
    replicas: int
    revision: int  # the current revision number
    selector: Mapping[str, str]
    container: str
    image: str
    resources: Resources
    revisions: tuple[RevisionState, ...]  # oldest first
    ready_replicas: int
    updated_replicas: int
    available_replicas: int
    progress_deadline_exceeded: bool
    created: float

    @property
    def current(self) -> RevisionState:
        return next(r for r in self.revisions if r.revision == self.revision)


@dataclass(frozen=True)
class PodState:
    name: str
    namespace: str
    deployment: str
    revision: int
    pod_template_hash: str
    phase: str  # Pending | Running
    ready: bool
    restarts: int
    waiting_reason: str | None  # ContainerCreating | CrashLoopBackOff
    last_termination_reason: str | None  # OOMKilled | Error
    last_exit_code: int | None
    node: str
    created: float
    container: str
    image: str
    container_started: float | None  # start of the running container, if running
    labels: Mapping[str, str]


@dataclass(frozen=True)
class EventState:
    offset: float  # last occurrence <= until
    first_offset: float
    type: str  # Normal | Warning
    reason: str
    kind: str
    name: str
    message: str
    count: int
