"""When did a metric break, how far from normal, and did it come back?

"Error ratio 0.1% -> 47% at 10:29:50" is the first fact of every root-cause story: the
onset is what deploys, config changes and new log templates are lined up against. The
baseline is robust (median and MAD of the points before), so one noisy spike neither
becomes an onset nor hides one; an onset is the first *sustained* departure. Pure
Python: panels hold a few hundred points.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cockpit.sources.base import PanelData

MAD_SCALE = 1.4826  # MAD -> standard deviation for normal noise


@dataclass(frozen=True)
class ChangePoint:
    """A sustained departure of one series from its baseline."""

    panel: str  # panel name, e.g. error_ratio
    title: str
    unit: str
    onset: float  # unix seconds of the first departing point
    baseline: float  # median before the onset
    level: float  # median after the onset (until recovery)
    peak: float  # most extreme value after the onset
    direction: str  # "up" | "down"
    score: float  # robust z-score of the level against the baseline
    recovered_at: float | None = None  # first point back near the baseline, sustained
    labels: str = ""  # the series' labels, when the panel has more than one series

    @property
    def ratio(self) -> float:
        """level / baseline (inf when the baseline is 0)."""
        if self.baseline == 0:
            return float("inf") if self.level else 1.0
        return self.level / self.baseline


def _clean(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(t, v) for t, v in points if v == v and abs(v) != float("inf")]  # drop NaN/inf


def _scale(base: Sequence[float], median: float, rel_floor: float, abs_floor: float) -> float:
    mad = statistics.median(abs(v - median) for v in base)
    return max(MAD_SCALE * mad, rel_floor * abs(median), abs_floor)


def detect(points: Sequence[tuple[float, float]], *, min_baseline: int = 8,
           window: int = 40, sustain: int = 3, z: float = 5.0, rel_floor: float = 0.1,
           abs_floor: float = 1e-6, min_rel_change: float = 0.25) -> tuple[
               float, float, float, float, str, float, float | None] | None:
    """(onset, baseline, level, peak, direction, score, recovered_at) of the first sustained
    departure, or None. ``window`` points before a candidate form its baseline; a point
    departs when it is ``z`` robust deviations away and ``min_rel_change`` relatively."""
    pts = _clean(points)
    values = [v for _, v in pts]
    for i in range(min_baseline, len(values) - sustain + 1):
        base = values[max(0, i - window):i]
        median = statistics.median(base)
        scale = _scale(base, median, rel_floor, abs_floor)
        threshold = max(z * scale, min_rel_change * abs(median), abs_floor)

        def side(v: float, median: float = median, threshold: float = threshold) -> int:
            d = v - median
            return 1 if d > threshold else (-1 if d < -threshold else 0)

        first = side(values[i])
        if first == 0 or any(side(v) != first for v in values[i + 1:i + sustain]):
            continue
        after = values[i:]
        recovered_at = None
        for j in range(i + sustain, len(values) - sustain + 1):
            if all(side(v) == 0 for v in values[j:j + sustain]):
                recovered_at = pts[j][0]
                after = values[i:j]
                break
        level = statistics.median(after)
        peak = max(after) if first > 0 else min(after)
        return (pts[i][0], median, level, peak, "up" if first > 0 else "down",
                abs(level - median) / scale, recovered_at)
    return None


def _label_text(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def panel_changes(panels: Iterable[PanelData], **kwargs: float) -> list[ChangePoint]:
    """The change point of every panel series that has one, earliest onset first."""
    out: list[ChangePoint] = []
    for panel in panels:
        many = len(panel.series) > 1
        for series in panel.series:
            found = detect(series.points, **kwargs)  # type: ignore[arg-type]
            if found is None:
                continue
            onset, baseline, level, peak, direction, score, recovered = found
            out.append(ChangePoint(panel.name, panel.title or panel.name, panel.unit, onset,
                                   baseline, level, peak, direction, score, recovered,
                                   _label_text(series.labels) if many else ""))
    return sorted(out, key=lambda c: c.onset)


def format_value(value: float, unit: str) -> str:
    """A value as an engineer reads it: 0.47 ratio -> 47%, 0.25 s -> 250 ms."""
    if unit == "ratio":
        pct = value * 100
        return f"{pct:.1f}%" if abs(pct) < 10 else f"{pct:.0f}%"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if abs(value) < 1 else f"{value:.2f} s"
    if unit == "bytes":
        for suffix, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
            if abs(value) >= size:
                return f"{value / size:.1f} {suffix}"
        return f"{value:.0f} B"
    text = f"{value:.3g}"
    return f"{text} {unit}".strip()
