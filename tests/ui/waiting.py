"""Waiting for the app to reach a state (workers run in the background)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cockpit.incident.journal import Journal
from cockpit.incident.model import Event, EventKind
from cockpit.ui.app import CockpitApp


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str,
                timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (fails after ``timeout`` s, with ``what``)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def filled(app: CockpitApp) -> None:
    """Return once every pane's contents are mounted (they come after the first frame)."""
    assert app.main_screen is not None
    await app.main_screen.fill_panes()


def journal_events(path: Path, kind: EventKind | None = None) -> list[Event]:
    events = Journal(path).replay().events
    return [e for e in events if kind is None or e.kind is kind]
