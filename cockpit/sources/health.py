"""Health bookkeeping and exponential backoff with jitter, shared by every source.

A source records each poll's outcome here; the tracker turns that into a
:class:`SourceHealth` (what failed, why, when it last worked) and tells the
caller how long to wait before the next poll: the normal interval while
healthy, a growing, jittered delay while failing (so a fleet of cockpits
does not hammer a recovering server in lock-step), back to normal on the
first success.

DOWN versus DEGRADED: DOWN means the source's data could not be read at all
(no connection, an HTTP 5xx, a body that is not the API's), and the timeline
records a monitoring gap for it (cockpit.ui.detect.HealthTracker) as the
post-mortem does. DEGRADED is slow, refused by our own caps, or partial.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime

from cockpit.sources.base import HealthState, SourceHealth

_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


#: An answer that is not the API's (not JSON, wrong shape): nothing was read, a gap.
BAD_BODY_STATE = HealthState.DOWN


def http_error_state(status: int) -> HealthState:
    """A non-2xx answer: 5xx is the server unable to serve (DOWN, a gap); others DEGRADED."""
    return HealthState.DOWN if 500 <= status <= 599 else HealthState.DEGRADED


def utc_from(clock: Callable[[], float]) -> datetime:
    return datetime.fromtimestamp(clock(), tz=UTC)


class Backoff:
    """Exponential backoff with "equal jitter": base·2ⁿ capped, then scaled by 0.5–1.0."""

    def __init__(self, base_s: float = 1.0, cap_s: float = 60.0,
                 rng: Callable[[], float] = random.random) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self._rng = rng

    def reset(self) -> None:
        self.failures = 0

    def fail(self) -> float:
        """Count one more failure and return the delay before the next attempt."""
        self.failures += 1
        raw = min(self.cap_s, self.base_s * 2.0 ** min(self.failures - 1, 30))
        return raw * (0.5 + 0.5 * self._rng())


class HealthTracker:
    """The health of one source, updated after every poll."""

    def __init__(self, source: str, address: str, interval_s: float,
                 clock: Callable[[], float], *, backoff: Backoff | None = None,
                 enabled: bool = True) -> None:
        self.source = source
        self.address = address
        self.interval_s = interval_s
        self._clock = clock
        self._backoff = backoff or Backoff(cap_s=max(60.0, interval_s))
        self._state = HealthState.OK if enabled else HealthState.DISABLED
        self._error = "" if enabled else "not configured"
        self._last_ok: datetime | None = None
        self._checked: datetime | None = None
        self._delay = interval_s

    def ok(self) -> None:
        now = utc_from(self._clock)
        self._state, self._error = HealthState.OK, ""
        self._last_ok = self._checked = now
        self._backoff.reset()
        self._delay = self.interval_s

    def failed(self, reason: str, state: HealthState = HealthState.DOWN) -> None:
        self._state, self._error = state, reason
        self._checked = utc_from(self._clock)
        self._delay = self._backoff.fail()

    @property
    def failures(self) -> int:
        return self._backoff.failures

    def next_delay(self) -> float:
        """Seconds to wait before the next poll (interval when healthy, backoff when not)."""
        return self._delay

    def snapshot(self) -> SourceHealth:
        return SourceHealth(self.source, self._state, self.address, self._error,
                            self._last_ok, self._checked)


def describe_os_error(exc: BaseException) -> str:
    """The OS-level cause of a network failure ("[Errno 111] Connection refused")."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None and current.strerror:
            # asyncio says "Connect call failed (...)"; the standard text is clearer
            text = os.strerror(current.errno) if current.errno > 0 else current.strerror
            return f"[Errno {current.errno}] {text}"
        for nxt in (getattr(current, "reason", None), current.__cause__, current.__context__,
                    *current.args):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    match = _ERRNO.search(str(exc))
    if match:
        return match.group(0).strip()
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
