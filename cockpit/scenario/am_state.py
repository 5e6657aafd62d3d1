"""Alertmanager 0.25's alert and silence model, for the loopback Alertmanager.

Posted alerts merge by fingerprint the way Alertmanager's mem provider does,
alerts without endsAt time out after resolve_timeout, and silences mute
alerts by label matchers (anchored regexes), so the cockpit's silence and
acknowledge flows behave against the simulator as against production.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cockpit.scenario.wire import parse_rfc3339

RESOLVE_TIMEOUT_S = 300.0
_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$')


class AMError(ValueError):
    """A request Alertmanager would answer with 400 and this message."""


@dataclass(frozen=True)
class LabelMatcher:
    name: str
    value: str
    is_regex: bool = False
    is_equal: bool = True

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.is_regex:
            try:
                hit = re.fullmatch(f"(?:{self.value})", actual) is not None
            except re.error:
                hit = False
        else:
            hit = actual == self.value
        return hit == self.is_equal

    def to_json(self) -> dict[str, object]:
        return {"isEqual": self.is_equal, "isRegex": self.is_regex, "name": self.name,
                "value": self.value}


def parse_filter(text: str) -> LabelMatcher:
    """One ``filter`` parameter, e.g. ``alertname="HighErrorRate"`` or ``severity=~"crit.*"``."""
    m = _MATCHER.match(text.strip().strip("{}"))
    if m is None:
        raise AMError(f"bad matcher format: {text}")
    name, op, value = m.groups()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = bytes(value[1:-1], "utf-8").decode("unicode_escape")
    if op in ("=~", "!~"):
        try:
            re.compile(value)
        except re.error as err:
            raise AMError(f"bad matcher format: {text}: {err}") from None
    return LabelMatcher(name, value, op in ("=~", "!~"), op in ("=", "=~"))


@dataclass(frozen=True)
class AMAlert:
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: float
    ends_at: float
    updated_at: float
    generator_url: str = ""
    timeout: bool = False

    def resolved_at(self, now: float) -> bool:
        return self.ends_at <= now


def merge(old: AMAlert, new: AMAlert, now: float) -> AMAlert:
    """types.Alert.Merge: the younger alert wins, keeping the earliest start."""
    if new.updated_at < old.updated_at:
        old, new = new, old
    result = new
    if old.starts_at < new.starts_at:
        result = replace(result, starts_at=old.starts_at)
    if new.resolved_at(now):
        if old.resolved_at(now) and old.ends_at > new.ends_at:
            result = replace(result, ends_at=old.ends_at)
    elif old.ends_at > new.ends_at and not old.timeout:
        result = replace(result, ends_at=old.ends_at)
    return result


def overlaps(old: AMAlert, new: AMAlert) -> bool:
    """The mem provider merges only alerts whose activity ranges overlap."""
    return (old.starts_at < new.ends_at < old.ends_at) or \
        (old.starts_at < new.starts_at < old.ends_at)


@dataclass
class Silence:
    id: str
    matchers: tuple[LabelMatcher, ...]
    starts_at: float
    ends_at: float
    created_by: str
    comment: str
    updated_at: float

    def state(self, now: float) -> str:
        if now < self.starts_at:
            return "pending"
        return "active" if now < self.ends_at else "expired"

    def mutes(self, labels: Mapping[str, str], now: float) -> bool:
        return self.state(now) == "active" and all(m.matches(labels) for m in self.matchers)


@dataclass
class SilenceBook:
    silences: dict[str, Silence] = field(default_factory=dict)

    def put(self, body: Mapping[str, object], now: float) -> str:
        """Create or update a silence from a PostableSilence; returns its id."""
        try:
            raw = body["matchers"]
            assert isinstance(raw, list)
            matchers = tuple(LabelMatcher(str(m["name"]), str(m["value"]),
                                          bool(m.get("isRegex", False)),
                                          bool(m.get("isEqual", True))) for m in raw)
            starts = parse_rfc3339(str(body["startsAt"]))
            ends = parse_rfc3339(str(body["endsAt"]))
            created_by, comment = str(body["createdBy"]), str(body["comment"])
        except (KeyError, TypeError, AssertionError, ValueError, AttributeError) as err:
            raise AMError(f"invalid silence: {err}; needs matchers, startsAt, endsAt, "
                          "createdBy and comment") from None
        if not matchers:
            raise AMError("Failed to create silence: at least one matcher required")
        for m in matchers:
            if m.is_regex:
                try:
                    re.compile(m.value)
                except re.error as err:
                    raise AMError(f"invalid silence: invalid regex {m.value!r}: {err}") from None
        if starts >= ends:
            raise AMError("Failed to create silence: start time must be before end time")
        if ends < now:
            raise AMError("Failed to create silence: end time can't be in the past")
        if not created_by:
            raise AMError("Failed to create silence: creator information missing")
        if not comment:
            raise AMError("Failed to create silence: comment missing")
        sid = str(body.get("id") or "")
        if sid and sid not in self.silences:
            raise AMError(f"Failed to create silence: silence {sid} not found")
        if sid and self.silences[sid].state(now) == "expired":
            raise AMError(f"Failed to create silence: silence {sid} is expired")
        sid = sid or str(uuid.uuid4())
        self.silences[sid] = Silence(sid, matchers, max(starts, now) if not body.get("id")
                                     else starts, ends, created_by, comment, now)
        return sid

    def expire(self, sid: str, now: float) -> bool:
        """DELETE: False if unknown; AMError if already expired."""
        silence = self.silences.get(sid)
        if silence is None:
            return False
        state = silence.state(now)
        if state == "expired":
            raise AMError(f"silence {sid} already expired")
        if state == "pending":
            silence.starts_at = now
        silence.ends_at = now
        silence.updated_at = now
        return True

    def muting(self, labels: Mapping[str, str], now: float) -> list[str]:
        return sorted(s.id for s in self.silences.values() if s.mutes(labels, now))

    def ordered(self, now: float) -> list[Silence]:
        """Active (next to end first), pending (next to start first), expired (latest first)."""
        rank = {"active": 0, "pending": 1, "expired": 2}

        def key(s: Silence) -> tuple[int, float]:
            state = s.state(now)
            if state == "active":
                return 0, s.ends_at
            if state == "pending":
                return 1, s.starts_at
            return rank[state], -s.ends_at
        return sorted(self.silences.values(), key=key)
