"""Turn successive Alertmanager snapshots into timeline events, exactly once.

Alertmanager only answers "what is active now"; the timeline wants "it fired"
and "it resolved". Each change carries an idempotency key (fingerprint,
startsAt to the millisecond, kind) that the journal stores; a tracker seeded
with the journalled keys after a cockpit restart, or fed the same alerts
re-posted after an Alertmanager restart, never emits the same event twice.
An alert missing from the API counts as resolved once it has been gone for
``resolve_grace_s`` (an Alertmanager restart empties its memory until the
senders re-post, which Prometheus does every minute).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from msgspec import Struct
from msgspec.structs import replace

from cockpit.sources.base import Alert, frozen_map

ACTIVE_STATES = ("firing", "suppressed")


class AlertChange(Struct, frozen=True):
    kind: str  # "fired" | "resolved"
    key: str  # idempotency key for the journal
    at: datetime  # when it fired (startsAt) or resolved (endsAt or last seen)
    alert: Alert


def _ms(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="milliseconds")


def change_key(alert: Alert, kind: str) -> str:
    return f"alert:{alert.fingerprint}:{_ms(alert.starts_at)}:{kind}"


def _parse_key(key: str) -> tuple[str, str, str] | None:
    head, _, rest = key.partition(":")
    fingerprint, _, rest = rest.partition(":")
    starts, _, kind = rest.rpartition(":")
    if head != "alert" or not fingerprint or not starts:
        return None
    return fingerprint, starts, kind


class AlertTracker:
    """Remembers what it has announced; ``changes`` returns only what is new."""

    def __init__(self, seen_keys: Iterable[str] = (), resolve_grace_s: float = 90.0) -> None:
        self.seen: set[str] = set(seen_keys)
        self.resolve_grace_s = resolve_grace_s
        self._active: dict[tuple[str, str], tuple[Alert, datetime | None]] = {}
        for key in self.seen:  # fired in the journal, never resolved: still open
            parsed = _parse_key(key)
            if not parsed or parsed[2] != "fired" or key[:-5] + "resolved" in self.seen:
                continue
            try:
                starts = datetime.fromisoformat(parsed[1])
            except ValueError:
                continue
            placeholder = Alert(parsed[0], parsed[0], "firing", "", frozen_map(), frozen_map(),
                                starts, None)
            self._active[(parsed[0], parsed[1])] = (placeholder, None)

    def changes(self, alerts: Iterable[Alert], now: datetime) -> list[AlertChange]:
        out: list[AlertChange] = []
        present: set[tuple[str, str]] = set()
        for alert in alerts:
            ident = (alert.fingerprint, _ms(alert.starts_at))
            if alert.state not in ACTIVE_STATES:
                out.extend(self._resolve(ident, alert, alert.ends_at or now))
                continue
            present.add(ident)
            self._active[ident] = (alert, now)
            key = change_key(alert, "fired")
            if key not in self.seen:
                self.seen.add(key)
                out.append(AlertChange("fired", key, alert.starts_at, alert))
        for ident, (alert, last_seen) in list(self._active.items()):
            if ident in present:
                continue
            if last_seen is None:  # open in the journal: start the grace period now
                self._active[ident] = (alert, now)
                last_seen = now
            if (now - last_seen).total_seconds() < self.resolve_grace_s:
                continue
            ended = alert.ends_at if alert.ends_at and alert.ends_at <= now else last_seen
            out.extend(self._resolve(ident, alert, ended))
        return out

    def _resolve(self, ident: tuple[str, str], alert: Alert, at: datetime) -> list[AlertChange]:
        self._active.pop(ident, None)
        key = change_key(alert, "resolved")
        if key in self.seen:
            return []
        self.seen.add(key)
        return [AlertChange("resolved", key, at, replace(alert, state="resolved", ends_at=at))]
