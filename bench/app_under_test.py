"""``python -m cockpit`` with one addition: SIGUSR1 writes the log counters to a file.

The benchmarks need numbers the screen does not show (lines received by the
ingest, dropped, delivered). This wrapper runs the very same CLI; it only
keeps a handle on the app built by ``create_app`` and, on SIGUSR1, writes the
counters to ``$BENCH_STATS`` from the app's own event loop (never from inside
a signal handler, where a held lock would deadlock).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import cockpit.ui.app as app_module
from cockpit.cli import main

_apps: list[Any] = []
_factory = app_module.create_app


def _capturing_create_app(*args: Any, **kwargs: Any) -> Any:
    app = _factory(*args, **kwargs)
    _apps.append(app)
    return app


def _dump() -> None:
    target = os.environ.get("BENCH_STATS")
    if not target or not _apps or _apps[0].main_screen is None:
        return
    screen = _apps[0].main_screen
    ingest = getattr(screen, "_logs", None)
    if ingest is None:
        return
    from cockpit.ui.widgets.logs import LogsPane

    stats = ingest.stats()
    pane = screen.query_one(LogsPane)
    doc = {"received": stats.received, "delivered": stats.delivered, "dropped": stats.dropped,
           "buffered": stats.buffered, "pane_received": pane.received,
           "pane_lines": len(pane.lines), "pane_dropped": pane.dropped}
    tmp = Path(target + ".tmp")
    tmp.write_text(json.dumps(doc))
    tmp.replace(target)


def _on_usr1(_signum: int, _frame: object) -> None:
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    loop.call_soon_threadsafe(_dump)


if __name__ == "__main__":
    app_module.create_app = _capturing_create_app  # type: ignore[assignment]
    signal.signal(signal.SIGUSR1, _on_usr1)
    sys.exit(main(sys.argv[1:]))
