"""The in-memory cluster: real Kubernetes JSON objects, one resourceVersion counter,
and a bounded watch history.

Everything the fake API server answers comes from here, and the scenario driver
changes the cluster only through these methods, so watches see every change once,
in order, exactly as they would from etcd.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cockpit.scenario.k8s import errors
from cockpit.scenario.k8s.meta import JsonObj, new_uid, rfc3339
from cockpit.scenario.k8s.resources import KIND_TO_PLURAL, RESOURCES
from cockpit.scenario.k8s.selectors import Matcher

LogProvider = Callable[[str, str, str, float, float], list[tuple[float, str]]]
PatchListener = Callable[[str, str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class WatchEvent:
    rv: int
    plural: str
    type: str  # ADDED | MODIFIED | DELETED
    obj: JsonObj = field(repr=False)


class ClusterState:
    """Thread-safe store; every read returns a deep copy the caller may keep."""

    def __init__(self, clock: Callable[[], float] = time.time, ready_delay_s: float = 3.0,
                 history_limit: int = 5000) -> None:
        self.clock = clock
        self.ready_delay_s = ready_delay_s
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._rv = 1
        self._objects: dict[str, dict[tuple[str, str], JsonObj]] = {p: {} for p in RESOURCES}
        self._history: deque[WatchEvent] = deque()
        self._history_limit = history_limit
        self._compacted_rv = 0
        self.pending_ready: dict[str, float] = {}  # pod uid -> clock time it turns Ready
        self.log_provider: LogProvider = lambda ns, pod, c, since, until: []
        self._patch_listeners: list[PatchListener] = []
        self._event_seq = 0

    # --- reading ---------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        with self.lock:
            return self._rv

    def now(self) -> float:
        return self.clock()

    def get(self, plural: str, namespace: str, name: str) -> JsonObj | None:
        with self.lock:
            obj = self._objects[plural].get((namespace, name))
            return copy.deepcopy(obj) if obj is not None else None

    def list_items(self, plural: str, namespace: str | None = None,
             match: Matcher | None = None) -> tuple[list[JsonObj], int]:
        with self.lock:
            items = [copy.deepcopy(o) for (ns, _), o in sorted(self._objects[plural].items())
                     if namespace in (None, "", ns) and (match is None or match(o))]
            return items, self._rv

    def events_after(self, plural: str, rv: int) -> list[WatchEvent]:
        """Changes newer than ``rv``; 410 Expired when some were already compacted."""
        with self.lock:
            if rv < self._compacted_rv:
                raise errors.gone(f"too old resource version: {rv} ({self._compacted_rv + 1})")
            return [e for e in self._history if e.rv > rv and e.plural == plural]

    def wait_for_change(self, after_rv: int, timeout: float) -> None:
        with self.changed:
            if self._rv <= after_rv:
                self.changed.wait(timeout)

    def compact(self) -> None:
        """Forget all watch history, as etcd compaction does; old watches get 410."""
        with self.lock:
            self._history.clear()
            self._compacted_rv = self._rv

    # --- writing ---------------------------------------------------------------
    def _record(self, plural: str, kind: str, obj: JsonObj) -> None:
        self._history.append(WatchEvent(self._rv, plural, kind, copy.deepcopy(obj)))
        while len(self._history) > self._history_limit:
            self._compacted_rv = self._history.popleft().rv
        self.changed.notify_all()

    def put(self, plural: str, obj: JsonObj, *, external: bool = True) -> JsonObj:
        """Create or replace an object; fills uid, timestamps and resourceVersion."""
        resource = RESOURCES[plural]
        with self.lock:
            obj = copy.deepcopy(obj)
            obj["kind"], obj["apiVersion"] = resource.kind, resource.api_version
            meta = obj.setdefault("metadata", {})
            key = (meta.get("namespace", "") if resource.namespaced else "", meta["name"])
            old = self._objects[plural].get(key)
            meta.setdefault("uid", old["metadata"]["uid"] if old else new_uid())
            meta.setdefault("creationTimestamp",
                            old["metadata"]["creationTimestamp"] if old else rfc3339(self.now()))
            if plural in ("deployments", "replicasets"):
                previous = old["metadata"].get("generation", 1) if old else 1
                meta.setdefault("generation", previous)
                if old and old.get("spec") != obj.get("spec") and meta["generation"] == previous:
                    meta["generation"] = previous + 1  # a spec change is a new generation
            if plural == "pods" and external:
                self.pending_ready.pop(meta["uid"], None)
            self._rv += 1
            meta["resourceVersion"] = str(self._rv)
            self._objects[plural][key] = obj
            self._record(plural, "MODIFIED" if old else "ADDED", obj)
            return copy.deepcopy(obj)

    def delete(self, plural: str, namespace: str, name: str) -> JsonObj | None:
        with self.lock:
            obj = self._objects[plural].pop((namespace, name), None)
            if obj is None:
                return None
            self.pending_ready.pop(obj["metadata"]["uid"], None)
            self._rv += 1
            obj["metadata"]["resourceVersion"] = str(self._rv)
            self._record(plural, "DELETED", obj)
            return copy.deepcopy(obj)

    # --- what the scenario driver calls ---------------------------------------
    def put_namespace(self, name: str) -> JsonObj:
        return self.put("namespaces", {"metadata": {"name": name}, "spec": {},
                                       "status": {"phase": "Active"}})

    def put_deployment(self, obj: JsonObj) -> JsonObj:
        return self.put("deployments", obj)

    def put_replicaset(self, obj: JsonObj) -> JsonObj:
        return self.put("replicasets", obj)

    def put_pod(self, obj: JsonObj) -> JsonObj:
        return self.put("pods", obj)

    def delete_pod(self, namespace: str, name: str) -> JsonObj | None:
        return self.delete("pods", namespace, name)

    def add_event(self, namespace: str, kind: str, name: str, reason: str, message: str,
                  type: str = "Warning", component: str = "kubelet") -> JsonObj:
        """Record an event; a repeat of the same one bumps count and lastTimestamp."""
        with self.lock:
            now = rfc3339(self.now())
            for event in self._objects["events"].values():
                inv = event["involvedObject"]
                if (event["metadata"]["namespace"], inv["kind"], inv["name"], event["reason"],
                        event["message"]) == (namespace, kind, name, reason, message):
                    event = copy.deepcopy(event)
                    event["count"] += 1
                    event["lastTimestamp"] = now
                    return self.put("events", event)
            target = self.get(KIND_TO_PLURAL.get(kind, "pods"), namespace, name)
            uid = target["metadata"]["uid"] if target else ""
            api_version = RESOURCES[KIND_TO_PLURAL[kind]].api_version \
                if kind in KIND_TO_PLURAL else "v1"
            self._event_seq += 1
            return self.put("events", {
                "metadata": {"name": f"{name}.{int(self.now() * 1e6):x}{self._event_seq:x}",
                             "namespace": namespace},
                "involvedObject": {"kind": kind, "namespace": namespace, "name": name,
                                   "uid": uid, "apiVersion": api_version},
                "reason": reason, "message": message, "type": type, "count": 1,
                "source": {"component": component}, "firstTimestamp": now,
                "lastTimestamp": now, "eventTime": None, "reportingComponent": component,
                "reportingInstance": "",
            })

    def set_log_provider(self, provider: LogProvider) -> None:
        """``provider(namespace, pod, container, since_ts, until_ts)`` -> [(ts, text)].

        Lines with ``since_ts <= ts < until_ts``; times are the scenario clock's.
        """
        self.log_provider = provider

    def on_patch(self, listener: PatchListener) -> None:
        """Called after each saved PATCH of a deployment: (ns, name, change, details)."""
        self._patch_listeners.append(listener)

    def notify_patch(self, namespace: str, name: str, change: str,
                     details: dict[str, Any]) -> None:
        for listener in list(self._patch_listeners):
            listener(namespace, name, change, details)
