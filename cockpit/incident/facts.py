"""What the post-mortem says, extracted from the journal once.

Both renderers (Markdown and JSON) read these facts, so the two formats can
never disagree. A flood of similar automatic events (alert flaps, repeated
breaches) is condensed into one timeline row with a count and first/last time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from cockpit.incident.metrics import ResponseTimes, response_times
from cockpit.incident.model import Event, EventKind, Hypothesis, Incident

CONDENSE_AT = 4  # a run this long of one family becomes one row
_DIGITS = re.compile(r"\d+(?:\.\d+)?")

#: Kinds that are not worth a timeline row of their own.
_QUIET = frozenset({EventKind.POSTMORTEM_WRITTEN})


@dataclass(frozen=True)
class TimelineRow:
    first: datetime
    last: datetime
    actor: str
    text: str
    count: int
    automatic: bool
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class ActionFact:
    title: str
    command: str
    outcome: str  # executed | failed | declined | verified
    at: datetime
    detail: str


@dataclass
class Facts:
    incident: Incident
    times: ResponseTimes
    timeline: list[TimelineRow] = field(default_factory=list)
    confirmed: list[tuple[Hypothesis, str]] = field(default_factory=list)
    refuted: list[tuple[Hypothesis, str]] = field(default_factory=list)
    proposed: list[Hypothesis] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    notes: list[Event] = field(default_factory=list)
    breaches: list[Event] = field(default_factory=list)
    alerts: list[Event] = field(default_factory=list)
    gaps: list[tuple[str, datetime, datetime | None, str]] = field(default_factory=list)
    action_items: list[dict[str, str]] = field(default_factory=list)

    @property
    def authors(self) -> list[str]:
        people = [e.actor for e in self.incident.events if not e.automatic]
        return list(dict.fromkeys(p for p in people if p and p != "cockpit"))


def _family(event: Event) -> str | None:
    """Events of one family may be condensed together (None: never condensed)."""
    if event.kind in (EventKind.ALERT_FIRED, EventKind.ALERT_RESOLVED):
        return "alert:" + str(event.data.get("alertname") or _DIGITS.sub("#", event.text))
    if event.automatic:
        return f"{event.kind.value}:{_DIGITS.sub('#', event.text)}"
    return None


def condensed_timeline(events: list[Event]) -> list[TimelineRow]:
    rows: list[TimelineRow] = []
    run: list[Event] = []
    run_family: str | None = None

    def flush() -> None:
        if not run:
            return
        if len(run) >= CONDENSE_AT:
            kinds = tuple(dict.fromkeys(e.kind.value for e in run))
            counts = ", ".join(
                f"{sum(1 for e in run if e.kind.value == k)}× {k.replace('_', ' ')}" for k in kinds
            )
            text = f"{run[0].text} — repeated: {counts}"
            rows.append(TimelineRow(run[0].ts, run[-1].ts, run[0].actor, text, len(run),
                                    True, kinds))
        else:
            rows.extend(TimelineRow(e.ts, e.ts, e.actor, e.text, 1, e.automatic,
                                    (e.kind.value,)) for e in run)
        run.clear()

    for event in events:
        if event.kind in _QUIET:
            continue
        family = _family(event)
        if run and family is not None and run_family == family:
            run.append(event)
            continue
        flush()
        run.append(event)
        run_family = family
    flush()
    return rows


def gather(incident: Incident) -> Facts:
    facts = Facts(incident, response_times(incident))
    facts.timeline = condensed_timeline(list(incident.events))
    hypotheses: dict[str, Hypothesis] = {}
    verdicts: dict[str, tuple[str, str]] = {}
    previews: dict[str, Event] = {}
    down: dict[str, tuple[datetime, str]] = {}
    for event in incident.events:
        data = event.data
        kind = event.kind
        if kind is EventKind.HYPOTHESIS_PROPOSED and "hypothesis" in data:
            hyp = Hypothesis.from_data(data["hypothesis"])
            hypotheses[hyp.id] = hyp
        elif kind in (EventKind.HYPOTHESIS_CONFIRMED, EventKind.HYPOTHESIS_REFUTED):
            hyp_id = str(data.get("id", ""))
            if "hypothesis" in data:
                hypotheses.setdefault(hyp_id, Hypothesis.from_data(data["hypothesis"]))
            verdicts[hyp_id] = (kind.value, str(data.get("reason", "")))
        elif kind is EventKind.ACTION_PREVIEWED:
            previews[str(data.get("action_id", ""))] = event
        elif kind in (EventKind.ACTION_EXECUTED, EventKind.ACTION_FAILED,
                      EventKind.ACTION_DECLINED, EventKind.ACTION_VERIFIED):
            preview = previews.get(str(data.get("action_id", "")))
            command = str(data.get("command") or (preview.data.get("command") if preview else "")
                          or "")
            facts.actions.append(ActionFact(
                str(data.get("title") or event.text), command,
                kind.value.removeprefix("action_"), event.ts, str(data.get("detail", "")),
            ))
        elif kind is EventKind.NOTE:
            facts.notes.append(event)
        elif kind is EventKind.METRIC_BREACH:
            facts.breaches.append(event)
        elif kind is EventKind.ALERT_FIRED:
            facts.alerts.append(event)
        elif kind is EventKind.SOURCE_DOWN:
            down.setdefault(str(data.get("source", "")), (event.ts, str(data.get("error", ""))))
        elif kind is EventKind.SOURCE_RECOVERED:
            source = str(data.get("source", ""))
            if source in down:
                since, error = down.pop(source)
                facts.gaps.append((source, since, event.ts, error))
        elif kind is EventKind.ACTION_ITEM:
            facts.action_items.append({k: str(data.get(k, "")) for k in
                                       ("action", "owner", "due", "priority", "status")})
    facts.gaps.extend((source, since, None, error) for source, (since, error) in down.items())
    for hyp_id, hyp in hypotheses.items():
        verdict, reason = verdicts.get(hyp_id, ("", ""))
        if verdict == EventKind.HYPOTHESIS_CONFIRMED:
            facts.confirmed.append((hyp, reason))
        elif verdict == EventKind.HYPOTHESIS_REFUTED:
            facts.refuted.append((hyp, reason))
        else:
            facts.proposed.append(hyp)
    return facts
