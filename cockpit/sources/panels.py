"""Panel queries: templating, step choice and merging an incremental tail.

Kept apart from the HTTP code so the arithmetic (which is where plots go
subtly wrong: off-grid steps, duplicated points, 11,000-point refusals) is
tested on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from cockpit.config.schema import PanelConfig
from cockpit.sources.base import Series, frozen_map

MAX_POINTS = 11_000  # Prometheus refuses range queries with more points per series
NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
              43200, 86400)


def render_query(template: str, service: str, namespace: str) -> str:
    """Replace only the ``{service}`` and ``{namespace}`` tokens; PromQL braces stay."""
    return template.replace("{service}", service).replace("{namespace}", namespace)


def render_panels(panels: Iterable[PanelConfig], service: str,
                  namespace: str) -> list[PanelConfig]:
    return [PanelConfig(p.name, p.title, render_query(p.query, service, namespace), p.unit,
                        p.threshold, p.direction) for p in panels]


def choose_step(window_s: float, width_cells: int) -> float:
    """About one point per plot cell, rounded up to a nice step; 1 s ≤ step; ≤ 11,000 points."""
    cells = max(1, width_cells)
    raw = max(1.0, window_s / cells, window_s / MAX_POINTS)
    for nice in NICE_STEPS:
        if nice >= raw:
            return float(nice)
    return float(math.ceil(raw / 86400) * 86400)


def align_down(t: float, step: float) -> float:
    """The grid point at or before ``t`` (keeps successive queries on one grid)."""
    return math.floor(t / step) * step


def series_from_matrix(result: object) -> tuple[Series, ...]:
    """Parse a Prometheus ``matrix`` (or ``vector``) result; raises ValueError on a wrong shape."""
    if not isinstance(result, list):
        raise ValueError(f"expected a list of series, got {type(result).__name__}")
    out: list[Series] = []
    for item in result:
        if not isinstance(item, dict):
            raise ValueError(f"expected a series object, got {type(item).__name__}")
        labels = item.get("metric", {})
        if not isinstance(labels, dict):
            raise ValueError("series labels are not an object")
        raw_points = item.get("values")
        if raw_points is None:
            raw_points = [item["value"]] if "value" in item else []
        points = tuple(_point(p) for p in raw_points)
        out.append(Series(frozen_map({str(k): str(v) for k, v in labels.items()}), points))
    return tuple(out)


def _point(raw: object) -> tuple[float, float]:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise ValueError(f"expected a [time, value] pair, got {raw!r:.60}")
    return float(raw[0]), float(raw[1])


def _key(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


def merge_tail(old: Iterable[Series], tail: Iterable[Series], tail_start: float,
               keep_from: float) -> tuple[Series, ...]:
    """Old points before ``tail_start`` plus the tail; drop points before ``keep_from``.

    The tail re-evaluates the last grid point (it may have been computed before
    the latest scrape), so old points at or after ``tail_start`` are replaced.
    A series absent from the tail keeps its history until it ages out.
    """
    merged: dict[tuple[tuple[str, str], ...], tuple[Mapping[str, str], list[tuple[float, float]]]]
    merged = {}
    for s in old:
        merged[_key(s.labels)] = (s.labels, [p for p in s.points if p[0] < tail_start])
    for s in tail:
        labels, points = merged.setdefault(_key(s.labels), (s.labels, []))
        points.extend(s.points)
    result = []
    for labels, points in merged.values():
        kept = tuple(p for p in points if p[0] >= keep_from)
        if kept:
            result.append(Series(labels, kept))
    return tuple(result)
