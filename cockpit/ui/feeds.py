"""Worker bodies that run the sources and post what they get as messages.

Why here and not in the sources: scheduling, backoff and the "never crash the
app" rule are the UI's business. Each loop schedules its next poll when the
last one ends; a failure doubles the delay (up to a minute), is reported as a
``SourceHealthChanged`` with the reason, and the last good data stays on screen.
Log lines take another road (:mod:`cockpit.ui.log_hub`): a bounded ingest the
screen drains on a timer, so a flood of lines never floods the message queue.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime

from textual.message import Message
from textual.message_pump import MessagePump

from cockpit.sources.base import AlertSource, HealthState, SourceHealth
from cockpit.sources.logs.pump import describe
from cockpit.sources.polling import checked, next_delay
from cockpit.ui.messages import AlertsChanged, SourceHealthChanged


def poll_blocking(target: MessagePump, role: str, name: str, fetch: Callable[[], Message],
                  probe: Callable[[], SourceHealth] | None, interval: float,
                  stop: threading.Event, clock: Callable[[], datetime],
                  wake: threading.Event | None = None) -> None:
    """Thread worker: ``fetch`` → message, then health, then wait; until ``stop``.

    Setting ``wake`` makes the next poll happen at once (a new metrics window).
    """
    delay = interval
    while not stop.is_set():
        try:
            message = fetch()
        except Exception as exc:  # never let a source take the app down
            health = SourceHealth(name, HealthState.DOWN, last_error=describe(exc),
                                  checked_at=clock())
        else:
            target.post_message(message)
            health = checked(probe, name, clock())
        target.post_message(SourceHealthChanged(health, role))
        delay = next_delay(health, delay, interval)
        if wake is None:
            stop.wait(delay)
        else:
            wake.wait(delay)
            wake.clear()


def probe_health(target: MessagePump, probe: Callable[[], SourceHealth], interval: float,
                 stop: threading.Event) -> None:
    """Thread worker: poll an extra health probe (logs, llm) for the header."""
    while not stop.is_set():
        try:
            health = probe()
        except Exception as exc:
            health = SourceHealth("probe", HealthState.DEGRADED, last_error=describe(exc))
        target.post_message(SourceHealthChanged(health, "other"))
        stop.wait(interval)


async def poll_alerts(target: MessagePump, source: AlertSource, interval: float,
                      stop: threading.Event, clock: Callable[[], datetime]) -> None:
    """Async worker for the (async) alert source."""
    delay = interval
    while not stop.is_set():
        try:
            alerts = await source.fetch()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            health = SourceHealth("alertmanager", HealthState.DOWN, last_error=describe(exc),
                                  checked_at=clock())
        else:
            target.post_message(AlertsChanged(alerts))
            health = checked(source.health, "alertmanager", clock())
        target.post_message(SourceHealthChanged(health, "alerts"))
        delay = next_delay(health, delay, interval)
        await asyncio.sleep(delay)
