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

# The app is imported under __main__ only: the log process, spawned from this
# program, runs this file again as its __main__ and must stay light.
_apps: list[Any] = []


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


def _run() -> Any:
    import gc

    gc.disable()  # as cockpit's entry point does from its first line (cockpit/__main__.py)
    import cockpit.ui.app as app_module
    from cockpit.__main__ import main

    factory = app_module.create_app

    def capturing_create_app(*args: Any, **kwargs: Any) -> Any:
        app = factory(*args, **kwargs)
        _apps.append(app)
        return app

    app_module.create_app = capturing_create_app
    signal.signal(signal.SIGUSR1, _on_usr1)
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(_run())
