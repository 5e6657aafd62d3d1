"""Builders for realistic Deployment, ReplicaSet and Pod JSON, and a one-call seeder.

The scenario driver and the tests describe a service's history in a few lines
(revisions, images, change causes); these produce the objects a real control
plane would hold, with owner references, hash labels and revision annotations.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from cockpit.scenario.k8s.meta import (
    CHANGE_CAUSE_ANNOTATION,
    HASH_LABEL,
    REVISION_ANNOTATION,
    JsonObj,
    new_uid,
    owner_ref,
    rfc3339,
    safe_suffix,
    template_hash,
)
from cockpit.scenario.k8s.state import ClusterState


def pod_template(app: str, images: dict[str, str], annotations: dict[str, str] | None = None,
                 ) -> JsonObj:
    """A pod template labelled ``app=<app>`` with one container per (name, image)."""
    containers = [{"name": name, "image": image, "resources": {},
                   "ports": [{"containerPort": 8080, "protocol": "TCP"}]}
                  for name, image in images.items()]
    meta: JsonObj = {"labels": {"app": app}}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"metadata": meta, "spec": {"containers": containers, "restartPolicy": "Always"}}


def make_deployment(namespace: str, name: str, template: JsonObj, replicas: int = 3,
                    change_cause: str = "", created: float = 0.0) -> JsonObj:
    meta: JsonObj = {"name": name, "namespace": namespace,
                     "labels": {"app": name}, "annotations": {}, "generation": 1}
    if change_cause:
        meta["annotations"][CHANGE_CAUSE_ANNOTATION] = change_cause
    if created:
        meta["creationTimestamp"] = rfc3339(created)
    return {
        "metadata": meta,
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(template["metadata"]
                                                                        ["labels"])},
                 "template": copy.deepcopy(template), "revisionHistoryLimit": 10,
                 "progressDeadlineSeconds": 600,
                 "strategy": {"type": "RollingUpdate",
                              "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}},
        "status": {},
    }


def make_replicaset(deployment: JsonObj, template: JsonObj, revision: int, replicas: int,
                    created: float, change_cause: str = "") -> JsonObj:
    pod_hash = template_hash(template)
    tpl = copy.deepcopy(template)
    tpl.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
    selector = dict(deployment["spec"]["selector"]["matchLabels"], **{HASH_LABEL: pod_hash})
    ann = {REVISION_ANNOTATION: str(revision), "deployment.kubernetes.io/desired-replicas":
           str(deployment["spec"].get("replicas", 1)),
           "deployment.kubernetes.io/max-replicas": str(deployment["spec"].get("replicas", 1) + 1)}
    if change_cause:
        ann[CHANGE_CAUSE_ANNOTATION] = change_cause
    return {
        "metadata": {"name": f"{deployment['metadata']['name']}-{pod_hash}",
                     "namespace": deployment["metadata"]["namespace"],
                     "labels": dict(tpl["metadata"]["labels"]), "annotations": ann,
                     "creationTimestamp": rfc3339(created), "generation": 1,
                     "ownerReferences": [owner_ref(deployment, "Deployment", "apps/v1")]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": selector}, "template": tpl},
        "status": {},
    }


def container_statuses(template: JsonObj, started: float, ready: bool, restarts: int = 0,
                       waiting_reason: str = "", last_termination_reason: str = "",
                       ) -> list[JsonObj]:
    statuses = []
    for c in template["spec"]["containers"]:
        state: JsonObj = ({"waiting": {"reason": waiting_reason}} if waiting_reason
                          else {"running": {"startedAt": rfc3339(started)}})
        last: JsonObj = {}
        if last_termination_reason:
            last = {"terminated": {"reason": last_termination_reason,
                                   "exitCode": 137 if last_termination_reason == "OOMKilled"
                                   else 1, "startedAt": rfc3339(started - 60),
                                   "finishedAt": rfc3339(started - 1)}}
        statuses.append({"name": c["name"], "image": c["image"],
                         "imageID": f"docker.io/{c['image']}@sha256:{safe_suffix(c['image'], 12)}",
                         "ready": ready, "started": not waiting_reason,
                         "restartCount": restarts, "state": state, "lastState": last})
    return statuses


def pod_status(template: JsonObj, started: float, ready: bool, node_ip: str, pod_ip: str,
               restarts: int = 0, waiting_reason: str = "", last_termination_reason: str = "",
               phase: str = "Running") -> JsonObj:
    flag = "True" if ready else "False"
    conditions = [{"type": t, "status": s, "lastTransitionTime": rfc3339(started)}
                  for t, s in (("Initialized", "True"), ("Ready", flag),
                               ("ContainersReady", flag), ("PodScheduled", "True"))]
    return {"phase": phase, "conditions": conditions, "hostIP": node_ip, "podIP": pod_ip,
            "startTime": rfc3339(started),
            "containerStatuses": container_statuses(template, started, ready, restarts,
                                                    waiting_reason, last_termination_reason)}


def make_pod(rs: JsonObj, created: float, ready: bool = True, node: str = "node-1",
             restarts: int = 0, waiting_reason: str = "", last_termination_reason: str = "",
             phase: str = "Running") -> JsonObj:
    uid = new_uid()
    tpl = rs["spec"]["template"]
    name = f"{rs['metadata']['name']}-{safe_suffix(uid, 5)}"
    octet = sum(uid.encode()) % 250 + 2
    return {
        "metadata": {"name": name, "namespace": rs["metadata"]["namespace"], "uid": uid,
                     "labels": dict(tpl["metadata"]["labels"]),
                     "annotations": dict(tpl["metadata"].get("annotations") or {}),
                     "creationTimestamp": rfc3339(created),
                     "ownerReferences": [owner_ref(rs, "ReplicaSet", "apps/v1")]},
        "spec": dict(copy.deepcopy(tpl["spec"]), nodeName=node),
        "status": pod_status(tpl, created, ready, "10.0.0.11", f"10.244.1.{octet}", restarts,
                             waiting_reason, last_termination_reason, phase),
    }


@dataclass(frozen=True)
class RevisionSpec:
    images: dict[str, str]
    change_cause: str
    created: float
    template_annotations: dict[str, str] = field(default_factory=dict)


def seed_deployment(state: ClusterState, namespace: str, name: str,
                    revisions: list[tuple[int, RevisionSpec]], replicas: int = 3,
                    nodes: tuple[str, ...] = ("node-1", "node-2", "node-3")) -> JsonObj:
    """A deployment whose last revision is live with ready pods; older ReplicaSets at 0."""
    if state.get("namespaces", "", namespace) is None:
        state.put_namespace(namespace)
    first = revisions[0][1]
    number, last = revisions[-1]
    template = pod_template(name, last.images, last.template_annotations)
    dep = make_deployment(namespace, name, template, replicas, last.change_cause, first.created)
    dep["metadata"]["annotations"][REVISION_ANNOTATION] = str(number)
    dep = state.put_deployment(dep)
    live: JsonObj = {}
    for revision, spec in revisions:
        tpl = pod_template(name, spec.images, spec.template_annotations)
        count = replicas if revision == number else 0
        rs = state.put_replicaset(make_replicaset(dep, tpl, revision, count, spec.created,
                                                  spec.change_cause))
        live = rs
    for i in range(replicas):
        state.put_pod(make_pod(live, last.created + 5, node=nodes[i % len(nodes)]))
    return dep
