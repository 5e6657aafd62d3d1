"""A small deployment and ReplicaSet controller, so rollouts happen as on a real cluster.

A template change makes (or reuses) a ReplicaSet and gives it the next revision;
new pods start Pending and turn Ready after ``state.ready_delay_s`` of scenario
time; old ReplicaSets scale down as new pods become ready; statuses (replicas,
updatedReplicas, conditions, observedGeneration) are derived from pods, which is
what ``kubectl rollout status`` and cockpit read. Pods the scenario puts itself
keep the status it gave them.
"""

from __future__ import annotations

import copy
from typing import Any

from cockpit.scenario.k8s.builders import make_pod, make_replicaset, pod_status
from cockpit.scenario.k8s.meta import (
    NOT_COPIED_ANNOTATIONS,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    JsonObj,
    annotations_of,
    owner_uid,
    revision_of,
    rfc3339,
    same_template,
)
from cockpit.scenario.k8s.state import ClusterState

NODES = ("node-1", "node-2", "node-3")


def _is_ready(pod: JsonObj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions") or [])


def _owned(items: list[JsonObj], owner: JsonObj) -> list[JsonObj]:
    uid = owner["metadata"]["uid"]
    return [o for o in items if owner_uid(o) == uid]


def _put_if_changed(state: ClusterState, plural: str, before: JsonObj, after: JsonObj) -> None:
    if before != after:
        state.put(plural, after, external=False)


def _promote_ready_pods(state: ClusterState, now: float) -> None:
    due = {uid for uid, at in state.pending_ready.items() if at <= now}
    if not due:
        return
    pods, _ = state.list_items("pods")
    for pod in pods:
        if pod["metadata"]["uid"] in due:
            state.pending_ready.pop(pod["metadata"]["uid"], None)
            old = pod["status"]
            pod["status"] = pod_status(pod, now, True, old.get("hostIP", ""),
                                       old.get("podIP", ""))
            state.put("pods", pod, external=False)


def _sync_revision(state: ClusterState, dep: JsonObj, rs_list: list[JsonObj]) -> JsonObj:
    """The ReplicaSet matching the template, created or re-numbered as the newest."""
    newest = max((revision_of(rs) for rs in rs_list), default=0)
    current = next((rs for rs in rs_list
                    if same_template(rs["spec"]["template"], dep["spec"]["template"])), None)
    dep_ann = dep["metadata"].get("annotations") or {}
    copied = {k: v for k, v in dep_ann.items() if k not in NOT_COPIED_ANNOTATIONS}
    if current is None:
        rs = make_replicaset(dep, dep["spec"]["template"], newest + 1, 0, state.now())
        annotations_of(rs).update(copied)
        current = state.put("replicasets", rs, external=False)
    elif revision_of(current) < newest:
        before = copy.deepcopy(current)
        ann = annotations_of(current)
        history = [h for h in ann.get(REVISION_HISTORY_ANNOTATION, "").split(",") if h]
        ann[REVISION_HISTORY_ANNOTATION] = ",".join([*history, str(revision_of(current))])
        ann[REVISION_ANNOTATION] = str(newest + 1)
        ann.update(copied)
        _put_if_changed(state, "replicasets", before, current)
        current = state.get("replicasets", current["metadata"]["namespace"],
                            current["metadata"]["name"]) or current
    if dep_ann.get(REVISION_ANNOTATION) != str(revision_of(current)):
        annotations_of(dep)[REVISION_ANNOTATION] = str(revision_of(current))
    return current


def _scale_replicasets(state: ClusterState, dep: JsonObj, new_rs: JsonObj,
                       rs_list: list[JsonObj], pods: list[JsonObj]) -> None:
    desired = int(dep["spec"].get("replicas", 1))
    new_ready = sum(1 for p in _owned(pods, new_rs) if _is_ready(p))
    old_budget = max(0, desired - new_ready)
    others = sorted((rs for rs in rs_list if rs["metadata"]["uid"] != new_rs["metadata"]["uid"]),
                    key=revision_of, reverse=True)
    for rs in [new_rs, *others]:
        current = state.get("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
        if current is None:
            continue
        if rs is new_rs:
            want = desired
        else:
            want = min(int(current["spec"].get("replicas", 0)), old_budget)
            old_budget -= want
        if current["spec"].get("replicas") != want:
            current["spec"]["replicas"] = want
            current["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
            state.put("replicasets", current, external=False)


def _sync_pods(state: ClusterState, rs: JsonObj, pods: list[JsonObj], now: float) -> None:
    owned = _owned(pods, rs)
    want = int(rs["spec"].get("replicas", 0))
    for i in range(len(owned), want):
        pod = make_pod(rs, now, ready=False, node=NODES[i % len(NODES)],
                       waiting_reason="ContainerCreating", phase="Pending")
        pod = state.put("pods", pod, external=False)
        state.pending_ready[pod["metadata"]["uid"]] = now + state.ready_delay_s
    if len(owned) > want:
        doomed = sorted(owned, key=lambda p: (_is_ready(p), p["metadata"]["creationTimestamp"]))
        for pod in doomed[: len(owned) - want]:
            state.delete("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])


def _condition(kind: str, status: bool, reason: str, message: str, old: list[JsonObj],
               now: str) -> JsonObj:
    flag = "True" if status else "False"
    for c in old:
        if c.get("type") == kind and c.get("status") == flag and c.get("reason") == reason:
            return c
    return {"type": kind, "status": flag, "reason": reason, "message": message,
            "lastUpdateTime": now, "lastTransitionTime": now}


def _deployment_status(dep: JsonObj, new_rs: JsonObj, rs_list: list[JsonObj],
                       pods: list[JsonObj], now: str) -> dict[str, Any]:
    desired = int(dep["spec"].get("replicas", 1))
    all_pods = [p for rs in rs_list for p in _owned(pods, rs)]
    updated = _owned(pods, new_rs)
    ready = sum(1 for p in all_pods if _is_ready(p))
    done = len(updated) == desired and len(all_pods) == desired and ready >= desired
    old = dep.get("status", {}).get("conditions") or []
    name = new_rs["metadata"]["name"]
    conditions = [
        _condition("Available", ready >= desired - desired // 4,
                   "MinimumReplicasAvailable" if ready >= desired - desired // 4
                   else "MinimumReplicasUnavailable",
                   "Deployment has minimum availability." if ready >= desired - desired // 4
                   else "Deployment does not have minimum availability.", old, now),
        _condition("Progressing", True, "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
                   f'ReplicaSet "{name}" has successfully progressed.' if done
                   else f'ReplicaSet "{name}" is progressing.', old, now),
    ]
    status: dict[str, Any] = {
        "observedGeneration": dep["metadata"].get("generation", 1), "replicas": len(all_pods),
        "updatedReplicas": len(updated), "readyReplicas": ready, "availableReplicas": ready,
        "conditions": conditions,
    }
    if desired - ready > 0:
        status["unavailableReplicas"] = desired - ready
    return status


def reconcile(state: ClusterState) -> None:
    """One pass of the controllers; writes only what changed, so watches stay quiet."""
    with state.lock:
        now = state.now()
        _promote_ready_pods(state, now)
        for dep in state.list_items("deployments")[0]:
            if dep["spec"].get("paused"):
                continue
            before = copy.deepcopy(dep)
            rs_list = _owned(state.list_items("replicasets", dep["metadata"]["namespace"])[0], dep)
            new_rs = _sync_revision(state, dep, rs_list)
            rs_list = _owned(state.list_items("replicasets", dep["metadata"]["namespace"])[0], dep)
            pods = state.list_items("pods", dep["metadata"]["namespace"])[0]
            _scale_replicasets(state, dep, new_rs, rs_list, pods)
            for rs in _owned(state.list_items("replicasets", dep["metadata"]["namespace"])[0], dep):
                _sync_pods(state, rs, pods, now)
            rs_list = _owned(state.list_items("replicasets", dep["metadata"]["namespace"])[0], dep)
            pods = state.list_items("pods", dep["metadata"]["namespace"])[0]
            for rs in rs_list:
                _sync_replicaset_status(state, rs, pods)
            dep["status"] = _deployment_status(dep, new_rs, rs_list, pods, rfc3339(now))
            _put_if_changed(state, "deployments", before, dep)


def _sync_replicaset_status(state: ClusterState, rs: JsonObj, pods: list[JsonObj]) -> None:
    owned = _owned(pods, rs)
    ready = sum(1 for p in owned if _is_ready(p))
    status = {"replicas": len(owned), "fullyLabeledReplicas": len(owned),
              "readyReplicas": ready, "availableReplicas": ready,
              "observedGeneration": rs["metadata"].get("generation", 1)}
    if rs.get("status") != status:
        _put_if_changed(state, "replicasets", rs, dict(rs, status=status))
