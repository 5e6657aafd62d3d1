"""The series store the simulator's PromQL evaluates over.

The scenario world (deterministic values over time) and the tests' in-memory
arrays both satisfy :class:`SeriesStore`, so the HTTP servers never care where
a sample comes from. Samples exist only at scrape instants
``epoch + k * scrape_interval`` and never after ``now()``.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

LabelKey = tuple[tuple[str, str], ...]


@runtime_checkable
class SeriesStore(Protocol):
    """What the evaluator needs from a source of series."""

    scrape_interval: float
    epoch: float

    def series_keys(self) -> Sequence[tuple[str, Mapping[str, str]]]: ...

    def sample(self, name: str, labels: Mapping[str, str], ts: float) -> float | None: ...

    def now(self) -> float: ...


def to_ms(ts: float) -> int:
    """Seconds to integer milliseconds, as Prometheus stores timestamps."""
    return round(ts * 1000)


def label_key(labels: Mapping[str, str]) -> LabelKey:
    return tuple(sorted(labels.items()))


def fetch_samples(
    store: SeriesStore, name: str, labels: Mapping[str, str], lo: float, hi: float
) -> tuple[list[int], list[float]]:
    """The samples of one series with ``lo <= t <= min(hi, now)``, times in ms.

    Uses the store's own ``samples_between`` when it has one (fast path),
    otherwise asks ``sample`` at each scrape instant in the window.
    """
    hi = min(hi, store.now())
    if hi < lo:
        return [], []
    fast = getattr(store, "samples_between", None)
    if fast is not None:
        result: tuple[list[int], list[float]] = fast(name, labels, lo, hi)
        return result
    step = store.scrape_interval
    k_lo = math.ceil((lo - store.epoch) / step - 1e-9)
    k_hi = math.floor((hi - store.epoch) / step + 1e-9)
    times: list[int] = []
    values: list[float] = []
    for k in range(k_lo, k_hi + 1):
        ts = store.epoch + k * step
        value = store.sample(name, labels, ts)
        if value is not None:
            times.append(to_ms(ts))
            values.append(float(value))
    return times, values


class StaticStore:
    """In-memory series: explicit (time, value) arrays per series.

    ``add`` takes values at consecutive scrape instants starting at
    ``epoch + first_index * scrape_interval``; ``None`` entries are gaps.
    """

    def __init__(self, epoch: float, scrape_interval: float = 15.0,
                 now: float | None = None) -> None:
        self.epoch = float(epoch)
        self.scrape_interval = float(scrape_interval)
        self._now = now
        self._series: dict[tuple[str, LabelKey], tuple[list[int], list[float]]] = {}
        self._order: list[tuple[str, Mapping[str, str]]] = []

    def add(self, name: str, labels: Mapping[str, str], values: Sequence[float | None],
            first_index: int = 0) -> None:
        key = (name, label_key(labels))
        if key not in self._series:
            self._series[key] = ([], [])
            self._order.append((name, dict(labels)))
        times, vals = self._series[key]
        for i, value in enumerate(values):
            if value is None:
                continue
            t = to_ms(self.epoch + (first_index + i) * self.scrape_interval)
            if times and t <= times[-1]:
                raise ValueError(f"samples of {name}{dict(labels)} must be added in time order")
            times.append(t)
            vals.append(float(value))

    def set_now(self, now: float | None) -> None:
        self._now = now

    def series_keys(self) -> Sequence[tuple[str, Mapping[str, str]]]:
        return list(self._order)

    def now(self) -> float:
        if self._now is not None:
            return self._now
        last = max((t[-1] for t, _ in self._series.values() if t), default=0)
        return max(last / 1000, self.epoch)

    def sample(self, name: str, labels: Mapping[str, str], ts: float) -> float | None:
        found = self._series.get((name, label_key(labels)))
        if found is None or ts > self.now():
            return None
        times, vals = found
        t = to_ms(ts)
        i = bisect_left(times, t)
        return vals[i] if i < len(times) and times[i] == t else None

    def samples_between(self, name: str, labels: Mapping[str, str], lo: float,
                        hi: float) -> tuple[list[int], list[float]]:
        found = self._series.get((name, label_key(labels)))
        if found is None:
            return [], []
        times, vals = found
        hi = min(hi, self.now())
        i = bisect_left(times, math.ceil(lo * 1000 - 1e-6))
        j = bisect_right(times, math.floor(hi * 1000 + 1e-6))
        return times[i:j], vals[i:j]
