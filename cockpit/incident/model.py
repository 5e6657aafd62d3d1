"""Incidents as a fold over an ordered stream of immutable events.

The journal stores events only; an :class:`Incident` is what replaying them
gives. Keeping state derived means a resumed incident is exactly the one that
was left, and the post-mortem can be rebuilt from the same bytes at any time.

The records are frozen msgspec structs rather than frozen dataclasses because this
module loads before the first frame (see cockpit/config/schema.py for the cost).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from msgspec import Struct, field
from msgspec.structs import force_setattr, replace

AUTO_ACTOR = "cockpit"


class Severity(enum.StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


class Status(enum.StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class EventKind(enum.StrEnum):
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_REOPENED = "incident_reopened"
    ALERT_FIRED = "alert_fired"
    ALERT_RESOLVED = "alert_resolved"
    DEPLOY_DETECTED = "deploy_detected"
    METRIC_BREACH = "metric_breach"
    METRIC_RECOVERED = "metric_recovered"
    SOURCE_DOWN = "source_down"
    SOURCE_RECOVERED = "source_recovered"
    ACKNOWLEDGED = "acknowledged"
    NOTE = "note"
    STATUS_CHANGED = "status_changed"
    SEVERITY_CHANGED = "severity_changed"
    HYPOTHESIS_PROPOSED = "hypothesis_proposed"
    HYPOTHESIS_CONFIRMED = "hypothesis_confirmed"
    HYPOTHESIS_REFUTED = "hypothesis_refuted"
    ACTION_PREVIEWED = "action_previewed"
    ACTION_CONFIRMED = "action_confirmed"
    ACTION_DECLINED = "action_declined"
    ACTION_EXECUTED = "action_executed"
    ACTION_FAILED = "action_failed"
    ACTION_VERIFIED = "action_verified"
    ACTION_ITEM = "action_item"
    POSTMORTEM_WRITTEN = "postmortem_written"


#: Events cockpit records by itself (shown apart from the engineer's).
AUTOMATIC_KINDS = frozenset(
    {
        EventKind.ALERT_FIRED,
        EventKind.ALERT_RESOLVED,
        EventKind.DEPLOY_DETECTED,
        EventKind.METRIC_BREACH,
        EventKind.METRIC_RECOVERED,
        EventKind.SOURCE_DOWN,
        EventKind.SOURCE_RECOVERED,
    }
)


def utcnow() -> datetime:
    """Now, timezone-aware UTC, truncated to milliseconds (the journal's precision)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _freeze(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


class Event(Struct, frozen=True):
    """One thing that happened, stamped in UTC with millisecond precision.

    ``key`` is an optional idempotency key (for example an alert's fingerprint
    and state): an event whose key is already journalled is not written again,
    so a reconnect or a restart never duplicates a timeline entry.
    """

    ts: datetime
    kind: EventKind
    actor: str
    text: str
    data: Mapping[str, Any] = field(default_factory=lambda: _freeze(None))
    key: str | None = None

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware")
        force_setattr(self, "ts", self.ts.astimezone(UTC))
        force_setattr(self, "kind", EventKind(self.kind))
        if not isinstance(self.data, MappingProxyType):
            force_setattr(self, "data", _freeze(self.data))

    @property
    def automatic(self) -> bool:
        return self.kind in AUTOMATIC_KINDS


def _next_state(status: Status, severity: Severity, event: Event) -> tuple[Status, Severity]:
    if event.kind is EventKind.STATUS_CHANGED:
        return Status(event.data["to"]), severity
    if event.kind is EventKind.SEVERITY_CHANGED:
        return status, Severity(event.data["to"])
    if event.kind is EventKind.INCIDENT_REOPENED:
        return Status.INVESTIGATING, severity
    return status, severity


class Incident(Struct, frozen=True):
    """The state an incident's events add up to."""

    id: str
    title: str
    severity: Severity
    status: Status
    services: tuple[str, ...]
    commander: str
    opened_at: datetime
    namespace: str = ""
    events: tuple[Event, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is not Status.RESOLVED

    @property
    def last_event_at(self) -> datetime:
        return self.events[-1].ts if self.events else self.opened_at

    @property
    def resolved_at(self) -> datetime | None:
        for event in reversed(self.events):
            if event.kind is EventKind.STATUS_CHANGED and event.data.get("to") == Status.RESOLVED:
                return event.ts
        return None

    def duration(self, now: datetime | None = None) -> float:
        """Seconds from opening to resolution (or to ``now`` while open)."""
        end = self.resolved_at or now or utcnow()
        return max(0.0, (end - self.opened_at).total_seconds())

    def with_event(self, event: Event) -> Incident:
        """The incident after ``event`` (a pure function of the two)."""
        status, severity = _next_state(self.status, self.severity, event)
        return replace(self, status=status, severity=severity, events=(*self.events, event))

    @classmethod
    def from_events(cls, incident_id: str, events: Iterable[Event]) -> Incident:
        """Replay ``events``; the first must be ``incident_opened``."""
        events = list(events)
        if not events or events[0].kind is not EventKind.INCIDENT_OPENED:
            raise ValueError(f"incident {incident_id}: journal does not start with incident_opened")
        opened = events[0].data
        status = Status(opened.get("status", Status.INVESTIGATING))
        severity = Severity(opened["severity"])
        for event in events[1:]:
            status, severity = _next_state(status, severity, event)
        return cls(
            id=incident_id,
            title=str(opened["title"]),
            severity=severity,
            status=status,
            services=tuple(opened.get("services", ())),
            commander=str(opened.get("commander", events[0].actor)),
            opened_at=events[0].ts,
            namespace=str(opened.get("namespace", "")),
            events=tuple(events),
        )


class Hypothesis(Struct, frozen=True):
    """A candidate root cause with the facts behind it."""

    id: str
    cause: str
    culprit: str
    confidence: float
    evidence: tuple[str, ...]
    remedy: str
    source: str = "offline"
    summary: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cause": self.cause,
            "culprit": self.culprit,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
            "remedy": self.remedy,
            "source": self.source,
            "summary": self.summary,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Hypothesis:
        return cls(
            id=str(data["id"]),
            cause=str(data["cause"]),
            culprit=str(data.get("culprit", "")),
            confidence=float(data.get("confidence", 0.0)),
            evidence=tuple(str(e) for e in data.get("evidence", ())),
            remedy=str(data.get("remedy", "")),
            source=str(data.get("source", "offline")),
            summary=str(data.get("summary", "")),
        )
