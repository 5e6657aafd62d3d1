"""Did the action help? Watch the panel that triggered the incident until it is back
under its threshold, or the verification window runs out.

A rollout that completes is not a fix: only the metric the engineer was paged for
says so. The figures (before, after, threshold, how long) go into the journal.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cockpit.config.schema import PanelConfig
from cockpit.incident.model import Event, EventKind
from cockpit.sources.prometheus import InstantResult

Query = Callable[[str], InstantResult]
DEFAULT_PANEL = "error_ratio"


@dataclass(frozen=True)
class Verification:
    ok: bool
    panel: str
    before: float | None
    after: float | None
    threshold: float | None
    elapsed_s: float
    detail: str
    skipped: bool = False


def triggering_panel(panels: Iterable[PanelConfig],
                     events: Iterable[Event] = ()) -> PanelConfig | None:
    """The first breached panel of the incident; else error_ratio; else any with a threshold."""
    by_name = {p.name: p for p in panels if p.threshold is not None}
    for event in events:
        if event.kind is EventKind.METRIC_BREACH and str(event.data.get("panel")) in by_name:
            return by_name[str(event.data["panel"])]
    if DEFAULT_PANEL in by_name:
        return by_name[DEFAULT_PANEL]
    return next(iter(by_name.values()), None)


def read_value(query: Query, panel: PanelConfig) -> tuple[float | None, str]:
    """The panel's current value (first series), or (None, why)."""
    result = query(panel.query)
    if result.error:
        return None, result.error
    for series in result.series:
        value = series.last
        if value is not None and not math.isnan(value):
            return value, ""
    return None, "no data"


def within(panel: PanelConfig, value: float) -> bool:
    assert panel.threshold is not None
    return value <= panel.threshold if panel.direction == "above" else value >= panel.threshold


def fmt(value: float | None) -> str:
    return "no data" if value is None else f"{value:.4g}"


def verify(query: Query, panel: PanelConfig, window_s: float, before: float | None, *,
           poll_s: float = 2.0, progress: Callable[[str], None] | None = None,
           stop: threading.Event | None = None,
           monotonic: Callable[[], float] = time.monotonic) -> Verification:
    """Poll until the panel is within its threshold or ``window_s`` has passed."""
    stop = stop or threading.Event()
    started = monotonic()
    last: float | None = None
    why = ""
    while True:
        value, why = read_value(query, panel)
        elapsed = monotonic() - started
        if value is not None:
            last = value
            if progress is not None:
                progress(f"{panel.name} = {fmt(value)} (threshold {panel.threshold:g}, "
                         f"{elapsed:.0f}s of {window_s:g}s)")
            if within(panel, value):
                return Verification(True, panel.name, before, value, panel.threshold, elapsed,
                                    f"{panel.name} {fmt(before)} → {fmt(value)} (threshold "
                                    f"{panel.threshold:g}) {elapsed:.0f}s after the change")
        if elapsed >= window_s or stop.wait(min(poll_s, max(0.0, window_s - elapsed))):
            break
    elapsed = monotonic() - started
    minutes = f"{window_s / 60:.3g} minutes" if window_s >= 60 else f"{window_s:g}s"
    because = f" ({why})" if last is None and why else ""
    return Verification(False, panel.name, before, last, panel.threshold, elapsed,
                        f"no improvement after {minutes}: {panel.name} {fmt(last)}{because} "
                        f"(threshold {panel.threshold:g}, was {fmt(before)})")
