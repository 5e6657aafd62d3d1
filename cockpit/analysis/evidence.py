"""The facts a root-cause hypothesis may cite, read off the inputs with numbers and times.

Every fact is something the engineer can check on screen ("error ratio 0.1% -> 47% at
10:29:50"; "847 lines matching '...' since 10:28:45, none before"). The rules weigh
them; nothing here guesses a cause. Log text is untrusted: it is quoted, never obeyed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from cockpit.analysis.changepoints import ChangePoint, format_value, panel_changes
from cockpit.analysis.pattern_snapshot import PatternSnapshot, TemplateStats
from cockpit.analysis.revision_diff import Templates
from cockpit.sources.base import Alert, ClusterSnapshot, PanelData, Pod, Revision

SYMPTOM_PANELS = ("error_ratio", "latency_p99", "latency_p50", "latency")
LOG_MARGIN_S = 60.0  # a template first seen this long before the onset still counts as new
TROUBLE_REASONS = ("CrashLoopBackOff", "OOMKilled", "Error", "ImagePullBackOff",
                   "ErrImagePull", "CreateContainerConfigError", "RunContainerError")
_HOST_PORT = re.compile(r"\b([a-z][a-z0-9-]*[a-z0-9])(?:\.[a-z0-9-]+)*:\d{2,5}\b")
_DEPENDENCY_WORD = re.compile(r"\bdependency[ =:]+\"?([a-z][a-z0-9-]*[a-z0-9])")
_ALERT_TARGET_KEYS = ("dependency", "instance", "service", "target", "job")


@dataclass(frozen=True)
class AnalysisInputs:
    """Everything the offline analyzer reads; any part may be empty."""

    now: datetime
    service: str = ""  # the deployment/service under watch
    panels: tuple[PanelData, ...] = ()
    snapshot: ClusterSnapshot | None = None
    alerts: tuple[Alert, ...] = ()
    patterns: PatternSnapshot | None = None
    templates: Templates = field(default_factory=lambda: MappingProxyType({}))
    dependency_panels: tuple[PanelData, ...] = ()


def clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S")


def span(seconds: float) -> str:
    """2 h 14 m, 35 m, 40 s."""
    seconds = abs(seconds)
    if seconds >= 86400:
        return f"{seconds // 86400:.0f} d {seconds % 86400 // 3600:.0f} h"
    if seconds >= 3600:
        return f"{seconds // 3600:.0f} h {seconds % 3600 // 60:.0f} m"
    if seconds >= 60:
        return f"{seconds // 60:.0f} m"
    return f"{seconds:.0f} s"


def describe_change(cp: ChangePoint) -> str:
    where = f" [{cp.labels}]" if cp.labels else ""
    text = (f"{cp.title}{where} {format_value(cp.baseline, cp.unit)} -> "
            f"{format_value(cp.level, cp.unit)} at {clock(cp.onset)}")
    if cp.recovered_at is not None:
        text += f", back to normal at {clock(cp.recovered_at)}"
    return text


@dataclass(frozen=True)
class Onset:
    at: float | None
    changes: tuple[ChangePoint, ...]  # every change point, earliest first
    symptom: ChangePoint | None  # the one that dates the onset


def find_onset(inputs: AnalysisInputs) -> Onset:
    changes = tuple(panel_changes(inputs.panels))
    symptoms = [c for c in changes if c.panel in SYMPTOM_PANELS and c.direction == "up"]
    if symptoms:
        return Onset(symptoms[0].onset, changes, symptoms[0])
    firing = [a.starts_at.timestamp() for a in inputs.alerts if a.state == "firing"]
    return Onset(min(firing) if firing else None, changes, None)


def deployment_of(pod: str, deployments: Iterable[str]) -> str:
    """The deployment a pod belongs to, by the longest name prefix."""
    best = ""
    for name in deployments:
        if pod.startswith(name + "-") and len(name) > len(best):
            best = name
    return best


@dataclass(frozen=True)
class PodTrouble:
    pods: tuple[Pod, ...]  # pods of the revision not serving
    oomkilled: int
    crashloop: int
    restarts: int
    reasons: tuple[str, ...]

    def describe(self, revision: Revision) -> str:
        parts = []
        if self.crashloop:
            parts.append(f"{self.crashloop} in CrashLoopBackOff")
        if self.oomkilled:
            parts.append(f"{self.oomkilled} last terminated OOMKilled")
        other = [r for r in self.reasons if r not in ("CrashLoopBackOff", "OOMKilled")]
        if other:
            parts.append(", ".join(sorted(set(other))))
        return (f"{len(self.pods)} pod(s) of revision {revision.revision} not serving "
                f"({'; '.join(parts) or 'not ready'}), {self.restarts} restarts")


def pod_trouble(snapshot: ClusterSnapshot | None, revision: Revision) -> PodTrouble | None:
    if snapshot is None:
        return None
    mine = [p for p in snapshot.pods if p.owner == revision.replicaset]
    bad = [p for p in mine if not p.ready and (p.reason in TROUBLE_REASONS
                                                or p.last_termination_reason in TROUBLE_REASONS
                                                or p.restarts > 0)]
    if not bad:
        return None
    return PodTrouble(tuple(bad), sum(p.last_termination_reason == "OOMKilled" for p in bad),
                      sum(p.reason == "CrashLoopBackOff" for p in bad),
                      sum(p.restarts for p in bad),
                      tuple(r for p in bad for r in (p.reason, p.last_termination_reason) if r))


def ooms_without_change(snapshot: ClusterSnapshot | None) -> dict[str, int]:
    """Deployment -> pods OOMKilled (whatever their revision)."""
    out: dict[str, int] = {}
    if snapshot is None:
        return out
    names = [d.name for d in snapshot.deployments]
    for pod in snapshot.pods:
        if pod.last_termination_reason == "OOMKilled":
            dep = deployment_of(pod.name, names)
            out[dep] = out.get(dep, 0) + 1
    return out


@dataclass(frozen=True)
class LogFinding:
    """A warn/error template that appeared (or surged) at the onset."""

    template: TemplateStats
    after: int  # lines since the onset (minus the margin)
    before: int  # lines before it, in the snapshot's history
    deployments: tuple[str, ...]
    dependency: str  # a host or dependency named in its lines, "" if none
    history_from: float = 0.0  # the first line the snapshot holds

    def describe(self, since: float, until: float) -> str:
        text = self.template.template if len(self.template.template) <= 110 \
            else self.template.template[:107] + "..."
        if self.before:
            before = f"{self.before} before"
        elif self.history_from < since:
            before = f"none between {clock(self.history_from)} and {clock(since)}"
        else:
            before = f"first seen {clock(self.template.first_seen)}"
        return (f"{self.after} {self.template.level or 'log'} lines matching '{text}' between "
                f"{clock(since)} and {clock(until)}, {before}")


def named_dependency(texts: Iterable[str], own: Sequence[str]) -> str:
    for text in texts:
        for pattern in (_DEPENDENCY_WORD, _HOST_PORT):
            for match in pattern.finditer(text):
                name = match.group(1)
                if name not in own and deployment_of(name + "-x", own) == "":
                    return name
    return ""


def log_findings(patterns: PatternSnapshot | None, onset: float | None,
                 own: Sequence[str]) -> list[LogFinding]:
    """warn/error templates new since the onset, or at least 5x busier after it than before."""
    if patterns is None or onset is None or patterns.since is None:
        return []
    cut = onset - LOG_MARGIN_S
    history = max(1.0, cut - patterns.since)
    out = []
    for t in patterns.templates:
        if t.continuation or t.level not in ("error", "warn"):
            continue
        after = t.count_between(cut, float("inf"))
        before = t.count_between(float("-inf"), cut)
        recent = max(1.0, (patterns.until or cut) - cut)
        if after < 3 or (before and after / recent < 5 * before / history):
            continue
        deps = tuple(sorted({deployment_of(p, own) for p in t.pods} - {""}))
        out.append(LogFinding(t, after, before, deps,
                              named_dependency((t.template, *t.examples), own),
                              patterns.since))
    return sorted(out, key=lambda f: -f.after)


def alert_dependency(alert: Alert, own: Sequence[str], namespace: str) -> str:
    """The name of what a firing alert is about, when it is not one of our deployments."""
    for key in _ALERT_TARGET_KEYS:
        value = alert.labels.get(key, "")
        if not value:
            continue
        host = value.split(":")[0].split(".")[0]
        if host in own or deployment_of(host + "-x", own) or host == namespace:
            return ""
        return host
    return ""


def revision_pairs(
        snapshot: ClusterSnapshot | None) -> Mapping[str, tuple[Revision, Revision | None]]:
    """Deployment -> (current revision, the one before it)."""
    out: dict[str, tuple[Revision, Revision | None]] = {}
    if snapshot is None:
        return out
    current = {d.name: d.revision for d in snapshot.deployments}
    for name, revs in snapshot.revisions.items():
        if not revs:
            continue
        number = current.get(name, revs[-1].revision)
        now = next((r for r in revs if r.revision == number), revs[-1])
        older = [r for r in revs if r.revision < now.revision]
        out[name] = (now, older[-1] if older else None)
    return out
