"""The list of actions the engineer may run, ordered by what the analysis suspects.

Built from the cluster snapshot (what exists), the current hypotheses (what is
likely wrong) and the team's runbook (what else is allowed). A bad deploy puts
its rollback first; a dependency outage demotes rollback and turns "escalate"
into advice, because no cluster action fixes someone else's database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from cockpit.actions.plans import ActionKind, Advice, Plan
from cockpit.config.schema import ActionsConfig
from cockpit.incident.model import Hypothesis
from cockpit.sources.base import ClusterSnapshot

BASE_SCORE = {ActionKind.ROLLBACK: 0.30, ActionKind.RESTART: 0.25, ActionKind.SCALE: 0.20,
              ActionKind.RESUME: 0.15, ActionKind.PAUSE: 0.10, ActionKind.CORDON: 0.10,
              ActionKind.RUNBOOK: 0.05}
ADVICE_REMEDIES = ("escalate", "none")


@dataclass(frozen=True)
class Catalogue:
    plans: tuple[Plan, ...]
    advice: tuple[Advice, ...]
    namespace: str
    max_replicas: int
    revisions: Mapping[str, tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({}))  # deployment -> revision numbers
    nodes: frozenset[str] = frozenset()
    runbook: frozenset[str] = frozenset()
    context: str = ""

    @property
    def deployments(self) -> frozenset[str]:
        return frozenset(self.revisions)

    def first(self) -> Plan | None:
        return self.plans[0] if self.plans else None


def parse_culprit(culprit: str) -> tuple[str, str, int | None]:
    """``deployment/api-gateway@42`` → ("deployment", "api-gateway", 42)."""
    kind, _, rest = culprit.partition("/")
    if not rest:
        return "", culprit, None
    name, _, rev = rest.partition("@")
    return kind, name, int(rev) if rev.isdigit() else None


def build_catalogue(snapshot: ClusterSnapshot | None, hypotheses: Sequence[Hypothesis],
                    cfg: ActionsConfig, *, namespace: str = "", focus: str = "",
                    context: str = "") -> Catalogue:
    namespace = snapshot.namespace if snapshot is not None else namespace
    scored: dict[tuple[ActionKind, str], tuple[float, Plan]] = {}
    revisions: dict[str, tuple[int, ...]] = {}
    nodes: set[str] = set()

    def offer(plan: Plan, score: float) -> None:
        key = (plan.kind, plan.name)
        old = scored.get(key)
        if old is None or score > old[0]:
            scored[key] = (score, plan)

    deployments = {d.name: d for d in snapshot.deployments} if snapshot is not None else {}
    for name, dep in deployments.items():
        revs = tuple(r.revision for r in (snapshot.revisions.get(name, ()) if snapshot else ()))
        revisions[name] = revs
        bonus = 0.01 if name == focus else 0.0
        older = [r for r in revs if r < dep.revision]
        if older:
            offer(Plan(ActionKind.ROLLBACK, name, namespace, older[-1],
                       label=f"rollback {name} {dep.revision} → {older[-1]}", context=context),
                  BASE_SCORE[ActionKind.ROLLBACK] + bonus)
        offer(Plan(ActionKind.RESTART, name, namespace, context=context),
              BASE_SCORE[ActionKind.RESTART] + bonus)
        more = min(cfg.max_replicas, max(dep.replicas + 1, math.ceil(dep.replicas * 1.5)))
        if more != dep.replicas:
            offer(Plan(ActionKind.SCALE, name, namespace, replicas=more,
                       label=f"scale {name} {dep.replicas} → {more}", context=context),
                  BASE_SCORE[ActionKind.SCALE] + bonus)
        if dep.rollout_status == "paused":
            offer(Plan(ActionKind.RESUME, name, namespace, context=context),
                  BASE_SCORE[ActionKind.RESUME] + bonus)
        elif dep.rollout_status in ("progressing", "failed"):
            offer(Plan(ActionKind.PAUSE, name, namespace, context=context),
                  BASE_SCORE[ActionKind.PAUSE] + bonus)
    if snapshot is not None:
        nodes = {p.node for p in snapshot.pods if p.node}

    advice: list[Advice] = []
    for hyp in sorted(hypotheses, key=lambda h: -h.confidence):
        kind, name, rev = parse_culprit(hyp.culprit)
        why = hyp.summary or hyp.cause
        if hyp.remedy in ADVICE_REMEDIES:
            advice.append(Advice(f"{hyp.remedy}: {why}", f"{hyp.cause} ({hyp.confidence:.0%})"))
            key = (ActionKind.ROLLBACK, name) if kind == "deployment" else None
            for (k, n), (score, plan) in list(scored.items()):
                if k is ActionKind.ROLLBACK and (key is None or n == name):
                    scored[(k, n)] = (score - hyp.confidence, plan)  # not a deploy's fault
            continue
        boost = 1.0 + hyp.confidence
        reason = f"{hyp.cause} ({hyp.confidence:.0%}): {why}"
        if kind == "node" and hyp.remedy in ("cordon", "drain"):
            offer(Plan(ActionKind.CORDON, name, "", reason=reason, context=context), boost)
            continue
        suspect = deployments.get(name)
        if kind != "deployment" or suspect is None:
            continue
        if hyp.remedy == "rollback":
            older = [r for r in revisions.get(name, ()) if r < (rev or suspect.revision)]
            if (rev is not None and rev != suspect.revision) or not older:
                continue  # the suspect revision is no longer running
            offer(Plan(ActionKind.ROLLBACK, name, namespace, older[-1],
                       label=f"rollback {name} {suspect.revision} → {older[-1]}", reason=reason,
                       context=context), boost)
        elif hyp.remedy in ("restart", "scale"):
            existing = scored.get((ActionKind(hyp.remedy), name))
            if existing is not None:
                old = existing[1]
                offer(Plan(old.kind, old.name, old.namespace, old.to_revision, old.replicas,
                           label=old.label, reason=reason, context=context), boost)

    for action in cfg.runbook:
        offer(Plan(ActionKind.RUNBOOK, action.name, namespace,
                   label=f"runbook: {action.name}", reason=action.description),
              BASE_SCORE[ActionKind.RUNBOOK])
    ordered = [plan for _score, plan in sorted(scored.values(), key=lambda sp: -sp[0])]
    return Catalogue(tuple(ordered), tuple(advice), namespace, cfg.max_replicas,
                     MappingProxyType(revisions), frozenset(nodes),
                     frozenset(a.name for a in cfg.runbook), context)
