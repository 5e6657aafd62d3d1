"""Injected faults for the simulator: outages, errors, slowness and cut streams on a schedule.

cockpit must survive its data sources failing at 03:00; the simulator makes that
reproducible. A fault is written ``component:kind[=value][@start[-end]]``, e.g.
``prometheus:down@5m-8m``, ``alertmanager:500@10:30-10:33``, ``k8s:latency=3s@2m-4m``,
``k8s:watch-drop@6m``, ``logs:disconnect@6m-7m``, ``llm:timeout``. Times are scenario
offsets or clock times (see durations.parse_offset); no window means always.

The servers consult a :class:`FaultSchedule` per request through the SimClock
(``verdict``); stream cuts fire once when their window opens (``StreamCutter``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from cockpit.scenario.durations import parse_duration, parse_offset
from cockpit.scenario.model import Fault

COMPONENTS = ("prometheus", "alertmanager", "k8s", "logs", "llm")
#: kind → components it applies to
KINDS: dict[str, tuple[str, ...]] = {
    "down": ("prometheus", "alertmanager", "k8s", "logs", "llm"),
    "latency": ("prometheus", "alertmanager", "k8s", "logs", "llm"),
    "watch-drop": ("k8s",),
    "disconnect": ("logs",),
    "timeout": ("llm",),
    "garbage": ("llm",),
}
_SPEC = re.compile(r"^(?P<component>[a-z0-9]+):(?P<kind>[a-z0-9-]+)(=(?P<value>[^@]+))?"
                   r"(@(?P<window>.+))?$")
_STATUS = re.compile(r"^[45]\d\d$")
#: how long a one-off stream cut ("k8s:watch-drop@6m") keeps new streams away
CUT_WINDOW_S = 1.0


class FaultError(ValueError):
    """A fault spec that cannot be understood; the message says how to write it."""


@dataclass(frozen=True)
class FaultWindow:
    """One parsed fault: which component, what goes wrong, and when (scenario offsets)."""

    text: str
    component: str
    kind: str            # down, status, latency, watch-drop, disconnect, timeout, garbage
    value: float = 0.0   # the status code for "status", seconds for "latency"
    start: float | None = None
    end: float | None = None

    def active(self, offset: float) -> bool:
        if self.start is None:
            return True
        end = self.end if self.end is not None else self.start + CUT_WINDOW_S
        return self.start <= offset < end


class Verdict(NamedTuple):
    """What a server does with one request: ``close``, ``status`` (value=code) or ``sleep``."""

    action: str
    value: float
    reason: str


HINT = ("write COMPONENT:KIND[=VALUE][@START[-END]], e.g. prometheus:down@5m-8m, "
        "alertmanager:500@10:30-10:33, k8s:latency=3s@2m-4m, k8s:watch-drop@6m, llm:timeout")


def parse_fault(text: str, origin: datetime) -> FaultWindow:
    """``"prometheus:down@5m-8m"`` → a :class:`FaultWindow`; :class:`FaultError` if wrong."""
    match = _SPEC.match(text.strip())
    if not match:
        raise FaultError(f"fault {text!r}: not understood; {HINT}")
    component, kind, value_text = match["component"], match["kind"], match["value"]
    if component not in COMPONENTS:
        raise FaultError(f"fault {text!r}: unknown component {component!r} "
                         f"(one of {', '.join(COMPONENTS)})")
    value = 0.0
    if _STATUS.match(kind):
        value, kind = float(kind), "status"
    elif kind not in KINDS:
        raise FaultError(f"fault {text!r}: unknown kind {kind!r} (one of "
                         f"{', '.join(KINDS)}, or an HTTP status such as 500)")
    elif component not in KINDS[kind]:
        raise FaultError(f"fault {text!r}: {kind} does not apply to {component} "
                         f"(only {', '.join(KINDS[kind])})")
    if kind == "latency":
        try:
            value = parse_duration(value_text or "")
        except ValueError:
            raise FaultError(f"fault {text!r}: latency needs a duration, e.g. latency=3s") from None
    elif value_text:
        raise FaultError(f"fault {text!r}: {kind} takes no value")
    start = end = None
    if match["window"]:
        first, sep, last = match["window"].partition("-")
        try:
            start = parse_offset(first, origin)
            end = parse_offset(last, origin) if sep else None
        except ValueError as exc:
            raise FaultError(f"fault {text!r}: {exc}; {HINT}") from None
        if end is not None and end <= start:
            raise FaultError(f"fault {text!r}: the window ends before it starts")
    return FaultWindow(text.strip(), component, kind, value, start, end)


def from_model(fault: Fault, origin: datetime) -> FaultWindow:
    return parse_fault(fault.text, origin)


class FaultSchedule:
    """The faults of one simulator run, asked per request "what now?" via the clock."""

    def __init__(self, faults: Iterable[FaultWindow], offset: Callable[[], float]) -> None:
        self.faults = tuple(faults)
        self._offset = offset

    def __bool__(self) -> bool:
        return bool(self.faults)

    def active(self, component: str, offset: float | None = None) -> list[FaultWindow]:
        now = self._offset() if offset is None else offset
        return [f for f in self.faults if f.component == component and f.active(now)]

    def verdict(self, component: str, path: str = "", query: str = "") -> Verdict | None:
        """The first fault that applies to this request, as an action for the server."""
        for fault in self.active(component):
            if fault.kind == "down":
                return Verdict("close", 0.0, fault.text)
            if fault.kind == "status":
                return Verdict("status", fault.value, fault.text)
            if fault.kind == "latency":
                return Verdict("sleep", fault.value, fault.text)
            if fault.kind == "watch-drop" and "watch=" in query:
                return Verdict("close", 0.0, fault.text)
        if path.endswith("/log"):
            for fault in self.active("logs"):
                if fault.kind in ("down", "disconnect"):
                    return Verdict("close", 0.0, fault.text)
                if fault.kind == "latency":
                    return Verdict("sleep", fault.value, fault.text)
        return None

    def llm_mode(self) -> str:
        """The loopback LLM server's fault mode now: ``slow``, ``garbage``, ``500`` or ``""``."""
        for fault in self.active("llm"):
            if fault.kind == "timeout":
                return "slow"
            if fault.kind == "garbage":
                return "garbage"
            if fault.kind in ("down", "status"):
                return "500" if fault.kind == "down" else str(int(fault.value))
        return ""

    def cuts(self) -> list[FaultWindow]:
        return [f for f in self.faults if f.kind in ("watch-drop", "disconnect", "down")
                and f.component in ("k8s", "logs") and f.start is not None]


class StreamCutter:
    """Cuts open streams while a stream-cutting window is active (watch-drop, disconnect).

    Not only once at the opening: a request that passed the gate just before the window
    opened registers its stream a moment later, and must not live through the window.
    """

    def __init__(self, schedule: FaultSchedule, cut: Callable[[], None],
                 poll_s: float = 0.05) -> None:
        self._pending = sorted(schedule.cuts(), key=lambda f: f.start or 0.0)
        self._schedule = schedule
        self._cut = cut
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-fault-cutter", daemon=True)
        self.fired: list[str] = []

    def start(self) -> None:
        if self._pending:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while self._pending and not self._stop.wait(self._poll_s):
            now = self._schedule._offset()
            active = [f for f in self._pending if f.active(now)]
            for fault in active:
                if fault.text not in self.fired:
                    self.fired.append(fault.text)
            if active:
                self._cut()
            # windows already over (or skipped because over before we looked) are done
            self._pending = [f for f in self._pending if f.active(now) or
                             (f.start or 0.0) > now]
