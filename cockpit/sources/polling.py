"""The poll schedule shared by every polled source, and the loop that polls one in the log process.

Why the cluster (and the alerts) are polled in the log process: the ``kubernetes``
client costs ~30 MB and ~0.7 s of imports, and each poll decodes the namespace's JSON
into DTOs. In the app all of that shares the screen's GIL (a key pressed as the first
snapshot lands waited behind it) and its memory; the log process already holds the
client to follow pods. Alertmanager's answers (10k alerts in a storm) are decoded
there too, and the app does not load httpx. The app receives finished results, plain
frozen dataclasses.

Schedule: the next poll comes one interval after the last ends; a poll that fails or
degrades doubles the delay, up to a minute. The source keeps its last good data and
says why it is stale in its health.
"""

from __future__ import annotations

import asyncio
import contextlib
import copyreg
import inspect
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from cockpit.sources.base import HealthState, SourceHealth, frozen_map
from cockpit.sources.logs.pump import MAX_BACKOFF_S, describe

#: ``(role, result or None, health)``: what one poll sends to the app.
Send = Callable[[tuple[str, Any, SourceHealth]], None]


def next_delay(health: SourceHealth, delay: float, interval: float) -> float:
    """Seconds until the next poll: the interval when all is well, else double the last."""
    if health.state in (HealthState.OK, HealthState.DISABLED):
        return interval
    return min(max(delay * 2, interval), MAX_BACKOFF_S)


def checked(probe: Callable[[], SourceHealth] | None, name: str, now: datetime) -> SourceHealth:
    """The source's own health after a poll (OK when it has no probe); never raises."""
    if probe is None:
        return SourceHealth(name, HealthState.OK, last_ok=now, checked_at=now)
    try:
        return probe()
    except Exception as exc:  # a health probe must not kill its worker either
        return SourceHealth(name, HealthState.DEGRADED, last_error=describe(exc), checked_at=now)


def _pickle_frozen_map(mapping: MappingProxyType[str, str]) -> tuple[Any, tuple[Any, ...]]:
    return frozen_map, (dict(mapping),)


# Snapshots hold read-only mappings (a deployment's selector); send them as what they are.
copyreg.pickle(MappingProxyType, _pickle_frozen_map)


#: What a poll calls on each kind of source: a cluster's snapshot, the alerts (async).
READ = {"cluster": "snapshot", "alerts": "fetch"}


def poll_remote(role: str, name: str, factory: Callable[[], Any], interval: float,
                stop: threading.Event, send: Send) -> None:
    """Build the source here, then send ``(role, result, health)`` after every poll.

    A source that cannot be built (bad kubeconfig) is reported down and rebuilt on the
    same schedule; the loop ends when ``stop`` is set, closing the source. An async read
    (the alerts) runs on this thread's own event loop.
    """
    source: Any = None
    delay = interval
    loop = asyncio.new_event_loop()
    try:
        while not stop.is_set():
            now = datetime.now(UTC)
            try:
                if source is None:
                    source = factory()
                result = getattr(source, READ[role])()
                if inspect.isawaitable(result):
                    result = loop.run_until_complete(result)
            except Exception as exc:  # never let a source end the log process
                health = SourceHealth(name, HealthState.DOWN, last_error=describe(exc),
                                      checked_at=now)
                send((role, None, health))
            else:
                health = checked(getattr(source, "health", None), name, now)
                try:
                    send((role, result, health))
                except Exception as exc:  # a result that cannot cross: say so, go on
                    health = SourceHealth(name, HealthState.DOWN, checked_at=now, last_error=(
                        f"cannot hand the {role} to the app: {describe(exc)}"))
                    send((role, None, health))
            delay = next_delay(health, delay, interval)
            stop.wait(delay)
    finally:
        if source is not None and hasattr(source, "close"):
            with contextlib.suppress(Exception):
                source.close()
        loop.close()
