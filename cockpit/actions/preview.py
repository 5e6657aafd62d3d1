"""What an action will do, read from the cluster before anyone is asked: revisions,
images and change causes on both sides, replicas, the pod-template diff, how many
pods are replaced, PodDisruptionBudgets and HPAs in the way, and the kubectl
equivalent to copy. The engineer decides on this, so it must be complete and true.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from cockpit.actions import kube_ops
from cockpit.actions.kube_ops import Change, JsonObj
from cockpit.actions.plans import ActionKind, Plan


@dataclass(frozen=True)
class Side:
    """One end of the change: revision, images, change cause, replicas."""

    revision: int
    images: tuple[str, ...]
    change_cause: str
    replicas: int

    def describe(self) -> str:
        cause = f" ({self.change_cause})" if self.change_cause else ""
        return (f"revision {self.revision}{cause}, image {', '.join(self.images) or '?'}, "
                f"{self.replicas} replicas")


@dataclass(frozen=True)
class Preview:
    plan: Plan
    change: Change | None  # None: nothing to patch (runbook actions)
    before: Side | None
    after: Side | None
    template_diff: str
    pods_replaced: int
    constraints: tuple[str, ...]  # PDBs, HPAs, and notes when they cannot be read
    kubectl: str
    deployment: JsonObj = field(default_factory=dict)  # as read for this preview
    read_at: datetime | None = None

    @property
    def resource_version(self) -> str:
        return self.change.resource_version if self.change else ""

    def lines(self) -> list[str]:
        """The preview as plain text lines (CLI and modal share them)."""
        out = [f"Action:   {self.plan.title}"]
        if self.plan.reason:
            out.append(f"Why:      {self.plan.reason}")
        if self.before is not None:
            out.append(f"From:     {self.before.describe()}")
        if self.after is not None:
            out.append(f"To:       {self.after.describe()}")
        if self.change is not None:
            out.append(f"Pods replaced: {self.pods_replaced}")
            out += [f"Constraint: {c}" for c in self.constraints] or \
                ["Constraints: no PodDisruptionBudget or HorizontalPodAutoscaler applies"]
        if self.template_diff:
            out += ["Pod template diff:", *self.template_diff.rstrip("\n").splitlines()]
        if self.kubectl:
            label = "Command" if self.plan.kind is ActionKind.RUNBOOK else "Equivalent"
            out.append(f"{label}: {self.kubectl}")
        return out


def _images(template: JsonObj) -> tuple[str, ...]:
    return tuple(str(c.get("image", "")) for c in template.get("spec", {}).get("containers", []))


def template_diff(before: JsonObj, after: JsonObj, name: str) -> str:
    """Unified diff of the two pod templates as YAML (hash label left out)."""
    def dump(tpl: JsonObj) -> list[str]:
        text = yaml.safe_dump(kube_ops.template_without_hash(tpl), sort_keys=True,
                              default_flow_style=False)
        return text.splitlines(keepends=True)

    return "".join(difflib.unified_diff(dump(before), dump(after),
                                        f"{name} (now)", f"{name} (after)", n=2))


def _selects(selector: JsonObj, labels: dict[str, str]) -> bool:
    match = selector.get("matchLabels") or {}
    if not match and not selector.get("matchExpressions"):
        return False
    return all(labels.get(k) == v for k, v in match.items())


def constraints(api: Any, dep: JsonObj, timeout: float) -> list[str]:
    ns, name = dep["metadata"]["namespace"], dep["metadata"]["name"]
    labels = (dep["spec"]["template"].get("metadata") or {}).get("labels") or {}
    out: list[str] = []
    pdbs, why = kube_ops.list_or_none(
        api, f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets", timeout)
    if why and not why.startswith("API not served"):
        out.append(f"PodDisruptionBudgets {why}")
    for pdb in pdbs:
        if _selects(pdb.get("spec", {}).get("selector") or {}, labels):
            spec, status = pdb.get("spec", {}), pdb.get("status", {})
            bound = (f"minAvailable={spec['minAvailable']}" if "minAvailable" in spec
                     else f"maxUnavailable={spec.get('maxUnavailable')}")
            out.append(f"PodDisruptionBudget {pdb['metadata']['name']}: {bound}, "
                       f"{status.get('disruptionsAllowed', '?')} disruption(s) allowed now")
    hpas, why = kube_ops.list_or_none(
        api, f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", timeout)
    if why and not why.startswith("API not served"):
        out.append(f"HorizontalPodAutoscalers {why}")
    for hpa in hpas:
        ref = hpa.get("spec", {}).get("scaleTargetRef") or {}
        if ref.get("kind") == "Deployment" and ref.get("name") == name:
            spec = hpa["spec"]
            out.append(f"HorizontalPodAutoscaler {hpa['metadata']['name']}: replicas "
                       f"{spec.get('minReplicas', 1)}..{spec.get('maxReplicas')} (it may undo "
                       f"a manual scale)")
    return out


def preview_deployment(api: Any, plan: Plan, timeout: float, now: datetime) -> Preview:
    """Read the Deployment and its ReplicaSets and describe ``plan`` against them."""
    dep = kube_ops.get_deployment(api, plan.namespace, plan.name, timeout)
    rss = kube_ops.owned_replicasets(api, dep, timeout)
    change = kube_ops.build_change(plan, dep, rss, now)
    spec = dep["spec"]
    replicas = int(spec.get("replicas", 1))
    current_rs = next((rs for rs in rss if kube_ops.revision_of(rs) ==
                       kube_ops.revision_of(dep)), None)
    before = Side(kube_ops.revision_of(dep), _images(spec["template"]),
                  kube_ops.change_cause(current_rs or dep), replicas)
    plan_shown = plan
    if plan.kind is ActionKind.ROLLBACK:
        source = kube_ops.rollback_source(dep, rss, plan.to_revision)
        to = kube_ops.revision_of(source)
        after = Side(to, _images(source["spec"]["template"]), kube_ops.change_cause(source),
                     replicas)
        label = plan.label or f"rollback {plan.name} {before.revision} → {to}"
        plan_shown = Plan(plan.kind, plan.name, plan.namespace, to, None, plan.params, label,
                          plan.reason, plan.context)
        pods = replicas
    elif plan.kind is ActionKind.RESTART:
        after = Side(before.revision + 1, before.images, before.change_cause, replicas)
        pods = replicas
    elif plan.kind is ActionKind.SCALE:
        after = Side(before.revision, before.images, before.change_cause, int(plan.replicas or 0))
        pods = 0
    else:
        after = before
        pods = 0
    diff = template_diff(spec["template"], change.after_template or spec["template"],
                         f"deployment/{plan.name}") if change.after_template else ""
    return Preview(plan_shown, change, before, after, diff, pods,
                   tuple(constraints(api, dep, timeout)), plan_shown.kubectl(), dep, now)


def what_changed(old: JsonObj, new: JsonObj) -> list[str]:
    """How the Deployment differs from the one the preview was built on."""
    out: list[str] = []
    if kube_ops.revision_of(old) != kube_ops.revision_of(new):
        out.append(f"revision {kube_ops.revision_of(old)} → {kube_ops.revision_of(new)}")
    o_spec, n_spec = old.get("spec", {}), new.get("spec", {})
    if o_spec.get("replicas") != n_spec.get("replicas"):
        out.append(f"replicas {o_spec.get('replicas')} → {n_spec.get('replicas')}")
    if _images(o_spec.get("template", {})) != _images(n_spec.get("template", {})):
        out.append(f"images {', '.join(_images(o_spec.get('template', {})))} → "
                   f"{', '.join(_images(n_spec.get('template', {})))}")
    elif o_spec.get("template") != n_spec.get("template"):
        out.append("pod template changed")
    if bool(o_spec.get("paused")) != bool(n_spec.get("paused")):
        out.append("paused" if n_spec.get("paused") else "resumed")
    return out or [f"resourceVersion {old['metadata'].get('resourceVersion')} → "
                   f"{new['metadata'].get('resourceVersion')}"]


def spec_unchanged(old: JsonObj, new: JsonObj) -> bool:
    """Same desired state (only status moved): the plan still means the same thing."""
    return bool(old.get("spec") == new.get("spec") and
                (old["metadata"].get("annotations") or {}) ==
                (new["metadata"].get("annotations") or {}))
