"""The Kubernetes side of an action: PATCH bodies exactly as kubectl sends them,
sent through the official client with ``dryRun=All`` or for real, each guarded
by the resourceVersion the engineer saw.

Same bodies as kubectl (``rollout undo`` = JSON patch replacing the template and
annotations; ``rollout restart`` = restartedAt annotation; ``scale`` = merge
patch on ``/scale``), so what the dry run validated is what runs, and admission
webhooks see what they would see from kubectl.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubernetes.client.exceptions import ApiException

from cockpit.actions.plans import ActionKind, Plan
from cockpit.sources import k8s_client
from cockpit.sources.k8s_convert import CHANGE_CAUSE, REVISION

JsonObj = dict[str, Any]
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
HASH_LABEL = "pod-template-hash"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
# kubectl's rollback keeps these from the Deployment instead of copying them from the RS.
SKIPPED_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration", REVISION,
                       "deployment.kubernetes.io/revision-history",
                       "deployment.kubernetes.io/desired-replicas",
                       "deployment.kubernetes.io/max-replicas",
                       "deprecated.deployment.rollback.to")


class PlanError(Exception):
    """The plan cannot be built against the cluster as it is (one clear sentence)."""


@dataclass(frozen=True)
class Change:
    """One PATCH: where, how, and the body (resourceVersion guard included)."""

    path: str
    content_type: str
    body: Any
    after_template: JsonObj | None  # the pod template the Deployment will have
    resource_version: str

    def with_resource_version(self, rv: str) -> Change:
        body = copy.deepcopy(self.body)
        if isinstance(body, list):
            for op in body:
                if op.get("path") == "/metadata/resourceVersion":
                    op["value"] = rv
        else:
            body.setdefault("metadata", {})["resourceVersion"] = rv
        return Change(self.path, self.content_type, body, self.after_template, rv)


def deployment_path(namespace: str, name: str) -> str:
    return f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}"


def get_deployment(api: Any, namespace: str, name: str, timeout: float) -> JsonObj:
    return k8s_client.get_json(api, deployment_path(namespace, name), timeout=timeout)


def owned_replicasets(api: Any, dep: JsonObj, timeout: float) -> list[JsonObj]:
    """The Deployment's ReplicaSets, oldest revision first."""
    ns = dep["metadata"]["namespace"]
    body = k8s_client.get_json(api, f"/apis/apps/v1/namespaces/{ns}/replicasets",
                               timeout=timeout)
    uid = dep["metadata"].get("uid")
    owned = [rs for rs in body.get("items", [])
             if any(r.get("controller") and r.get("uid") == uid
                    for r in rs["metadata"].get("ownerReferences") or [])]
    return sorted(owned, key=revision_of)


