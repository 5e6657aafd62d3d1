"""What the template miner knows at one instant, as immutable values for the UI and the analyzer.

The log pane shows "847x connection timeout ..."; the root-cause analyzer asks which
templates are new since the incident started (or since the last rollout) and which ones
surge. Both read this snapshot, never the miner itself, so the miner can live in another
process: the snapshot crosses the process boundary as a plain dict (``to_dict``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

# A surge of errors matters more to the on-call engineer than a surge of info lines.
LEVEL_WEIGHT: Mapping[str, float] = MappingProxyType(
    {"error": 3.0, "warn": 2.0, "info": 1.0, "debug": 0.5, "": 1.0})


MIN_Z = 3.0  # below three standard deviations, a busier window is noise


def _stamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _epoch(ts: datetime | float) -> float:
    return ts if isinstance(ts, int | float) else ts.timestamp()


@dataclass(frozen=True)
class TemplateStats:
    """One log template: its text (variables as ``<NUM>``, ``<*>`` ...) and how it occurred."""

    id: int
    template: str
    count: int  # estimated when sampled
    first_seen: float  # unix seconds
    last_seen: float
    buckets: tuple[tuple[float, int], ...]  # (bucket start, lines), oldest first
    examples: tuple[str, ...]  # a few raw lines, made inert
    pods: Mapping[str, int]  # source (pod, file) -> lines
    levels: Mapping[str, int]  # level -> lines
    sampled: bool = False  # counts extrapolated from a sample
    continuation: bool = False  # stack-trace frames and the like: they follow their head line

    @property
    def level(self) -> str:
        """The most frequent level of its lines (``""`` when unknown)."""
        return max(self.levels.items(), key=lambda kv: kv[1])[0] if self.levels else ""

    @property
    def first_seen_at(self) -> datetime:
        return _stamp(self.first_seen)

    @property
    def last_seen_at(self) -> datetime:
        return _stamp(self.last_seen)

    def count_between(self, start: float, end: float) -> int:
        """Lines in the buckets that start in ``[start, end)``."""
        return sum(n for t, n in self.buckets if start <= t < end)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "template": self.template, "count": self.count,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "buckets": [list(b) for b in self.buckets], "examples": list(self.examples),
                "pods": dict(self.pods), "levels": dict(self.levels), "sampled": self.sampled,
                "continuation": self.continuation}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TemplateStats:
        return cls(id=d["id"], template=d["template"], count=d["count"],
                   first_seen=d["first_seen"], last_seen=d["last_seen"],
                   buckets=tuple((float(t), int(n)) for t, n in d["buckets"]),
                   examples=tuple(d["examples"]), pods=MappingProxyType(dict(d["pods"])),
                   levels=MappingProxyType(dict(d["levels"])), sampled=bool(d["sampled"]),
                   continuation=bool(d.get("continuation", False)))


@dataclass(frozen=True)
class Surge:
    """A template whose rate in the recent window is above its baseline."""

    template: TemplateStats
    score: float  # severity weight x log2(1 + Poisson z-score of the window's count)
    recent: int  # lines in the window
    expected: float  # lines the baseline rate predicts for the window


@dataclass(frozen=True)
class PatternSnapshot:
    templates: tuple[TemplateStats, ...]  # most frequent first
    lines: int  # lines counted (estimated when sampled)
    mined: int  # lines the miner actually processed
    bucket_seconds: float
    since: float | None  # first line's time (unix seconds), None before any line
    until: float | None  # latest line's time
    sampled: bool = False

    def top(self, n: int = 10) -> tuple[TemplateStats, ...]:
        return self.templates[:n]

    def get(self, template_id: int) -> TemplateStats | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def new_since(self, ts: datetime | float) -> tuple[TemplateStats, ...]:
        """Templates first seen after ``ts`` (incident start, last rollout), oldest first."""
        cut = _epoch(ts)
        return tuple(sorted((t for t in self.templates if t.first_seen > cut),
                            key=lambda t: t.first_seen))

    def surges(self, now: datetime | float, window: float = 60.0) -> tuple[Surge, ...]:
        """Templates busier in ``[now - window, now)`` than their baseline, highest score first.

        The baseline is each template's rate over the history before the window (since the
        snapshot's first line); a template never seen before the window has a baseline of 0.
        Stack-trace frames surge with their head line, so they are left out.
        """
        end = _epoch(now)
        start = end - window
        width = self.bucket_seconds
        first = math.floor(self.since / width) * width if self.since is not None else start
        history = max(0.0, start - first)
        out = []
        for t in self.templates:
            recent = t.count_between(start, end)
            if recent == 0 or t.continuation:
                continue
            before = t.count_between(start - history, start) if history else 0
            expected = before * window / history if history else 0.0
            z = (recent - expected) / math.sqrt(expected + 1.0)
            if z <= MIN_Z:
                continue
            weight = sum(LEVEL_WEIGHT.get(k, 1.0) * n for k, n in t.levels.items())
            weight = weight / max(1, sum(t.levels.values())) if t.levels else 1.0
            out.append(Surge(t, weight * math.log2(1.0 + z), recent, expected))
        return tuple(sorted(out, key=lambda s: -s.score))

    def to_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "mined": self.mined, "bucket_seconds": self.bucket_seconds,
                "since": self.since, "until": self.until, "sampled": self.sampled,
                "templates": [t.to_dict() for t in self.templates]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PatternSnapshot:
        return cls(templates=tuple(TemplateStats.from_dict(t) for t in d["templates"]),
                   lines=d["lines"], mined=d["mined"], bucket_seconds=d["bucket_seconds"],
                   since=d["since"], until=d["until"], sampled=bool(d["sampled"]))


EMPTY = PatternSnapshot((), 0, 0, 10.0, None, None)
