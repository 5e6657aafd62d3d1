"""The one stage every log line passes: tag, bound, count, hand to the UI.

Readers (pod streams, files, commands) run in threads and must never wait on
the UI; the UI drains on a ~50 ms timer. Between them sits a bounded buffer:
when the UI falls behind, the *oldest* lines are dropped and counted, so the
engineer sees "12 034 lines dropped", never a silent gap. Every line gets the
same treatment here: a leading RFC 3339 timestamp (kubectl ``--timestamps``)
becomes ``LogLine.ts``, over-long text is cut and flagged, and the level is
detected, with stack-trace continuation lines keeping their head's level.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from cockpit.config.schema import LogsConfig
from cockpit.sources.base import LogLine
from cockpit.sources.logs.levels import LevelTagger
from cockpit.sources.logs.stamps import split_timestamp

__all__ = ["IngestStats", "LogIngest", "split_timestamp", "take_oldest"]

_Counts = Mapping[str, int]
_SOURCE = itemgetter(1)  # LogLine.source
_LEVEL = itemgetter(3)  # LogLine.level


def take_oldest(buffer: deque[LogLine], max_lines: int | None) -> list[LogLine]:
    """Remove and return up to ``max_lines`` lines from the front (all when None)."""
    if max_lines is None or max_lines >= len(buffer):
        lines = list(buffer)
        buffer.clear()
        return lines
    popleft = buffer.popleft
    return [popleft() for _ in range(max_lines)]


@dataclass(frozen=True)
class IngestStats:
    """Counters since start: ``received == delivered + dropped + buffered``."""

    received: int
    delivered: int
    dropped: int
    truncated: int
    buffered: int
    per_source: Mapping[str, int]
    per_level: Mapping[str, int]


class LogIngest:
    """Thread-safe bounded buffer from log readers to the UI, tagging on the way in."""

    def __init__(
        self,
        capacity: int = 10_000,
        max_line_length: int = 4096,
        *,
        parse_timestamps: bool = True,
    ) -> None:
        self.capacity = capacity
        self.max_line_length = max_line_length
        self.parse_timestamps = parse_timestamps
        self._buffer: deque[LogLine] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._tagger = LevelTagger()
        self._received = self._delivered = self._dropped = self._truncated = 0
        self._per_source: dict[str, int] = {}
        self._per_level: dict[str, int] = {}

    @classmethod
    def from_config(cls, cfg: LogsConfig) -> LogIngest:
        return cls(capacity=cfg.buffer_lines, max_line_length=cfg.max_line_length)

    def _tag(self, batch: Iterable[LogLine]) -> tuple[list[LogLine], _Counts, _Counts, int]:
        """``batch`` with timestamp, truncation and level applied, and its counts.

        Runs for every line of a flood on a reader thread that shares the GIL with
        the UI: the loop unpacks the tuple once, builds the new line without a Python
        ``__new__`` frame, and the counts are made by ``Counter`` in C afterwards.
        """
        limit = self.max_line_length
        stamps = self.parse_timestamps
        tag_level = self._tagger.tag
        new = tuple.__new__
        out: list[LogLine] = []
        append = out.append
        truncated = 0
        for line in batch:
            ts, source, text, level, container, cut = line
            if stamps and text[10:11] == "T":
                parsed, rest = split_timestamp(text)
                if parsed is not None:
                    ts, text = parsed, rest
            if len(text) > limit:
                text, cut = text[:limit], True
            if cut:
                truncated += 1
            if not level:
                level = tag_level((source, container), text)
            append(new(LogLine, (ts, source, text, level, container, cut)))
        per_source = Counter(map(_SOURCE, out))
        per_level = Counter(map(_LEVEL, out))
        return out, per_source, per_level, truncated

    def put(self, batch: Iterable[LogLine]) -> int:
        """Tag and buffer ``batch``; returns how many older lines were dropped for room."""
        tagged, per_source, per_level, truncated = self._tag(batch)
        if not tagged:
            return 0
        with self._lock:
            for key, count in per_source.items():
                self._per_source[key] = self._per_source.get(key, 0) + count
            for key, count in per_level.items():
                self._per_level[key] = self._per_level.get(key, 0) + count
            self._truncated += truncated
            overflow = len(self._buffer) + len(tagged) - self.capacity
            dropped = max(0, overflow)
            self._buffer.extend(tagged)
            self._received += len(tagged)
            self._dropped += dropped
        return dropped

    def drain(self, max_lines: int | None = None) -> list[LogLine]:
        """Up to ``max_lines`` buffered lines, oldest first (all when None)."""
        with self._lock:
            lines = take_oldest(self._buffer, max_lines)
            self._delivered += len(lines)
        return lines

    def __len__(self) -> int:
        return len(self._buffer)

    def stats(self) -> IngestStats:
        with self._lock:
            return IngestStats(
                received=self._received,
                delivered=self._delivered,
                dropped=self._dropped,
                truncated=self._truncated,
                buffered=len(self._buffer),
                per_source=dict(self._per_source),
                per_level=dict(self._per_level),
            )
