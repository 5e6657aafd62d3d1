"""Small helpers for Kubernetes object metadata: times, uids, template hashes, ages.

Kept apart so the state, the controller and the table printer agree on one
definition of "the same pod template" and one way of writing timestamps.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

JsonObj = dict[str, Any]

HASH_LABEL = "pod-template-hash"
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"
RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt"
# Deployment annotations the controller never copies onto a ReplicaSet (as kubectl's list).
NOT_COPIED_ANNOTATIONS = frozenset({
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
})
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def rfc3339(ts: float) -> str:
    """Seconds precision, as metadata timestamps are written by the API server."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_nano(ts: float) -> str:
    """Nanosecond layout as the kubelet prefixes log lines with ``timestamps=true``."""
    whole = datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    nanos = round((ts - int(ts)) * 1e9)
    return f"{whole}.{min(nanos, 999_999_999):09d}Z"


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def new_uid() -> str:
    return str(uuid.uuid4())


def safe_suffix(seed: str, length: int) -> str:
    """Characters the way Kubernetes names generated objects (no vowels, no lookalikes)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in digest[:length])


def canonical(value: Any) -> Any:
    """Drop nulls and empty maps/lists, so Go's zero-value marshalling compares equal."""
    if isinstance(value, dict):
        out = {k: canonical(v) for k, v in value.items() if not k.startswith("$")}
        return {k: v for k, v in out.items() if v not in (None, {}, [], "")}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def template_without_hash(template: JsonObj) -> Any:
    data = canonical(json.loads(json.dumps(template)))
    labels = data.get("metadata", {}).get("labels", {})
    labels.pop(HASH_LABEL, None)
    if not labels and "metadata" in data:
        data["metadata"].pop("labels", None)
        if not data["metadata"]:
            data.pop("metadata")
    return data


def template_hash(template: JsonObj) -> str:
    text = json.dumps(template_without_hash(template), sort_keys=True)
    return safe_suffix(text, 10)


def same_template(a: JsonObj, b: JsonObj) -> bool:
    return bool(template_without_hash(a) == template_without_hash(b))


def human_duration(seconds: float) -> str:
    """kubectl's AGE format (k8s.io/apimachinery duration.HumanDuration)."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        return f"{hours // 24 // 365}y{(hours // 24) % 365}d"
    return f"{hours // 24 // 365}y"


def annotations_of(obj: JsonObj) -> dict[str, str]:
    meta: JsonObj = obj.setdefault("metadata", {})
    ann: dict[str, str] = meta.setdefault("annotations", {}) or {}
    meta["annotations"] = ann
    return ann


def revision_of(obj: JsonObj) -> int:
    raw = (obj.get("metadata", {}).get("annotations") or {}).get(REVISION_ANNOTATION, "0")
    try:
        return int(raw)
    except ValueError:
        return 0


def owner_uid(obj: JsonObj) -> str:
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid", ""))
    return ""


def owner_ref(owner: JsonObj, kind: str, api_version: str) -> JsonObj:
    return {
        "apiVersion": api_version, "kind": kind, "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True,
    }
