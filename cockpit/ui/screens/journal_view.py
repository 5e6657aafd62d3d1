"""What the main screen's panes show of the journal itself: plot marks and verdicts.

Kept apart from MainScreen, which routes live messages; these read the events only.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from cockpit.incident.journal import parse_ts
from cockpit.incident.model import Event, EventKind, Hypothesis
from cockpit.ui.widgets.metrics import Marker


def markers(events: tuple[Event, ...]) -> tuple[Marker, ...]:
    """Deploys and alert starts in the journal, as marks on the metric plots."""
    found: list[Marker] = []
    for event in events:
        if event.kind is EventKind.DEPLOY_DETECTED:
            found.append((event.ts.timestamp(), "deploy"))
        elif event.kind is EventKind.ALERT_FIRED:
            start: datetime = event.ts
            with contextlib.suppress(ValueError):
                start = parse_ts(str(event.data.get("starts_at", "")))
            found.append((start.timestamp(), "alert"))
    return tuple(found)


def verdicts(events: tuple[Event, ...]) -> dict[str, bool]:
    """Hypothesis id -> confirmed (True) or refuted (False), the latest verdict each."""
    seen: dict[str, bool] = {}
    for event in events:
        if event.kind in (EventKind.HYPOTHESIS_CONFIRMED, EventKind.HYPOTHESIS_REFUTED):
            hyp = Hypothesis.from_data(event.data) if "cause" in event.data else None
            if hyp is not None:
                seen[hyp.id] = event.kind is EventKind.HYPOTHESIS_CONFIRMED
    return seen
