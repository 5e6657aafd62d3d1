"""Streaming log-template mining: group lines into templates and count them over time.

The log pane shows recurring patterns ("847x connection timeout after <DUR> ..."), the
analyzer wants the templates that are new since the incident started and the ones that
surge. Lines are masked in one regex pass per new token (:mod:`cockpit.analysis.masking`,
repeated tokens come from a cache) and fed to Drain3's prefix tree (``drain3.drain.Drain``,
the library's, not a rewrite). Two caches in front of it make repetitive streams cheap:
raw line -> template id (identical lines, health checks) and masked line -> template id
(the same event with other ids and numbers: Drain is not consulted at all).

The miner is plain single-threaded Python; run it in :mod:`cockpit.analysis.pattern_worker`
to keep it off the UI's GIL.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from drain3.drain import Drain

from cockpit.analysis.masking import TokenMasker
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
        "last",
        "levels",
        "pods",
        "sampled",
    )

    def __init__(self, ts: float, continuation: bool) -> None:
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
        self._raw: dict[str, int] = {}
        self._masked: dict[str, int] = {}
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
        add = self.add_fields
        return [add(ln.ts.timestamp(), ln.source, ln.text, ln.level) for ln in lines]

    def template_id(self, text: str) -> int:
        """The template id of ``text`` (mined if new), without touching any counter."""
        tid = self._raw.get(text)
        if tid is not None and tid in self._stats:
            return tid
        masked = self._mask(text)
        tid = self._masked.get(masked)
        if tid is None or tid not in self._stats:
            cluster, _ = self.drain.add_log_message(masked)
            tid = cluster.cluster_id
            if len(self._masked) >= self._cache_size:
                self._masked.clear()
            self._masked[masked] = tid
        if len(self._raw) >= self._cache_size:
            self._raw.clear()
        self._raw[text] = tid
        return tid

    def add_fields(self, ts: float, source: str, text: str, level: str = "",
                   weight: float = 1.0) -> int:
        """Mine one line given as fields (what the worker process receives); its template id.

        ``weight`` > 1 stands for lines that were sampled away: counts are extrapolated
        and the template is marked sampled.
        """
        tid = self._raw.get(text)
        stats = self._stats.get(tid) if tid is not None else None
        if stats is None:
            tid = self.template_id(text)
            stats = self._stats.get(tid)
            if stats is None:
                stats = self._stats[tid] = _Stats(ts, is_continuation(text))
                if len(self._stats) > self._max_templates * 1.25:
                    self._forget_evicted()
        self.mined += 1
        self.lines += weight
        if self.since is None or ts < self.since:
            self.since = ts
        if self.until is None or ts > self.until:
            self.until = ts
        stats.count += weight
        if ts < stats.first:
            stats.first = ts
        if ts > stats.last:
            stats.last = ts
        self._bucket(stats, int(ts // self.bucket_seconds), weight)
        if len(stats.examples) < self._examples and text not in stats.examples:
            stats.examples.append(text)
        pods = stats.pods
        if source in pods:
            pods[source] += weight
        elif len(pods) < self._max_sources:
            pods[source] = weight
        else:
            pods[_OTHER] = pods.get(_OTHER, 0.0) + weight
        stats.levels[level] = stats.levels.get(level, 0.0) + weight
        if weight != 1.0:
            stats.sampled = self.sampled = True
        return tid  # type: ignore[return-value]  # set above

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
