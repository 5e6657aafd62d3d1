"""What a rollout actually changed: the image, the environment, or only resource limits.

A new revision whose image is the same but whose environment differs is a config change
(roll back, then fix the config); one that only lowered a memory limit is a resource
limit (OOMKilled pods); a new image is code. The cluster snapshot's revisions carry only
images, so this reads the ReplicaSets' pod templates itself, through the same Kubernetes
client as the sources. Values of environment variables are never kept: they often hold
secrets, and the names say enough ("ORDERS_DATABASE_URL removed").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cockpit.config.schema import KubernetesConfig

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"


@dataclass(frozen=True)
class PodTemplate:
    """The parts of one revision's pod template that explain a change (no env values)."""

    images: tuple[str, ...]
    env: Mapping[str, str]  # variable -> short fingerprint of its value (never the value)
    limits: Mapping[str, str]  # "container/memory" -> "256Mi"
    requests: Mapping[str, str]


@dataclass(frozen=True)
class TemplateDiff:
    """How revision ``new`` differs from ``old``; ``kinds`` ⊆ {image, env, limits, requests}."""

    kinds: frozenset[str]
    details: tuple[str, ...]  # "memory limit 512Mi -> 256Mi", "env ORDERS_DB_DSN added"
    limit_lowered: bool = False

    @property
    def image_changed(self) -> bool:
        return "image" in self.kinds


def _fingerprint(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:8]


def template_of(template: Mapping[str, Any]) -> PodTemplate:
    containers = (template.get("spec") or {}).get("containers") or []
    images, env, limits, requests = [], {}, {}, {}
    for c in containers:
        name = str(c.get("name", ""))
        images.append(str(c.get("image", "")))
        for var in c.get("env") or []:
            value = var.get("value")
            env[f"{var.get('name', '')}"] = _fingerprint(str(value)) if value is not None \
                else "from:" + _fingerprint(repr(var.get("valueFrom")))
        res = c.get("resources") or {}
        limits.update({f"{name}/{k}": str(v) for k, v in (res.get("limits") or {}).items()})
        requests.update({f"{name}/{k}": str(v) for k, v in (res.get("requests") or {}).items()})
    return PodTemplate(tuple(images), MappingProxyType(env), MappingProxyType(limits),
                       MappingProxyType(requests))


_UNITS = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "k": 1e3, "M": 1e6,
          "G": 1e9, "T": 1e12, "m": 1e-3}


def quantity(text: str) -> float | None:
    """A Kubernetes quantity as a number ("256Mi" -> 268435456, "500m" -> 0.5)."""
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            try:
                return float(text[: -len(suffix)]) * _UNITS[suffix]
            except ValueError:
                return None
    try:
        return float(text)
    except ValueError:
        return None


def diff(old: PodTemplate, new: PodTemplate) -> TemplateDiff:
    kinds: set[str] = set()
    details: list[str] = []
    lowered = False
    if old.images != new.images:
        kinds.add("image")
        details.append(f"image {', '.join(old.images)} -> {', '.join(new.images)}")
    for name in sorted(set(old.env) | set(new.env)):
        if name not in new.env:
            kinds.add("env")
            details.append(f"env {name} removed")
        elif name not in old.env:
            kinds.add("env")
            details.append(f"env {name} added")
        elif old.env[name] != new.env[name]:
            kinds.add("env")
            details.append(f"env {name} changed")
    for kind, before, after in (("limits", old.limits, new.limits),
                                ("requests", old.requests, new.requests)):
        for key in sorted(set(before) | set(after)):
            a, b = before.get(key), after.get(key)
            if a == b:
                continue
            kinds.add(kind)
            resource = key.rpartition("/")[2]
            details.append(f"{resource} {kind[:-1]} {a or 'none'} -> {b or 'none'}")
            qa, qb = quantity(a or ""), quantity(b or "")
            if kind == "limits" and qa is not None and (qb is None or qb < qa):
                lowered = lowered or qb is not None
    return TemplateDiff(frozenset(kinds), tuple(details), lowered)


Templates = Mapping[str, Mapping[int, PodTemplate]]  # deployment -> revision -> template


def templates_from_replicasets(replicasets: list[Mapping[str, Any]]) -> Templates:
    out: dict[str, dict[int, PodTemplate]] = {}
    for rs in replicasets:
        meta = rs.get("metadata") or {}
        owner = next((r.get("name") for r in meta.get("ownerReferences") or []
                      if r.get("kind") == "Deployment"), None)
        raw = (meta.get("annotations") or {}).get(REVISION_ANNOTATION, "")
        if not owner or not str(raw).isdigit():
            continue
        template = (rs.get("spec") or {}).get("template") or {}
        out.setdefault(str(owner), {})[int(raw)] = template_of(template)
    return {k: MappingProxyType(v) for k, v in out.items()}


def fetch_templates(cfg: KubernetesConfig, api: Any = None) -> tuple[Templates, str]:
    """Every ReplicaSet's template in the namespace; ({}, reason) when it cannot be read."""
    from cockpit.sources import k8s_client

    try:
        client = api or k8s_client.make_api_client(cfg)
        body = k8s_client.get_json(client, f"/apis/apps/v1/namespaces/{cfg.namespace}/replicasets",
                                   timeout=cfg.timeout_s)
    except Exception as exc:  # the analysis degrades to images only
        return {}, f"ReplicaSet templates unavailable: {type(exc).__name__}: {exc}"[:200]
    return templates_from_replicasets(list(body.get("items") or [])), ""


def revision_diff(templates: Templates, deployment: str, old: int, new: int) -> TemplateDiff | None:
    revs = templates.get(deployment) or {}
    if old not in revs or new not in revs:
        return None
    return diff(revs[old], revs[new])
