"""Garbage collection paused while the cockpit starts, frozen once the panes are filled.

Start-up builds about a million objects (Textual, the widgets, the config) that live as
long as the app, and the collector scans them again and again while they are made: on
the bench machine ~75 ms of the first frame, one full collection alone ~35 ms. None of
it is garbage. So collection is paused from the entry point (cockpit/__main__.py; the
open/resume/demo path pauses it too, for callers that start elsewhere), and once every
pane is mounted the survivors are frozen (``gc.freeze``: never scanned again, which also
shortens every later collection) and collection resumes.
"""

from __future__ import annotations

import gc


def pause_gc() -> None:
    """Stop cyclic garbage collection until :func:`resume_gc` (start-up only)."""
    gc.disable()


def resume_gc() -> None:
    """Freeze what start-up built and collect again; a no-op if collection was not paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
