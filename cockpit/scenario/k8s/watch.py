"""Watch streams: initial state or history from a resourceVersion, then live changes.

Resuming from a compacted resourceVersion yields one ERROR event carrying a
410 Expired Status (HTTP 200), which is how the API server tells a client to
re-list. Bookmarks are sent when asked for, including the end-of-initial-events
bookmark of streaming lists (``sendInitialEvents=true``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cockpit.scenario.k8s import errors
from cockpit.scenario.k8s.meta import JsonObj
from cockpit.scenario.k8s.resources import RESOURCES
from cockpit.scenario.k8s.selectors import Matcher
from cockpit.scenario.k8s.state import ClusterState

BOOKMARK_EVERY_S = 5.0
MAX_TIMEOUT_S = 1800.0


@dataclass
class WatchRequest:
    plural: str
    namespace: str
    match: Matcher
    resource_version: str
    timeout_s: float
    bookmarks: bool
    send_initial: bool


def _bookmark(plural: str, rv: int, initial_end: bool = False) -> JsonObj:
    resource = RESOURCES[plural]
    meta: JsonObj = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"type": "BOOKMARK", "object": {"kind": resource.kind,
                                           "apiVersion": resource.api_version,
                                           "metadata": meta}}


def _visible(req: WatchRequest, obj: JsonObj) -> bool:
    ns = obj.get("metadata", {}).get("namespace", "")
    return req.namespace in ("", ns) and req.match(obj)


def watch_events(state: ClusterState, req: WatchRequest,
                 stopped: Callable[[], bool]) -> Iterator[JsonObj]:
    """Watch events as ``{"type", "object"}`` dicts until timeout, stop or drop."""
    deadline = time.monotonic() + min(req.timeout_s, MAX_TIMEOUT_S)
    if req.resource_version in ("", "0") or req.send_initial:
        items, last = state.list_items(req.plural, req.namespace or None, req.match)
        for item in items:
            yield {"type": "ADDED", "object": item}
        if req.send_initial:
            yield _bookmark(req.plural, last, initial_end=True)
    else:
        try:
            last = int(req.resource_version)
        except ValueError:
            yield {"type": "ERROR", "object": errors.bad_request(
                f"invalid resource version: {req.resource_version!r}").status()}
            return
    idle_since = time.monotonic()
    while not stopped():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        global_rv = state.resource_version
        try:
            changes = state.events_after(req.plural, last)
        except errors.ApiError as exc:
            yield {"type": "ERROR", "object": exc.status()}
            return
        for change in changes:
            last = change.rv
            if _visible(req, change.obj):
                idle_since = time.monotonic()
                yield {"type": change.type, "object": change.obj}
        last = max(last, global_rv)
        if req.bookmarks and time.monotonic() - idle_since > BOOKMARK_EVERY_S:
            idle_since = time.monotonic()
            yield _bookmark(req.plural, last)
        state.wait_for_change(global_rv, min(remaining, 0.5))
