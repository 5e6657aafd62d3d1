"""Piecewise-linear curves with exact integrals, and the few ways the world combines them.

Counters are integrals of rates; keeping every rate piecewise linear makes a counter at
any instant a bisect plus a trapezoid, and a log line's instant the root of a quadratic.
Equal knot times encode a jump (left value, then right value).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence


class Curve:
    """``value(t)``: constant before the first and after the last knot, linear between."""

    __slots__ = ("prefix", "times", "values")

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        if not points:
            points = [(0.0, 0.0)]
        self.times = [float(t) for t, _ in points]
        self.values = [float(v) for _, v in points]
        prefix = [0.0]
        for i in range(1, len(self.times)):
            width = self.times[i] - self.times[i - 1]
            prefix.append(prefix[-1] + width * (self.values[i] + self.values[i - 1]) / 2)
        self.prefix = prefix

    @classmethod
    def constant(cls, value: float) -> Curve:
        return cls([(0.0, value)])

    def value(self, t: float) -> float:
        """The right-continuous value at ``t``."""
        return self._between(bisect_right(self.times, t) - 1, t)

    def left(self, t: float) -> float:
        """The value just before ``t`` (differs from :meth:`value` only at a jump)."""
        return self._between(bisect_left(self.times, t) - 1, t)

    def _between(self, i: int, t: float) -> float:
        """Linear interpolation on segment ``i`` (flat before the first and after the last)."""
        if i < 0:
            return self.values[0]
        if i >= len(self.times) - 1:
            return self.values[-1]
        t0, t1 = self.times[i], self.times[i + 1]
        v0, v1 = self.values[i], self.values[i + 1]
        return v0 + (v1 - v0) * (t - t0) / (t1 - t0)

    def integral(self, t: float) -> float:
        """∫ value from the first knot to ``t`` (negative before it)."""
        times = self.times
        if t <= times[0]:
            return (t - times[0]) * self.values[0]
        i = bisect_right(times, t) - 1
        if i >= len(times) - 1:
            return self.prefix[-1] + (t - times[-1]) * self.values[-1]
        return self.prefix[i] + (t - times[i]) * (self.values[i] + self.value(t)) / 2

    def integral_between(self, start: float, end: float) -> float:
        return self.integral(end) - self.integral(start)

    def solve_integral(self, target: float) -> float:
        """The first ``t`` with ``integral(t) == target``; the curve must be non-negative."""
        times, values, prefix = self.times, self.values, self.prefix
        if target <= 0.0:
            return times[0] + target / values[0] if values[0] > 0 else times[0]
        i = bisect_left(prefix, target) - 1
        if i >= len(times) - 1:
            v = values[-1]
            return times[-1] + (target - prefix[-1]) / v if v > 0 else math.inf
        rest = target - prefix[i]
        v0, width = values[i], times[i + 1] - times[i]
        slope = (values[i + 1] - v0) / width if width > 0 else 0.0
        if abs(slope) < 1e-12:
            return times[i] + (rest / v0 if v0 > 0 else width)
        disc = max(0.0, v0 * v0 + 2 * slope * rest)
        return times[i] + min(width, (-v0 + math.sqrt(disc)) / slope)


def combine(curves: Sequence[Curve], fn: Callable[..., float],
            extra_times: Sequence[float] = ()) -> Curve:
    """A curve through ``fn(*values)`` at every knot of ``curves``, jumps kept."""
    times = sorted({t for c in curves for t in c.times} | set(extra_times))
    points: list[tuple[float, float]] = []
    for t in times:
        before = fn(*(c.left(t) for c in curves))
        after = fn(*(c.value(t) for c in curves))
        if before != after and points:
            points.append((t, before))
        points.append((t, after))
    return Curve(points)


def clip(curve: Curve, low: float, high: float) -> Curve:
    """The curve held within ``[low, high]``, with knots added where it crosses a bound."""
    points: list[tuple[float, float]] = []
    pairs = list(zip(curve.times, curve.values, strict=True))
    for i, (t, v) in enumerate(pairs):
        if i:
            t0, v0 = pairs[i - 1]
            for bound in (low, high):
                if t > t0 and (v0 - bound) * (v - bound) < 0:
                    points.append((t0 + (bound - v0) * (t - t0) / (v - v0), bound))
        points.append((t, min(high, max(low, v))))
    points.sort(key=lambda p: p[0])
    return Curve(points)


def step(initial: float, changes: Sequence[tuple[float, float]]) -> Curve:
    """A step function: ``initial``, then each (time, value) from that time on."""
    points: list[tuple[float, float]] = []
    current = initial
    for t, v in sorted(changes):
        points.append((t, current))
        points.append((t, v))
        current = v
    return Curve(points or [(0.0, initial)])
