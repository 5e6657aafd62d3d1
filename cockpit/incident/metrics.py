"""Incident response times, computed only from journalled events.

Definitions (documented in the README, used by the post-mortem and stats):

* impact start: the earliest of the first ``metric_breach``, the first
  ``alert_fired`` (its alert's own ``starts_at`` when known) and an
  ``impact_started_at`` given when the incident was opened;
* detected: the first ``alert_fired`` or the opening of the incident,
  whichever came first;
* TTD = detected - impact start; TTA = first ``acknowledged`` - detected;
  TTM = first status change to mitigated (or straight to resolved) - detected;
  TTR = first status change to resolved - detected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from msgspec import Struct

from cockpit.incident.journal import parse_ts
from cockpit.incident.model import EventKind, Incident, Status

METRIC_NAMES = ("ttd", "tta", "ttm", "ttr")


class ResponseTimes(Struct, frozen=True):
    impact_start: datetime
    detected: datetime
    acknowledged: datetime | None
    mitigated: datetime | None
    resolved: datetime | None

    def seconds(self, name: str) -> float | None:
        end = {
            "ttd": self.detected,
            "tta": self.acknowledged,
            "ttm": self.mitigated,
            "ttr": self.resolved,
        }[name]
        if end is None:
            return None
        start = self.impact_start if name == "ttd" else self.detected
        return max(0.0, (end - start).total_seconds())


def _first(times: Iterable[datetime | None]) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def response_times(incident: Incident) -> ResponseTimes:
    symptoms: list[datetime] = []
    alerts: list[datetime] = []
    acknowledged = mitigated = resolved = None
    opened_data = incident.events[0].data if incident.events else {}
    if opened_data.get("impact_started_at"):
        symptoms.append(parse_ts(str(opened_data["impact_started_at"])))
    for event in incident.events:
        if event.kind is EventKind.METRIC_BREACH:
            symptoms.append(_data_time(event.data.get("since")) or event.ts)
        elif event.kind is EventKind.ALERT_FIRED:
            alerts.append(event.ts)
            symptoms.append(_data_time(event.data.get("starts_at")) or event.ts)
        elif event.kind is EventKind.ACKNOWLEDGED and acknowledged is None:
            acknowledged = event.ts
        elif event.kind is EventKind.STATUS_CHANGED:
            to = event.data.get("to")
            if to in (Status.MITIGATED, Status.RESOLVED) and mitigated is None:
                mitigated = event.ts
            if to == Status.RESOLVED and resolved is None:
                resolved = event.ts
    detected = _first([incident.opened_at, *alerts]) or incident.opened_at
    impact_start = min(_first(symptoms) or detected, detected)
    return ResponseTimes(impact_start, detected, acknowledged, mitigated, resolved)


def _data_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_ts(value)
    except ValueError:
        return None


def format_duration(seconds: float | None) -> str:
    """``2h 14m``, ``4m 05s``, ``12s``; an em dash when unknown."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


class Aggregate(Struct, frozen=True):
    """Means over a set of incidents (None where no incident had the value)."""

    count: int
    open: int
    means: dict[str, float | None]


def aggregate(incidents: Sequence[Incident], *, since: datetime | None = None) -> Aggregate:
    chosen = [i for i in incidents if since is None or i.opened_at >= since]
    means: dict[str, float | None] = {}
    for name in METRIC_NAMES:
        values = [v for i in chosen if (v := response_times(i).seconds(name)) is not None]
        means[name] = sum(values) / len(values) if values else None
    return Aggregate(len(chosen), sum(1 for i in chosen if i.is_open), means)


def window_start(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
