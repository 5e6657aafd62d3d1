"""The cluster's history: ReplicaSets, pods and events, replayed from revisions and actions.

Rollouts follow Kubernetes' rules closely enough for an engineer to trust what kubectl
shows: a rollback reuses the old ReplicaSet and bumps its revision number, a restart
makes a new template, a crashing template gets stuck after the surge pods.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from dataclasses import dataclass, field

from cockpit.scenario.model import Crash, DeploymentSpec, RevisionSpec, Scenario
from cockpit.scenario.noise import k8s_suffix

READY_AFTER = 5.0  # seconds from pod creation to ready
START_AFTER = 2.0  # seconds from pod creation to container start
CREATE_STAGGER = 8.0
TERMINATE_AFTER = 12.0
PROGRESS_DEADLINE = 600.0


@dataclass(frozen=True)
class Action:
    kind: str  # rollback | restart | scale
    deployment: str
    offset: float
    to_revision: int | None = None
    replicas: int | None = None


@dataclass
class ReplicaSetRecord:
    deployment: str
    spec: RevisionSpec  # the template (its revision field is the first number only)
    pod_template_hash: str
    created: float
    numbers: list[tuple[float, int]]  # (since, revision number)
    restarted_at: float | None = None

    @property
    def name(self) -> str:
        return f"{self.deployment}-{self.pod_template_hash}"

    def number_at(self, t: float) -> int | None:
        current = None
        for since, number in self.numbers:
            if since <= t:
                current = number
        return current


@dataclass
class PodRecord:
    name: str
    deployment: str
    rs: ReplicaSetRecord
    created: float
    node: str
    deleted: float = math.inf
    runs: list[tuple[float, float]] = field(default_factory=list)  # (start, death)

    @property
    def crash(self) -> Crash | None:
        return self.rs.spec.crash

    @property
    def serving(self) -> tuple[float, float] | None:
        """When the pod takes traffic; pods stuck crashing never do."""
        if self.crash is not None and self.crash.blocks_rollout:
            return None
        return (self.created + READY_AFTER, self.deleted)

    def alive(self, t: float) -> bool:
        return self.created <= t < self.deleted

    def run_index(self, t: float) -> int:
        """Index of the last container run started at or before ``t`` (-1: none yet)."""
        return bisect_right([s for s, _ in self.runs], t) - 1


@dataclass
class Activation:
    offset: float
    rs: ReplicaSetRecord
    stuck: bool


class ClusterHistory:
    """Everything that happened to the scenario's deployments, given the applied actions."""

    def __init__(self, scenario: Scenario, actions: list[Action]) -> None:
        self.scenario = scenario
        self.horizon = scenario.duration + 3600.0
        self.replicasets: dict[str, list[ReplicaSetRecord]] = {}
        self.activations: dict[str, list[Activation]] = {}
        self.replicas: dict[str, list[tuple[float, int]]] = {}
        self.pods: list[PodRecord] = []
        self.occurrences: dict[tuple[str, str, str, str, str], list[float]] = {}
        for spec in scenario.deployments:
            mine = [a for a in actions if a.deployment == spec.name]
            self._replay(spec, mine)
        for ev in scenario.events:
            key = (ev.type, ev.reason, ev.kind, ev.name, ev.message)
            self.occurrences.setdefault(key, []).extend(
                ev.at + i * ev.every for i in range(ev.count))
        self.drop_superseded_deadlines()
        for times in self.occurrences.values():
            times.sort()

    # --- building -----------------------------------------------------------------

    def _template_hash(self, spec: DeploymentSpec, rev: RevisionSpec, nonce: str) -> str:
        body = f"{spec.name}|{rev.image}|{sorted(rev.env.items())}|{rev.resources}|{nonce}"
        return k8s_suffix(self.scenario.seed, hashlib.sha1(body.encode()).hexdigest(), 10)

    def _event(self, t: float, type_: str, reason: str, kind: str, name: str, msg: str) -> None:
        self.occurrences.setdefault((type_, reason, kind, name, msg), []).append(t)

    def _replay(self, spec: DeploymentSpec, actions: list[Action]) -> None:
        rss: list[ReplicaSetRecord] = []
        acts: list[Activation] = []
        replicas: list[tuple[float, int]] = [(-math.inf, spec.replicas)]
        self.replicasets[spec.name], self.activations[spec.name] = rss, acts
        self.replicas[spec.name] = replicas
        ops: list[tuple[float, int, object]] = [(r.at, 0, r) for r in spec.revisions]
        ops += [(a.offset, 1, a) for a in actions]
        ops.sort(key=lambda op: (op[0], op[1]))
        for t, _, op in ops:
            top = max((n for rs in rss for _, n in rs.numbers), default=0)
            if isinstance(op, RevisionSpec):
                rs = ReplicaSetRecord(spec.name, op, self._template_hash(spec, op, ""), t,
                                      [(t, max(op.revision, top + 1))])
                rss.append(rs)
                self._activate(spec, rs, t, replicas[-1][1])
                continue
            assert isinstance(op, Action)
            if op.kind == "scale":
                assert op.replicas is not None
                replicas.append((t, op.replicas))
                self._scale(spec, t, op.replicas)
            elif op.kind == "restart":
                base = acts[-1].rs
                rs = ReplicaSetRecord(spec.name, base.spec,
                                      self._template_hash(spec, base.spec, f"restart@{t}"), t,
                                      [(t, top + 1)], restarted_at=t)
                rss.append(rs)
                self._activate(spec, rs, t, replicas[-1][1])
            elif op.kind == "rollback":
                target = self.rollback_target(spec.name, t, op.to_revision)
                if target is acts[-1].rs:
                    continue
                target.numbers.append((t, top + 1))
                self._activate(spec, target, t, replicas[-1][1])

    def rollback_target(self, name: str, t: float, to_revision: int | None) -> ReplicaSetRecord:
        """The ReplicaSet a rollback at ``t`` goes to; ValueError when there is none."""
        numbered = [(rs.number_at(t), rs) for rs in self.replicasets.get(name, [])]
        live = sorted(((n, rs) for n, rs in numbered if n is not None), key=lambda p: p[0])
        if to_revision is None:
            if len(live) < 2:
                raise ValueError(f"deployment {name} has no previous revision to roll back to")
            return live[-2][1]
        for number, rs in live:
            if number == to_revision:
                return rs
        have = ", ".join(str(n) for n, _ in live)
        raise ValueError(f"deployment {name} has no revision {to_revision} (has {have})")

    def _new_pod(self, spec: DeploymentSpec, rs: ReplicaSetRecord, t: float) -> PodRecord:
        index = sum(1 for p in self.pods if p.rs is rs)
        suffix = k8s_suffix(self.scenario.seed, f"{rs.name}|{index}|{t}", 5)
        name = f"{rs.name}-{suffix}"
        nodes = self.scenario.nodes
        node = nodes[int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(nodes)]
        pod = PodRecord(name, spec.name, rs, t, node)
        self.pods.append(pod)
        for reason, msg in (
            ("Scheduled", f"Successfully assigned {self.scenario.namespace}/{name} to {node}"),
            ("Pulled", f'Container image "{rs.spec.image}" already present on machine'),
            ("Created", f"Created container {spec.container}"),
            ("Started", f"Started container {spec.container}"),
        ):
            self._event(t + (0.0 if reason == "Scheduled" else START_AFTER), "Normal", reason,
                        "Pod", name, msg)
        self._plan_runs(spec, pod)
        return pod

    def _plan_runs(self, spec: DeploymentSpec, pod: PodRecord) -> None:
        start, crash = pod.created + START_AFTER, pod.crash
        if crash is None:
            pod.runs = [(start, math.inf)]
            return
        runs: list[tuple[float, float]] = []
        while start < min(pod.deleted, self.horizon):
            death = start + crash.after
            runs.append((start, death))
            backoff = min(300.0, 10.0 * 2 ** (len(runs) - 1))
            if death < pod.deleted:
                self._event(death, "Warning", "BackOff", "Pod", pod.name,
                            f"Back-off restarting failed container {spec.container} in pod "
                            f"{pod.name}_{self.scenario.namespace}")
            start = death + backoff
        pod.runs = runs

    def _delete(self, spec: DeploymentSpec, pod: PodRecord, t: float) -> None:
        pod.deleted = t
        pod.runs = [(s, d) for s, d in pod.runs if s < t]
        if pod.crash is not None:
            key_prefix = ("Warning", "BackOff", "Pod", pod.name)
            for key, times in self.occurrences.items():
                if key[:4] == key_prefix:
                    times[:] = [x for x in times if x < t]
        self._event(t, "Normal", "Killing", "Pod", pod.name,
                    f"Stopping container {spec.container}")

    def _alive_pods(self, name: str, t: float) -> list[PodRecord]:
        return [p for p in self.pods if p.deployment == name and p.deleted > t]

    def _activate(self, spec: DeploymentSpec, rs: ReplicaSetRecord, t: float, want: int) -> None:
        acts = self.activations[spec.name]
        alive = self._alive_pods(spec.name, t)
        kept = [p for p in alive if p.rs is rs]
        old = [p for p in alive if p.rs is not rs]
        crash = rs.spec.crash
        stuck = bool(crash and crash.blocks_rollout and old)
        acts.append(Activation(t, rs, stuck))
        if stuck:
            surge, unavailable = max(1, math.ceil(want * 0.25)), math.floor(want * 0.25)
            count = max(0, surge + unavailable - len(kept))
            old_scale_down = old[len(old) - unavailable:] if unavailable else []
        else:
            count = max(0, want - len(kept))
            old_scale_down = old
        if count:
            self._event(t, "Normal", "ScalingReplicaSet", "Deployment", spec.name,
                        f"Scaled up replica set {rs.name} to {len(kept) + count}")
        for i in range(count):
            self._new_pod(spec, rs, t + i * CREATE_STAGGER)
        for i, pod in enumerate(old_scale_down):
            self._delete(spec, pod, t + min(i, max(count - 1, 0)) * CREATE_STAGGER
                         + TERMINATE_AFTER)
        for other in {p.rs.name: p.rs for p in old_scale_down}.values():
            left = sum(1 for p in old if p.rs is other and p not in old_scale_down)
            self._event(t + TERMINATE_AFTER, "Normal", "ScalingReplicaSet", "Deployment",
                        spec.name, f"Scaled down replica set {other.name} to {left}")
        if stuck:
            self._event(t + PROGRESS_DEADLINE, "Warning", "ProgressDeadlineExceeded",
                        "Deployment", spec.name,
                        f'ReplicaSet "{rs.name}" has timed out progressing.')

    def _scale(self, spec: DeploymentSpec, t: float, want: int) -> None:
        rs = self.activations[spec.name][-1].rs
        mine = [p for p in self._alive_pods(spec.name, t) if p.rs is rs]
        if want > len(mine):
            for i in range(want - len(mine)):
                self._new_pod(spec, rs, t + i * 1.0)
        else:
            for pod in sorted(mine, key=lambda p: p.created)[want:]:
                self._delete(spec, pod, t + 1.0)
        self._event(t, "Normal", "ScalingReplicaSet", "Deployment", spec.name,
                    f"Scaled {'up' if want > len(mine) else 'down'} replica set {rs.name} "
                    f"to {want}")

    def drop_superseded_deadlines(self) -> None:
        """A stuck rollout replaced within the deadline never reports exceeding it."""
        for name, acts in self.activations.items():
            for i, act in enumerate(acts[:-1]):
                if act.stuck and acts[i + 1].offset < act.offset + PROGRESS_DEADLINE:
                    msg = f'ReplicaSet "{act.rs.name}" has timed out progressing.'
                    key = ("Warning", "ProgressDeadlineExceeded", "Deployment", name, msg)
                    self.occurrences.pop(key, None)
