"""Streaming log-template mining: group lines into templates and count them over time.

The log pane shows recurring patterns ("847x connection timeout after <DUR> ..."), the
analyzer wants the templates that are new since the incident started and the ones that
surge. Lines are masked in one regex pass per new token (:mod:`cockpit.analysis.masking`,
repeated tokens come from a cache) and fed to Drain3's prefix tree (``drain3.drain.Drain``,
the library's, not a rewrite). Two caches in front of it make repetitive streams cheap:
raw line -> its template's counters (identical lines, health checks) and masked line ->
its template's counters (the same event with other ids and numbers: Drain is not
consulted at all). Lines come
in batches (:meth:`PatternMiner.add_rows`): only finding a line's template is per line,
the counting is per (template, bucket, pod, level) of the batch.

The miner is plain single-threaded Python; run it in :mod:`cockpit.analysis.pattern_worker`
to keep it off the UI's GIL.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice, repeat
from math import inf
from operator import attrgetter, floordiv, itemgetter, le
from types import MappingProxyType
from typing import TYPE_CHECKING

from drain3.drain import Drain

from cockpit.analysis.masking import TokenMasker
from cockpit.analysis.pattern_sampling import Row
from cockpit.analysis.pattern_snapshot import PatternSnapshot, Surge, TemplateStats
from cockpit.safe_text import inert
from cockpit.sources.logs.levels import is_continuation

if TYPE_CHECKING:  # the miner's process never loads the source model
    from cockpit.sources.base import LogLine

_OTHER = "(other)"


class _Stats:
    """The mutable counters of one template (the snapshot copies them out)."""

    __slots__ = (
        "buckets",
        "continuation",
        "count",
        "examples",
        "first",
        "id",
        "last",
        "levels",
        "pods",
        "sampled",
    )

    def __init__(self, tid: int, ts: float, continuation: bool) -> None:
        self.id = tid
        self.continuation = continuation
        self.count = 0.0
        self.first = self.last = ts
        self.buckets: deque[list[float]] = deque()  # [bucket index, weighted count]
        self.examples: list[str] = []
        self.pods: dict[str, float] = {}
        self.levels: dict[str, float] = {}
        self.sampled = False


class PatternMiner:
    """Assign each line a template id and keep per-template counts, buckets, pods and levels."""

    def __init__(self, *, bucket_seconds: float = 10.0, buckets: int = 360,
                 sim_th: float = 0.4, depth: int = 4, max_templates: int = 5000,
                 examples: int = 3, max_sources: int = 200, cache_size: int = 50_000,
                 token_cache_size: int = 100_000) -> None:
        self.bucket_seconds = bucket_seconds
        self._keep_buckets = buckets
        self._examples = examples
        self._max_sources = max_sources
        self._cache_size = cache_size
        self._max_templates = max_templates
        self.drain = Drain(depth=depth, sim_th=sim_th, max_children=100,
                           max_clusters=max_templates, param_str="<*>")
        self._mask = TokenMasker(token_cache_size)
        self._raw: dict[str, _Stats] = {}  # raw line -> its template's counters
        self._masked: dict[str, _Stats] = {}  # masked line -> its template's counters
        self._stats: dict[int, _Stats] = {}
        self.lines = 0.0
        self.mined = 0
        self.since: float | None = None
        self.until: float | None = None
        self.sampled = False

    # --- feeding ------------------------------------------------------------------

    def add(self, line: LogLine) -> int:
        """Mine one line; its template id."""
        return self.add_fields(line.ts.timestamp(), line.source, line.text, line.level)

    def add_many(self, lines: Iterable[LogLine]) -> list[int]:
        return self.add_rows([(ln.ts.timestamp(), ln.source, ln.text, ln.level)
                              for ln in lines])

    def add_fields(self, ts: float, source: str, text: str, level: str = "",
                   weight: float = 1.0) -> int:
        """Mine one line given as fields; its template id (batches: :meth:`add_rows`)."""
        return self.add_rows(((ts, source, text, level),), weight)[0]

    def _learn(self, text: str, ts: float) -> _Stats:
        """The counters of ``text``'s template (mined, and made, if new); the raw text is
        remembered, so that the same line again is one look-up."""
        masked = self._mask(text)
        stats = self._masked.get(masked)
        if stats is None:
            cluster, _ = self.drain.add_log_message(masked)
            tid = cluster.cluster_id
            stats = self._stats.get(tid)
            if stats is None:
                stats = self._stats[tid] = _Stats(tid, ts, is_continuation(text))
                if len(self._stats) > self._max_templates * 1.25:
                    self._forget_evicted()
            if len(self._masked) >= self._cache_size:
                self._masked.clear()
            self._masked[masked] = stats
        if len(self._raw) >= self._cache_size:
            self._raw.clear()
        self._raw[text] = stats
        return stats

    def add_rows(self, rows: Sequence[Row], weight: float = 1.0) -> list[int]:
        """Mine ``(ts, source, text, level)`` rows (what the worker process receives);
        their template ids.

        ``weight`` > 1 stands for lines that were sampled away: counts are extrapolated
        and the templates are marked sampled. Only finding each line's template is done
        line by line; the counting is done once per (template, bucket, pod, level) of
        the batch, the grouping by ``Counter`` in C: the same counts as line by line.
        """
        if not rows:
            return []
        raw = self._raw.get
        learn = self._learn
        of = [raw(text) or learn(text, ts) for ts, _, text, _ in rows]
        stamps = list(map(itemgetter(0), rows))
        self.mined += len(rows)
        self.lines += len(rows) * weight
        low, high = min(stamps), max(stamps)
        if self.since is None or low < self.since:
            self.since = low
        if self.until is None or high > self.until:
            self.until = high
        self._first_and_last(of, stamps)
        width = self.bucket_seconds
        first, last = int(low // width), int(high // width)
        indices = (repeat(first, len(rows)) if first == last  # one bucket: the usual
                   else map(int, map(floordiv, stamps, repeat(width))))
        groups = Counter(zip(of, indices, map(itemgetter(1), rows), map(itemgetter(3), rows),
                             strict=True))
        for (stats, index, source, level), count in groups.items():
            added = count * weight
            stats.count += added
            self._bucket(stats, index, added)
            pods = stats.pods
            if source in pods:
                pods[source] += added
            elif len(pods) < self._max_sources:
                pods[source] = added
            else:
                pods[_OTHER] = pods.get(_OTHER, 0.0) + added
            stats.levels[level] = stats.levels.get(level, 0.0) + added
        keep = self._examples
        if any(len(stats.examples) < keep for stats in set(of)):
            for stats, row in zip(of, rows, strict=True):
                if len(stats.examples) < keep and row[2] not in stats.examples:
                    stats.examples.append(row[2])
        if weight != 1.0:
            self.sampled = True
            for stats in set(of):
                stats.sampled = True
        return list(map(attrgetter("id"), of))

    @staticmethod
    def _first_and_last(of: list[_Stats], stamps: list[float]) -> None:
        """Widen each template's first/last seen to this batch's lines."""
        if all(map(le, stamps, islice(stamps, 1, None))):  # in order (the usual): in C
            firsts = dict(zip(reversed(of), reversed(stamps), strict=True))
            lasts = dict(zip(of, stamps, strict=True))
        else:
            firsts, lasts = {}, {}
            for stats, ts in zip(of, stamps, strict=True):
                if ts < firsts.get(stats, inf):
                    firsts[stats] = ts
                if ts > lasts.get(stats, -inf):
                    lasts[stats] = ts
        for stats, ts in firsts.items():
            if ts < stats.first:
                stats.first = ts
        for stats, ts in lasts.items():
            if ts > stats.last:
                stats.last = ts

    def _bucket(self, stats: _Stats, index: int, weight: float) -> None:
        buckets = stats.buckets
        if buckets and buckets[-1][0] == index:
            buckets[-1][1] += weight
            return
        if not buckets or buckets[-1][0] < index:
            buckets.append([index, weight])
            if len(buckets) > self._keep_buckets:
                buckets.popleft()
            return
        for bucket in reversed(buckets):  # a late line: rare, search back
            if bucket[0] == index:
                bucket[1] += weight
                return
            if bucket[0] < index:
                break
        buckets.append([index, weight])
        stats.buckets = deque(sorted(buckets)[-self._keep_buckets:])

    def _forget_evicted(self) -> None:
        """Drop the counters of templates Drain's LRU has evicted (bounded memory)."""
        alive = self.drain.id_to_cluster
        for tid in [t for t in self._stats if t not in alive]:
            del self._stats[tid]
        self._raw.clear()
        self._masked.clear()

    # --- reading ------------------------------------------------------------------

    def template_text(self, template_id: int) -> str:
        cluster = self.drain.id_to_cluster.get(template_id)
        return cluster.get_template() if cluster is not None else ""

    def snapshot(self, limit: int | None = None) -> PatternSnapshot:
        """An immutable copy of every template's counters (or the ``limit`` most frequent)."""
        order = sorted(self._stats.items(), key=lambda kv: -kv[1].count)
        if limit is not None:
            order = order[:limit]
        width = self.bucket_seconds
        templates = tuple(
            TemplateStats(
                id=tid, template=inert(self.template_text(tid)), count=round(s.count),
                first_seen=s.first, last_seen=s.last,
                buckets=tuple((b[0] * width, round(b[1])) for b in s.buckets),
                examples=tuple(inert(e[:500]) for e in s.examples),
                pods=MappingProxyType({k: round(v) for k, v in s.pods.items()}),
                levels=MappingProxyType({k: round(v) for k, v in s.levels.items()}),
                sampled=s.sampled, continuation=s.continuation)
            for tid, s in order)
        return PatternSnapshot(templates, round(self.lines), self.mined, width,
                               self.since, self.until, self.sampled)

    def new_since(self, ts: datetime | float) -> tuple[TemplateStats, ...]:
        return self.snapshot().new_since(ts)

    def surges(self, now: datetime | float, window: float = 60.0) -> tuple[Surge, ...]:
        return self.snapshot().surges(now, window)

    def top(self, n: int = 10) -> tuple[TemplateStats, ...]:
        return self.snapshot(limit=n).templates
