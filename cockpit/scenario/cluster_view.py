"""Snapshots of the cluster history at one offset: what kubectl would print then."""

from __future__ import annotations

from bisect import bisect_right

from cockpit.scenario.cluster import READY_AFTER, ClusterHistory, PodRecord, ReplicaSetRecord
from cockpit.scenario.states import DeploymentState, EventState, PodState, RevisionState


def revision_state(rs: ReplicaSetRecord, number: int) -> RevisionState:
    spec = rs.spec
    return RevisionState(number, spec.image, spec.change_cause, rs.created, rs.pod_template_hash,
                         rs.name, spec.env, spec.resources, spec.crash, rs.restarted_at)


def deployments(history: ClusterHistory, t: float) -> list[DeploymentState]:
    out = []
    namespace = history.scenario.namespace
    for spec in history.scenario.deployments:
        acts = [a for a in history.activations[spec.name] if a.offset <= t]
        if not acts:
            continue
        current = acts[-1]
        revisions = []
        for rs in history.replicasets[spec.name]:
            number = rs.number_at(t)
            if number is not None and rs.created <= t:
                revisions.append(revision_state(rs, number))
        revisions.sort(key=lambda r: r.revision)
        replicas = [n for since, n in history.replicas[spec.name] if since <= t][-1]
        pods = [pod_state(history, p, t) for p in history.pods
                if p.deployment == spec.name and p.alive(t)]
        updated = [p for p in pods if p.pod_template_hash == current.rs.pod_template_hash]
        deadline = any(
            a.stuck and a is current and t >= a.offset + 600.0 for a in acts)
        number = current.rs.number_at(t)
        assert number is not None
        out.append(DeploymentState(
            name=spec.name, namespace=namespace, replicas=replicas, revision=number,
            selector=spec.selector, container=spec.container, image=current.rs.spec.image,
            resources=current.rs.spec.resources, revisions=tuple(revisions),
            ready_replicas=sum(p.ready for p in pods),
            updated_replicas=len(updated),
            available_replicas=sum(p.ready for p in pods),
            progress_deadline_exceeded=deadline,
            created=history.replicasets[spec.name][0].created))
    return out


def pod_state(history: ClusterHistory, pod: PodRecord, t: float) -> PodState:
    spec = history.scenario.deployment(pod.deployment)
    k = pod.run_index(t)
    number = pod.rs.number_at(t) or pod.rs.numbers[0][1]
    phase, ready, waiting = "Running", False, None
    last_reason: str | None = None
    last_code: int | None = None
    started: float | None = None
    restarts = max(0, k)
    crash = pod.crash
    if k < 0:
        phase, waiting = "Pending", "ContainerCreating"
    else:
        start, death = pod.runs[k]
        if crash is not None and k > 0:
            last_reason, last_code = crash.reason, crash.exit_code
        if t < death:
            started = start
            ready = t >= max(start, pod.created + READY_AFTER) and (
                crash is None or not crash.blocks_rollout)
        else:
            assert crash is not None
            waiting, last_reason, last_code = "CrashLoopBackOff", crash.reason, crash.exit_code
    labels = {**spec.selector, "pod-template-hash": pod.rs.pod_template_hash}
    return PodState(
        name=pod.name, namespace=history.scenario.namespace, deployment=pod.deployment,
        revision=number, pod_template_hash=pod.rs.pod_template_hash, phase=phase, ready=ready,
        restarts=restarts, waiting_reason=waiting, last_termination_reason=last_reason,
        last_exit_code=last_code, node=pod.node, created=pod.created, container=spec.container,
        image=pod.rs.spec.image, container_started=started, labels=labels)


def pods(history: ClusterHistory, t: float) -> list[PodState]:
    return [pod_state(history, p, t) for p in history.pods if p.alive(t)]


def events(history: ClusterHistory, until: float) -> list[EventState]:
    out = []
    for (type_, reason, kind, name, message), times in history.occurrences.items():
        count = bisect_right(times, until)
        if count:
            out.append(EventState(times[count - 1], times[0], type_, reason, kind, name,
                                  message, count))
    out.sort(key=lambda e: (e.offset, e.kind, e.name, e.reason))
    return out