def revision_of(obj: JsonObj) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def change_cause(obj: JsonObj) -> str:
    return str((obj["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, ""))


def template_without_hash(template: JsonObj) -> JsonObj:
    tpl = copy.deepcopy(template)
    labels = (tpl.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    return tpl


def rollback_source(dep: JsonObj, rss: list[JsonObj], to_revision: int | None) -> JsonObj:
    """The ReplicaSet ``rollout undo`` would go back to (kubectl's rules)."""
    current = revision_of(dep)
    if to_revision is None:
        older = [rs for rs in rss if revision_of(rs) < current]
        if not older:
            raise PlanError(f"deployment {dep['metadata']['name']} has no previous revision "
                            f"to roll back to (current is {current})")
        return older[-1]
    for rs in rss:
        if revision_of(rs) == to_revision:
            return rs
    have = ", ".join(str(revision_of(rs)) for rs in rss) or "none"
    raise PlanError(f"deployment {dep['metadata']['name']} has no revision {to_revision} "
                    f"(has {have}); see kubectl rollout history")


def _rv_op(rv: str) -> JsonObj:
    return {"op": "replace", "path": "/metadata/resourceVersion", "value": rv}


def build_change(plan: Plan, dep: JsonObj, rss: list[JsonObj],
                 now: datetime | None = None) -> Change:
    """The PATCH for ``plan`` against ``dep`` as read (PlanError if it cannot apply)."""
    meta = dep["metadata"]
    rv = str(meta.get("resourceVersion", ""))
    path = deployment_path(meta["namespace"], meta["name"])
    template = dep["spec"]["template"]
    if plan.kind is ActionKind.ROLLBACK:
        source = rollback_source(dep, rss, plan.to_revision)
        target = template_without_hash(source["spec"]["template"])
        if target == template_without_hash(template):
            raise PlanError(f"deployment {meta['name']} already runs the template of revision "
                            f"{revision_of(source)}; nothing to roll back")
        dep_ann = meta.get("annotations") or {}
        annotations = {k: dep_ann[k] for k in SKIPPED_ANNOTATIONS if k in dep_ann}
        annotations.update({k: v for k, v in (source["metadata"].get("annotations") or {}).items()
                            if k not in SKIPPED_ANNOTATIONS})
        body: Any = [{"op": "replace", "path": "/spec/template", "value": target},
                     {"op": "replace", "path": "/metadata/annotations", "value": annotations},
                     _rv_op(rv)]
        return Change(path, JSON_PATCH, body, target, rv)
    if plan.kind is ActionKind.RESTART:
        stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        after = copy.deepcopy(template)
        after.setdefault("metadata", {}).setdefault("annotations", {})[RESTARTED_AT] = stamp
        body = {"metadata": {"resourceVersion": rv}, "spec": {"template": {"metadata": {
            "annotations": {RESTARTED_AT: stamp}}}}}
        return Change(path, STRATEGIC_PATCH, body, after, rv)
    if plan.kind is ActionKind.SCALE:
        if plan.replicas is None or plan.replicas < 0:
            raise PlanError("scale needs --replicas N with N >= 0")
        body = {"metadata": {"resourceVersion": rv}, "spec": {"replicas": plan.replicas}}
        return Change(path + "/scale", MERGE_PATCH, body, template, rv)
    if plan.kind in (ActionKind.PAUSE, ActionKind.RESUME):
        paused = plan.kind is ActionKind.PAUSE
        if bool(dep["spec"].get("paused")) == paused:
            raise PlanError(f"deployment {meta['name']} is already "
                            f"{'paused' if paused else 'not paused'}")
        body = {"metadata": {"resourceVersion": rv}, "spec": {"paused": paused or None}}
        return Change(path, STRATEGIC_PATCH, body, template, rv)
    raise PlanError(f"{plan.kind.value} does not patch a deployment")


def node_change(name: str, node: JsonObj) -> Change:
    rv = str(node["metadata"].get("resourceVersion", ""))
    body = {"metadata": {"resourceVersion": rv}, "spec": {"unschedulable": True}}
    return Change(f"/api/v1/nodes/{name}", STRATEGIC_PATCH, body, None, rv)


def send_patch(api: Any, change: Change, dry_run: bool, timeout: float) -> JsonObj:
    """PATCH through the official client; the server's answer, or ApiException."""
    query: list[tuple[str, Any]] = [("fieldManager", "cockpit")]
    if dry_run:
        query.insert(0, ("dryRun", "All"))
    request = api.param_serialize("PATCH", change.path, query_params=query,
                                  header_params={"Content-Type": change.content_type,
                                                 "Accept": "application/json"},
                                  body=change.body, auth_settings=["BearerToken"])
    result = api.call_api(*request, _request_timeout=timeout)
    result.read()
    if not 200 <= result.status <= 299:
        raise ApiException.from_response(http_resp=result, body=None, data=None)
    data: JsonObj = json.loads(result.data)
    return data


def list_or_none(api: Any, path: str, timeout: float) -> tuple[list[JsonObj], str]:
    """Items at ``path``, or ([], why not) when the API is absent (404) or forbidden."""
    try:
        body = k8s_client.get_json(api, path, timeout=timeout)
    except ApiException as exc:
        if exc.status == 404:
            return [], "API not served by this cluster"
        reason, _ = k8s_client.describe_error(exc, "the API server", timeout)
        return [], f"cannot read: {reason}"
    items: list[JsonObj] = body.get("items", [])
    return items, ""
