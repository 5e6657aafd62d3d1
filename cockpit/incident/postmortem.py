"""Incident → post-mortem draft (Markdown or JSON), in the shape our field expects.

Sections follow the Google SRE workbook / PagerDuty form. Everything is drafted
from journalled facts; what the journal cannot know (users, revenue, SLA) is a
visible TODO rather than an invention. Untrusted text is escaped (markdown.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cockpit.incident.facts import Facts, gather
from cockpit.incident.journal import format_ts
from cockpit.incident.markdown import md_code, md_inline
from cockpit.incident.metrics import METRIC_NAMES, format_duration
from cockpit.incident.model import Incident, utcnow

DEFAULT_TARGETS = {"ttd": 5.0, "tta": 5.0, "ttm": 30.0, "ttr": 120.0}  # minutes
TODO = "**TODO**"


def _hm(ts: datetime) -> str:
    return f"{ts.hour:02d}:{ts.minute:02d}:{ts.second:02d}"


def _met(name: str, facts: Facts, targets: Mapping[str, float]) -> bool | None:
    value = facts.times.seconds(name)
    return None if value is None else value <= targets[name] * 60


def render_markdown(incident: Incident, targets: Mapping[str, float] | None = None,
                    now: datetime | None = None, *, facts: Facts | None = None) -> str:
    """The Markdown draft; pass ``facts`` (from gather) to render several formats at once."""
    targets = {**DEFAULT_TARGETS, **(targets or {})}
    facts = facts or gather(incident)
    now = now or utcnow()
    parts = [
        _header(facts, now), _summary(facts), _impact(facts), _timeline(facts), _root_cause(facts),
        _resolution(facts), _reflection(facts, targets), _action_items(facts, targets),
        _lessons(facts), _metrics(facts, targets),
    ]
    return "\n\n".join(p.rstrip() for p in parts) + "\n"


def _header(facts: Facts, now: datetime) -> str:
    inc = facts.incident
    authors = ", ".join(md_inline(a) for a in facts.authors) or md_inline(inc.commander)
    return "\n".join([
        f"# Post-Mortem: {md_inline(inc.title)}",
        "",
        f"**Incident**: {md_code(inc.id)}  ",
        f"**Date**: {inc.opened_at:%Y-%m-%d}  ",
        f"**Severity**: {inc.severity.value}  ",
        f"**Status**: {inc.status.value}  ",
        f"**Duration**: {format_duration(inc.duration(now))}"
        + ("" if inc.resolved_at else " (still open)") + "  ",
        f"**Services**: {', '.join(md_inline(s) for s in inc.services) or TODO}  ",
        f"**Incident commander**: {md_inline(inc.commander)}  ",
        f"**Authors**: {authors} (draft written by cockpit from the incident journal)",
        "",
        "---",
    ])


def _summary(facts: Facts) -> str:
    inc, t = facts.incident, facts.times
    services = ", ".join(md_inline(s) for s in inc.services) or "the service"
    lines = [f"On {t.impact_start:%Y-%m-%d} at {t.impact_start:%H:%M} UTC, {services} "
             f"was affected: {md_inline(inc.title)}."]
    if facts.alerts:
        first = facts.alerts[0]
        lines.append(f"The first alert, {md_inline(first.text)}, fired at {_hm(first.ts)}.")
    lines.append(f"It was detected {format_duration(t.seconds('ttd'))} after impact began"
                 + (f", acknowledged after {format_duration(t.seconds('tta'))}"
                    if t.acknowledged else ", and was never acknowledged")
                 + (f", mitigated after {format_duration(t.seconds('ttm'))}" if t.mitigated else "")
                 + (f" and resolved after {format_duration(t.seconds('ttr'))}." if t.resolved
                    else "; it is not resolved yet."))
    if facts.confirmed:
        hyp = facts.confirmed[0][0]
        lines.append(f"The root cause was identified as {md_inline(hyp.cause)} "
                     f"({md_code(hyp.culprit)})"
                     + (f": {md_inline(hyp.summary)}" if hyp.summary else "") + ".")
    else:
        lines.append(f"{TODO}: no root cause was confirmed during the incident.")
    done = [a for a in facts.actions if a.outcome in ("executed", "verified")]
    if done:
        lines.append(f"It was resolved by: {md_inline(done[0].title)}.")
    return "## Executive Summary\n\n" + " ".join(lines)


def _impact(facts: Facts) -> str:
    inc, t = facts.incident, facts.times
    end = t.mitigated or t.resolved
    rows = [
        ("Services Affected", ", ".join(md_inline(s) for s in inc.services) or TODO),
        ("Impact window", f"{_hm(t.impact_start)} → {_hm(end) if end else 'ongoing'} UTC"
         + (f" ({format_duration((end - t.impact_start).total_seconds())})" if end else "")),
    ]
    for breach in facts.breaches[:5]:
        rows.append((f"Breach: {md_inline(breach.data.get('panel', 'metric'))}",
                     md_inline(breach.text)))
    rows += [
        ("Users Impacted", f"{TODO}: not known to the journal"),
        ("Revenue Impact", f"{TODO}: not known to the journal"),
        ("SLA Breach", f"{TODO}: check the SLO for the impact window above"),
    ]
    body = "\n".join(f"| **{k}** | {v} |" for k, v in rows)
    return f"## Impact Assessment\n\n| Metric | Value |\n|--------|-------|\n{body}"


def _timeline(facts: Facts) -> str:
    rows = []
    for row in facts.timeline:
        when = _hm(row.first) if row.count == 1 else f"{_hm(row.first)}–{_hm(row.last)}"
        who = "cockpit" if row.automatic else md_inline(row.actor)
        rows.append(f"| {when} | {who} | {md_inline(row.text, 400)} |")
    return ("## Timeline (All times UTC)\n\n| Time | Actor | Event |\n|------|-------|-------|\n"
            + "\n".join(rows))


def _root_cause(facts: Facts) -> str:
    out = ["## Root Cause Analysis", "", "### Summary", ""]
    if facts.confirmed:
        for hyp, reason in facts.confirmed:
            out.append(f"**{md_inline(hyp.cause)}** — {md_code(hyp.culprit)} "
                       f"(confidence {hyp.confidence:.0%}, from the {md_inline(hyp.source)} "
                       "analysis)" + (f": {md_inline(hyp.summary)}" if hyp.summary else ""))
            if reason:
                out.append(f"\nConfirmed because: {md_inline(reason)}")
            out += ["", "### Evidence", ""]
            out += [f"- {md_inline(e)}" for e in hyp.evidence] or ["- (none recorded)"]
    else:
        out.append(f"{TODO}: no hypothesis was confirmed during the incident.")
        if facts.proposed:
            out += ["", "Proposed and not yet confirmed:", ""]
            out += [f"- {md_inline(h.cause)} — {md_code(h.culprit)} ({h.confidence:.0%})"
                    for h in facts.proposed]
    out += ["", "### What we ruled out", ""]
    out += [f"- {md_inline(h.cause)} — {md_code(h.culprit)}"
            + (f": {md_inline(reason)}" if reason else "") for h, reason in facts.refuted]
    if not facts.refuted:
        out.append("- Nothing was explicitly ruled out.")
    return "\n".join(out)


def _resolution(facts: Facts) -> str:
    out = ["## Resolution", "", "### Steps Taken", ""]
    steps = [a for a in facts.actions if a.outcome != "verified"]
    for number, action in enumerate(steps, 1):
        command = f" — {md_code(action.command)}" if action.command else ""
        detail = f" ({md_inline(action.detail)})" if action.detail else ""
        out.append(f"{number}. **{_hm(action.at)}** — {action.outcome}: "
                   f"{md_inline(action.title)}{command}{detail}")
    if not steps:
        out.append("No remediation action was run from cockpit.")
    out += ["", "### Verification", ""]
    verified = [a for a in facts.actions if a.outcome == "verified"]
    out += [f"- **{_hm(a.at)}** {md_inline(a.title)}" + (f": {md_inline(a.detail)}"
            if a.detail else "") for a in verified] or [f"- {TODO}: no verification recorded."]
    if facts.gaps:
        out += ["", "### Monitoring gaps", ""]
        for source, since, until, error in facts.gaps:
            back = f"back at {_hm(until)}" if until else "never came back"
            out.append(f"- {md_inline(source)} down from {_hm(since)}, {back}: {md_inline(error)}")
    return "\n".join(out)


def _reflection(facts: Facts, targets: Mapping[str, float]) -> str:
    well, wrong = [], []
    labels = {"ttd": "Detection", "tta": "Acknowledgement", "ttm": "Mitigation",
              "ttr": "Resolution"}
    for name in METRIC_NAMES:
        met = _met(name, facts, targets)
        value = format_duration(facts.times.seconds(name))
        line = f"{labels[name]} took {value} (target {format_duration(targets[name] * 60)})"
        if met is True:
            well.append(f"- ✅ {line}")
        elif met is False:
            wrong.append(f"- ❌ {line}")
    for action in facts.actions:
        if action.outcome == "verified":
            well.append(f"- ✅ {md_inline(action.title)} was verified against the metrics")
        elif action.outcome == "failed":
            wrong.append(f"- ❌ {md_inline(action.title)} failed: {md_inline(action.detail)}")
    if facts.refuted:
        wrong.append(f"- {len(facts.refuted)} hypothesis(es) were investigated and ruled out")
    for source, since, _until, _error in facts.gaps:
        wrong.append(f"- Monitoring gap: {md_inline(source)} was down from {_hm(since)}")
    lucky = [f"- {TODO}: what went our way that we cannot count on next time?"]
    return "\n".join([
        "## What Went Well", "", *(well or [f"- {TODO}"]), "",
        "## What Went Wrong", "", *(wrong or [f"- {TODO}"]), "",
        "## Where We Got Lucky", "", *lucky,
    ])


def _action_items(facts: Facts, targets: Mapping[str, float]) -> str:
    items = [dict(i) for i in facts.action_items]
    for hyp, _ in facts.confirmed:
        items.append({"action": f"Prevent a recurrence of {hyp.cause} ({hyp.culprit})",
                      "priority": "P1"})
    if _met("ttd", facts, targets) is False:
        items.append({"action": "Alert earlier on this failure mode", "priority": "P2"})
    for action in facts.actions:
        if action.outcome == "failed":
            items.append({"action": f"Find out why '{action.title}' failed", "priority": "P2"})
    rows = [
        f"| {md_inline(i.get('action', ''))} | {md_inline(i.get('owner') or 'TODO')} | "
        f"{md_inline(i.get('due') or 'TODO')} | {md_inline(i.get('priority') or 'P3')} | "
        f"{md_inline(i.get('status') or 'Open')} |" for i in items
    ] or [f"| {TODO}: add action items | TODO | TODO | TODO | Open |"]
    return ("## Action Items\n\n| Action | Owner | Due | Priority | Status |\n"
            "|--------|-------|-----|----------|--------|\n" + "\n".join(rows))


def _lessons(facts: Facts) -> str:
    out = ["## Lessons Learned", "", f"{TODO}: what would we do differently?"]
    if facts.notes:
        out += ["", "Notes taken during the incident:", ""]
        out += [f"- **{_hm(n.ts)}** {md_inline(n.actor)}: {md_inline(n.text)}"
                for n in facts.notes]
    return "\n".join(out)


def _metrics(facts: Facts, targets: Mapping[str, float]) -> str:
    names = {"ttd": "Time to Detect (TTD)", "tta": "Time to Acknowledge (TTA)",
             "ttm": "Time to Mitigate (TTM)", "ttr": "Time to Resolve (TTR)"}
    rows = []
    for name in METRIC_NAMES:
        met = _met(name, facts, targets)
        mark = "—" if met is None else ("✅" if met else "❌")
        rows.append(f"| {names[name]} | {format_duration(facts.times.seconds(name))} | "
                    f"{format_duration(targets[name] * 60)} | {mark} |")
    return ("## Metrics\n\n| Metric | Value | Target | Met |\n|--------|-------|--------|-----|\n"
            + "\n".join(rows))


def render_json(incident: Incident, targets: Mapping[str, float] | None = None,
                now: datetime | None = None, *, facts: Facts | None = None,
                indent: int | None = 2) -> str:
    """The same facts as JSON (``indent=None`` is several times faster for big incidents)."""
    targets = {**DEFAULT_TARGETS, **(targets or {})}
    facts = facts or gather(incident)
    now = now or utcnow()
    doc: dict[str, Any] = {
        "id": incident.id, "title": incident.title, "severity": incident.severity.value,
        "status": incident.status.value, "services": list(incident.services),
        "commander": incident.commander, "authors": facts.authors,
        "opened_at": format_ts(incident.opened_at), "duration_s": incident.duration(now),
        "metrics": {n: {"seconds": facts.times.seconds(n), "target_s": targets[n] * 60,
                        "met": _met(n, facts, targets)} for n in METRIC_NAMES},
        "timeline": [{"first": format_ts(r.first), "last": format_ts(r.last), "actor": r.actor,
                      "text": r.text, "count": r.count, "automatic": r.automatic}
                     for r in facts.timeline],
        "root_cause": [h.to_data() | {"reason": r} for h, r in facts.confirmed],
        "ruled_out": [h.to_data() | {"reason": r} for h, r in facts.refuted],
        "actions": [{"title": a.title, "command": a.command, "outcome": a.outcome,
                     "at": format_ts(a.at), "detail": a.detail} for a in facts.actions],
        "monitoring_gaps": [{"source": s, "from": format_ts(a), "to": format_ts(b) if b else None,
                             "error": e} for s, a, b, e in facts.gaps],
        "action_items": facts.action_items,
    }
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


def render_all(incident: Incident, targets: Mapping[str, float] | None = None,
               now: datetime | None = None) -> tuple[str, str]:
    """Markdown and compact JSON from one pass over the journal."""
    facts = gather(incident)
    return (render_markdown(incident, targets, now, facts=facts),
            render_json(incident, targets, now, facts=facts, indent=None))
