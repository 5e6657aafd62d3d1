"""The rules that turn facts into candidate causes, each with an evidence score.

One rule per cause family. A rule only proposes what its facts support and adds each
fact's weight to the candidate's score; :mod:`cockpit.analysis.offline` turns scores
into calibrated confidences. Two guards matter most at 03:00: a rollback is proposed
only for a revision that rolled out before (and near) the onset, and a dependency named
in the errors takes the blame from a deploy that merely happened to be recent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cockpit.analysis.changepoints import format_value
from cockpit.analysis.evidence import (
    AnalysisInputs,
    LogFinding,
    Onset,
    alert_dependency,
    clock,
    describe_change,
    log_findings,
    ooms_without_change,
    pod_trouble,
    revision_pairs,
    span,
)
from cockpit.analysis.revision_diff import revision_diff

DEPLOY_HORIZON_S = 6 * 3600  # a revision older than this at the onset is not a suspect
DEPLOY_DECAY_S = 3 * 3600
AFTER_ONSET_S = 120  # a rollout this long after the onset is a reaction, not a cause
TRAFFIC_RATIO = 1.5
SATURATED = 0.85


@dataclass
class Candidate:
    cause: str
    culprit: str
    remedy: str
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)
    summary: str = ""

    def add(self, weight: float, fact: str) -> None:
        self.score += weight
        self.evidence.append(fact)


def _deploy_kind(inputs: AnalysisInputs, name: str, new: int, old: int | None,
                 images_changed: bool, oomkilled: int) -> tuple[str, list[str]]:
    d = revision_diff(inputs.templates, name, old, new) if old is not None else None
    if d is not None:
        details = [f"revision {new} changed: {'; '.join(d.details) or 'nothing visible'}"]
        if d.image_changed:
            return "bad-deploy", details
        if "limits" in d.kinds and (d.limit_lowered or oomkilled):
            return "resource-limit", details
        return "config-change", details
    if images_changed:
        return "bad-deploy", []
    return ("resource-limit" if oomkilled else "config-change"), \
        [f"revision {new} kept the image; template details unavailable"]


def deploy_rules(inputs: AnalysisInputs, onset: Onset, logs: list[LogFinding],
                 dependency_blamed: bool) -> list[Candidate]:
    out = []
    now = inputs.now.timestamp()
    for name, (rev, prev) in revision_pairs(inputs.snapshot).items():
        created = rev.created.timestamp()
        ref = onset.at if onset.at is not None else now
        gap = ref - created
        trouble = pod_trouble(inputs.snapshot, rev)
        if prev is None or gap < -AFTER_ONSET_S or gap > DEPLOY_HORIZON_S:
            continue
        if onset.at is None and trouble is None:
            continue  # a recent deploy with healthy pods and no symptom: nothing to blame
        images_changed = rev.images != prev.images
        kind, details = _deploy_kind(inputs, name, rev.revision, prev.revision,
                                     images_changed, trouble.oomkilled if trouble else 0)
        cand = Candidate(kind, f"deployment/{name}@{rev.revision}", "rollback",
                         summary=f"revision {rev.revision} of {name} "
                                 f"({rev.change_cause or 'no change cause'})")
        when = (f"{span(gap)} before the onset at {clock(onset.at)}" if onset.at is not None
                and gap >= 0 else "at the onset" if onset.at is not None else "recently")
        change = f" ({rev.change_cause})" if rev.change_cause else ""
        cand.add(1.5 * math.exp(-max(gap, 0) / DEPLOY_DECAY_S),
                 f"revision {rev.revision} of {name}{change} rolled out at {clock(created)}, "
                 f"{when}")
        for detail in details:
            cand.evidence.append(detail)
        if onset.symptom is not None and name == inputs.service:
            cand.add(0.3, describe_change(onset.symptom))
        if trouble is not None:
            cand.add(1.5, trouble.describe(rev))
            if kind == "resource-limit" and trouble.oomkilled:
                cand.add(0.5, f"{trouble.oomkilled} pod(s) OOMKilled after the limit change")
        mine = [f for f in logs if name in f.deployments and not f.dependency]
        if mine and onset.at is not None:
            cand.add(0.8, mine[0].describe(onset.at - 60, now))
            levels = {mine[0].template.level}
            extra = next((f for f in mine[1:] if f.template.level not in levels), None)
            if extra is not None:
                cand.evidence.append(extra.describe(onset.at - 60, now))
        dep = next((d for d in inputs.snapshot.deployments if d.name == name), None) \
            if inputs.snapshot else None
        if dep is not None and dep.rollout_status in ("failed", "progressing") \
                and dep.updated < dep.replicas:
            cand.add(0.4, f"rollout of {name} {dep.rollout_status}: {dep.updated}/"
                          f"{dep.replicas} updated, {dep.ready} ready")
        if dependency_blamed and trouble is None:
            cand.add(-1.2, "the errors name a dependency, not this service's code")
        out.append(cand)
    return out


def dependency_rules(inputs: AnalysisInputs, onset: Onset,
                     logs: list[LogFinding]) -> list[Candidate]:
    own = _own(inputs)
    ns = inputs.snapshot.namespace if inputs.snapshot else ""
    found: dict[str, Candidate] = {}

    def cand(name: str) -> Candidate:
        return found.setdefault(name, Candidate("dependency-outage", f"service/{name}",
                                                "escalate", summary=f"{name} is failing"))

    now = inputs.now.timestamp()
    for f in logs:
        if f.dependency and onset.at is not None:
            c = cand(f.dependency)
            c.add(1.2 if not c.evidence else 0.3, f.describe(onset.at - 60, now))
    for alert in inputs.alerts:
        if alert.state != "firing":
            continue
        name = alert_dependency(alert, own, ns)
        if name:
            since = clock(alert.starts_at.timestamp())
            cand(name).add(1.0, f"alert {alert.name} firing since {since}: {alert.summary}")
    for panel in inputs.dependency_panels:
        for series in panel.series:
            name = series.labels.get("dependency", "")
            if name and series.last and series.last > 0:
                cand(name).add(0.5, f"{panel.title or panel.name} for {name}: "
                                    f"{format_value(series.last, panel.unit)}")
    if not found or onset.at is None:
        return list(found.values())
    for c in found.values():
        c.evidence.append(f"no rollout of {', '.join(own) or 'any deployment'} within "
                          f"{span(DEPLOY_HORIZON_S)} before the onset" if not _recent_deploy(
                              inputs, onset.at) else "a recent rollout exists, see below")
    return list(found.values())


def _own(inputs: AnalysisInputs) -> list[str]:
    return [d.name for d in inputs.snapshot.deployments] if inputs.snapshot else \
        ([inputs.service] if inputs.service else [])


def _recent_deploy(inputs: AnalysisInputs, at: float) -> bool:
    return any(0 <= at - rev.created.timestamp() <= DEPLOY_HORIZON_S
               for rev, prev in revision_pairs(inputs.snapshot).values() if prev is not None)


def capacity_rules(inputs: AnalysisInputs, onset: Onset) -> list[Candidate]:
    if not inputs.service:
        return []
    cand = Candidate("capacity", f"deployment/{inputs.service}", "scale",
                     summary=f"{inputs.service} lacks capacity for the load")
    for cp in onset.changes:
        if cp.panel == "request_rate" and cp.direction == "up" and cp.ratio >= TRAFFIC_RATIO:
            cand.add(1.0, f"{describe_change(cp)} (x{cp.ratio:.1f} traffic)")
        elif cp.panel == "saturation" and cp.direction == "up" and cp.level >= SATURATED:
            cand.add(0.8, describe_change(cp))
    if cand.score <= 0:
        return []
    pairs = revision_pairs(inputs.snapshot).values()
    if any(pod_trouble(inputs.snapshot, rev) for rev, _ in pairs):
        cand.add(-0.5, "pods are crashing, which more replicas would not fix")
    return [cand]


def oom_rules(inputs: AnalysisInputs, onset: Onset, claimed: set[str]) -> list[Candidate]:
    """OOMKilled pods with no limit change to blame: the working set outgrew the limit."""
    out = []
    for name, count in ooms_without_change(inputs.snapshot).items():
        if not name or name in claimed:
            continue
        c = Candidate("resource-limit", f"deployment/{name}", "escalate",
                      summary=f"{name} outgrew its memory limit")
        c.add(1.0, f"{count} pod(s) of {name} last terminated OOMKilled; no recent change "
                   "to blame, the memory limit needs raising")
        out.append(c)
    return out


def node_rules(inputs: AnalysisInputs) -> list[Candidate]:
    snap = inputs.snapshot
    if snap is None:
        return []
    events = [e for e in snap.events if e.reason in ("NodeNotReady", "NodeLost", "Evicted")
              or ("node" in e.reason.lower() and e.type == "Warning")]
    down: dict[str, int] = {}
    for pod in snap.pods:
        if not pod.ready and pod.node:
            down[pod.node] = down.get(pod.node, 0) + 1
    out = []
    for node, count in down.items():
        on_node = [e for e in events if node in e.message or node in e.object]
        if count >= 2 and on_node:
            c = Candidate("node-failure", f"node/{node}", "escalate",
                          summary=f"node {node} is failing")
            c.add(1.5, f"{count} pods not ready on {node}; {on_node[0].reason}: "
                       f"{on_node[0].message[:120]}")
            out.append(c)
    return out


def all_rules(inputs: AnalysisInputs, onset: Onset) -> list[Candidate]:
    logs = log_findings(inputs.patterns, onset.at, _own(inputs))
    deps = dependency_rules(inputs, onset, logs)
    blamed = any(c.score >= 1.0 for c in deps)
    deploys = deploy_rules(inputs, onset, logs, blamed)
    claimed = {c.culprit.split("/", 1)[1].split("@")[0] for c in deploys
               if c.cause == "resource-limit"}
    return [*deploys, *deps, *capacity_rules(inputs, onset), *oom_rules(inputs, onset, claimed),
            *node_rules(inputs)]
