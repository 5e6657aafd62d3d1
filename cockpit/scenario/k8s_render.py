"""The scenario world rendered as Kubernetes objects for the API fake.

The world is the one truth of the simulator: metrics, logs and pods all come
from it. This module turns its state at an offset into the Deployment,
ReplicaSet, Pod and Event JSON a real control plane would hold (names, hash
labels, revision and change-cause annotations, container statuses), so that
kubectl and the official client see a consistent cluster.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from cockpit.scenario.k8s.builders import make_deployment, pod_status
from cockpit.scenario.k8s.meta import (
    CHANGE_CAUSE_ANNOTATION,
    HASH_LABEL,
    RESTARTED_AT_ANNOTATION,
    REVISION_ANNOTATION,
    JsonObj,
    rfc3339,
    safe_suffix,
)
from cockpit.scenario.states import DeploymentState, EventState, PodState, RevisionState

ToUnix = Callable[[float], float]


def _quantity_bytes(value: float) -> str:
    """Canonical form, as the API server (and kubectl) writes it: 3Gi, not 3072Mi."""
    whole = int(value)
    for suffix, size in (("Ti", 1024**4), ("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024)):
        if whole and whole % size == 0:
            return f"{whole // size}{suffix}"
    return str(whole)


def _cpu(value: float) -> str:
    millis = round(value * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def revision_template(dep: DeploymentState, rev: RevisionState, to_unix: ToUnix) -> JsonObj:
    """The pod template of one revision, without the hash label (as on the Deployment)."""
    res = rev.resources
    container: JsonObj = {
        "name": dep.container,
        "image": rev.image,
        "env": [{"name": k, "value": v} for k, v in sorted(rev.env.items())],
        "resources": {
            "requests": {"cpu": _cpu(res.cpu_request), "memory": _quantity_bytes(
                res.memory_request)},
            "limits": {"cpu": _cpu(res.cpu_limit), "memory": _quantity_bytes(res.memory_limit)},
        },
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
    }
    labels = {k: v for k, v in dep.selector.items()}
    meta: JsonObj = {"labels": labels}
    if rev.restarted_at is not None:
        meta["annotations"] = {RESTARTED_AT_ANNOTATION: rfc3339(to_unix(rev.restarted_at))}
    return {"metadata": meta, "spec": {"containers": [container], "restartPolicy": "Always"}}


def render_deployment(dep: DeploymentState, namespace: str, to_unix: ToUnix) -> JsonObj:
    current = dep.current
    template = revision_template(dep, current, to_unix)
    obj = make_deployment(namespace, dep.name, template, dep.replicas, current.change_cause,
                          to_unix(dep.created))
    obj["spec"]["selector"] = {"matchLabels": dict(dep.selector)}
    obj["metadata"]["annotations"][REVISION_ANNOTATION] = str(dep.revision)
    if not current.change_cause:
        obj["metadata"]["annotations"].pop(CHANGE_CAUSE_ANNOTATION, None)
    progressing = not dep.progress_deadline_exceeded
    complete = dep.updated_replicas == dep.replicas and dep.available_replicas >= dep.replicas
    reason = ("NewReplicaSetAvailable" if complete else
              "ProgressDeadlineExceeded" if not progressing else "ReplicaSetUpdated")
    obj["status"] = {
        "observedGeneration": 1,
        "replicas": max(dep.replicas, dep.updated_replicas),
        "updatedReplicas": dep.updated_replicas,
        "readyReplicas": dep.ready_replicas,
        "availableReplicas": dep.available_replicas,
        "unavailableReplicas": max(0, dep.replicas - dep.available_replicas),
        "conditions": [
            {"type": "Available", "status": "True" if dep.available_replicas else "False",
             "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True" if progressing else "False",
             "reason": reason, "message": f'ReplicaSet "{current.replicaset}" '
             + ("has successfully progressed." if complete else "is progressing."
                if progressing else "has timed out progressing.")},
        ],
    }
    return obj


def render_replicaset(dep: DeploymentState, rev: RevisionState, namespace: str,
                      pods: list[PodState], to_unix: ToUnix) -> JsonObj:
    template = revision_template(dep, rev, to_unix)
    template["metadata"]["labels"][HASH_LABEL] = rev.pod_template_hash
    mine = [p for p in pods if p.pod_template_hash == rev.pod_template_hash]
    desired = dep.replicas if rev.revision == dep.revision else len(mine)
    annotations = {REVISION_ANNOTATION: str(rev.revision),
                   "deployment.kubernetes.io/desired-replicas": str(dep.replicas),
                   "deployment.kubernetes.io/max-replicas": str(dep.replicas + 1)}
    if rev.change_cause:
        annotations[CHANGE_CAUSE_ANNOTATION] = rev.change_cause
    return {
        "metadata": {"name": rev.replicaset, "namespace": namespace,
                     "labels": dict(template["metadata"]["labels"]), "annotations": annotations,
                     "creationTimestamp": rfc3339(to_unix(rev.created)),
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": dep.name, "controller": True,
                                          "blockOwnerDeletion": True}]},
        "spec": {"replicas": desired, "selector": {"matchLabels": dict(
            template["metadata"]["labels"])}, "template": template},
        "status": {"replicas": len(mine), "readyReplicas": sum(p.ready for p in mine),
                   "availableReplicas": sum(p.ready for p in mine), "observedGeneration": 1},
    }


def render_pod(pod: PodState, rs: JsonObj, nodes: list[str], to_unix: ToUnix) -> JsonObj:
    template = rs["spec"]["template"]
    started = to_unix(pod.container_started if pod.container_started is not None
                      else pod.created)
    octet = sum(pod.name.encode()) % 250 + 2
    node_ip = f"10.0.{(nodes.index(pod.node) if pod.node in nodes else 0) + 1}.11"
    status = pod_status(template, started, pod.ready, node_ip, f"10.244.1.{octet}",
                        pod.restarts, pod.waiting_reason or "",
                        pod.last_termination_reason or "", pod.phase)
    return {
        "metadata": {"name": pod.name, "namespace": pod.namespace,
                     "uid": f"pod-{safe_suffix(pod.name, 12)}",
                     "labels": dict(pod.labels),
                     "creationTimestamp": rfc3339(to_unix(pod.created)),
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": rs["metadata"]["name"], "controller": True,
                                          "blockOwnerDeletion": True}]},
        "spec": dict(copy.deepcopy(template["spec"]), nodeName=pod.node),
        "status": status,
    }


def render_event(event: EventState, namespace: str, to_unix: ToUnix) -> JsonObj:
    name = f"{event.name}.{safe_suffix(f'{event.reason}{event.first_offset}{event.message}', 16)}"
    api = "apps/v1" if event.kind in ("Deployment", "ReplicaSet") else "v1"
    return {
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": {"kind": event.kind, "namespace": namespace, "name": event.name,
                           "apiVersion": api},
        "reason": event.reason, "message": event.message, "type": event.type,
        "count": event.count,
        "source": {"component": "deployment-controller" if api == "apps/v1" else "kubelet"},
        "firstTimestamp": rfc3339(to_unix(event.first_offset)),
        "lastTimestamp": rfc3339(to_unix(event.offset)),
        "eventTime": None, "reportingComponent": "", "reportingInstance": "",
    }
