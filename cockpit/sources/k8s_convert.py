"""Kubernetes JSON -> cockpit DTOs, with rollout status judged as kubectl judges it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from cockpit.sources.base import ClusterEvent, Deployment, Pod, Revision, frozen_map

JsonObj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
EPOCH = datetime.fromtimestamp(0, UTC)


def parse_ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _revision(obj: JsonObj) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _images(template: JsonObj) -> tuple[str, ...]:
    return tuple(c.get("image", "") for c in template.get("spec", {}).get("containers", []))


def rollout_status(dep: JsonObj) -> str:
    """"complete" | "progressing" | "failed" | "paused", as ``kubectl rollout status``."""
    spec, status = dep.get("spec", {}), dep.get("status", {})
    if spec.get("paused"):
        return "paused"
    if dep["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "progressing"
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
            return "failed"
    desired = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < desired or status.get("replicas", 0) > updated \
            or status.get("availableReplicas", 0) < updated:
        return "progressing"
    return "complete"


def to_deployment(dep: JsonObj) -> Deployment:
    spec, status, meta = dep.get("spec", {}), dep.get("status", {}), dep["metadata"]
    return Deployment(
        name=meta["name"], namespace=meta.get("namespace", ""),
        replicas=int(spec.get("replicas", 1)), ready=int(status.get("readyReplicas", 0)),
        updated=int(status.get("updatedReplicas", 0)),
        available=int(status.get("availableReplicas", 0)), revision=_revision(dep),
        images=_images(spec.get("template", {})), rollout_status=rollout_status(dep),
        resource_version=meta.get("resourceVersion", ""),
        selector=frozen_map(spec.get("selector", {}).get("matchLabels")),
    )


def _controller_uid(obj: JsonObj) -> str:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid", ""))
    return ""


def revisions_of(dep: JsonObj, replicasets: Iterable[JsonObj]) -> tuple[Revision, ...]:
    """The deployment's ReplicaSets as revisions, oldest first (newest last)."""
    uid = dep["metadata"].get("uid")
    owned = [rs for rs in replicasets if _controller_uid(rs) == uid]
    return tuple(sorted((Revision(
        deployment=dep["metadata"]["name"], revision=_revision(rs),
        images=_images(rs["spec"].get("template", {})),
        change_cause=(rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, ""),
        created=parse_ts(rs["metadata"].get("creationTimestamp")) or EPOCH,
        replicaset=rs["metadata"]["name"], replicas=int(rs["spec"].get("replicas", 0)),
    ) for rs in owned), key=lambda r: r.revision))


def to_pod(pod: JsonObj) -> Pod:
    meta, status = pod["metadata"], pod.get("status", {})
    statuses = status.get("containerStatuses") or []
    waiting = [cs["state"]["waiting"].get("reason", "") for cs in statuses
               if (cs.get("state") or {}).get("waiting")]
    terminated = [cs["lastState"]["terminated"].get("reason", "") for cs in statuses
                  if (cs.get("lastState") or {}).get("terminated")]
    owner = next((r["name"] for r in meta.get("ownerReferences") or []
                  if r.get("kind") == "ReplicaSet"), "")
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in status.get("conditions") or [])
    return Pod(
        name=meta["name"], namespace=meta.get("namespace", ""),
        phase=status.get("phase", "Unknown"), ready=ready,
        restarts=sum(int(cs.get("restartCount", 0)) for cs in statuses),
        node=pod.get("spec", {}).get("nodeName", ""),
        created=parse_ts(meta.get("creationTimestamp")) or EPOCH, owner=owner,
        reason=next((w for w in waiting if w), status.get("reason", "")),
        last_termination_reason=next((t for t in terminated if t), ""),
        containers=tuple(c["name"] for c in pod.get("spec", {}).get("containers", [])),
    )


def to_event(ev: JsonObj) -> ClusterEvent:
    meta, inv = ev["metadata"], ev.get("involvedObject") or {}
    first = (parse_ts(ev.get("firstTimestamp")) or parse_ts(ev.get("eventTime"))
             or parse_ts(meta.get("creationTimestamp")) or EPOCH)
    series_last = (ev.get("series") or {}).get("lastObservedTime")
    last = parse_ts(ev.get("lastTimestamp")) or parse_ts(series_last) or first
    return ClusterEvent(
        uid=meta.get("uid", ""), namespace=meta.get("namespace", ""),
        type=ev.get("type", "Normal"), reason=ev.get("reason", ""),
        object=f"{inv.get('kind', '')}/{inv.get('name', '')}", message=ev.get("message", ""),
        count=int(ev.get("count") or (ev.get("series") or {}).get("count") or 1),
        first_seen=first, last_seen=last,
    )
