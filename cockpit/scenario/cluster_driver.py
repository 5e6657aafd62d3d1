"""Keeps the Kubernetes fake in step with the scenario world as time passes.

Every tick it renders the world at the clock's offset and writes only what
changed (so watches see real ADDED/MODIFIED/DELETED events, not churn). A saved
PATCH from kubectl or cockpit (rollback, restart, scale) is handed to the world,
which changes the future accordingly, and the cluster is re-rendered at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cockpit.scenario.clock import SimClock
from cockpit.scenario.k8s.meta import JsonObj
from cockpit.scenario.k8s.state import ClusterState
from cockpit.scenario.k8s_render import (
    render_deployment,
    render_event,
    render_pod,
    render_replicaset,
)
from cockpit.scenario.world import ScenarioWorld

log = logging.getLogger(__name__)
REACTIONS = ("rollback", "restart", "scale")


class ClusterDriver:
    def __init__(self, world: ScenarioWorld, state: ClusterState, clock: SimClock) -> None:
        self.world = world
        self.state = state
        self.clock = clock
        self.namespace = world.scenario.namespace
        self.nodes = list(world.scenario.nodes)
        self._rendered: dict[tuple[str, str], JsonObj] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []
        state.set_log_provider(self._log_lines)
        state.on_patch(self._on_patch)

    # -- the loop --------------------------------------------------------------

    def start(self, every_s: float = 0.25) -> None:
        self.sync()
        self._thread = threading.Thread(target=self._run, args=(every_s,),
                                        name="scenario-cluster-driver", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            try:
                self.sync()
            except Exception as exc:  # keep serving; record why the cluster stalled
                log.exception("cluster sync failed")
                self.errors.append(str(exc))

    # -- rendering -------------------------------------------------------------

    def sync(self) -> None:
        with self._lock, self.state.lock:
            offset = self.clock.offset()
            to_unix = self.clock.to_unix
            if self.state.get("namespaces", "", self.namespace) is None:
                self.state.put_namespace(self.namespace)
            pods = self.world.pods(offset)
            seen: set[tuple[str, str]] = set()
            replicasets: dict[str, JsonObj] = {}
            for dep in self.world.deployments(offset):
                dep_obj = self._put("deployments", render_deployment(dep, self.namespace,
                                                                     to_unix), seen)
                mine = [p for p in pods if p.deployment == dep.name]
                for rev in dep.revisions:
                    rs = render_replicaset(dep, rev, self.namespace, mine, to_unix)
                    _own(rs, dep_obj)
                    replicasets[rev.pod_template_hash] = self._put("replicasets", rs, seen)
            for pod in pods:
                owner = replicasets.get(pod.pod_template_hash)
                if owner is None:
                    continue
                obj = render_pod(pod, owner, self.nodes, to_unix)
                _own(obj, owner)
                self._put("pods", obj, seen)
            for event in self.world.events(offset):
                self._put("events", render_event(event, self.namespace, to_unix), seen)
            for plural, name in set(self._rendered) - seen:
                if plural != "events":
                    self.state.delete(plural, self.namespace, name)
                    del self._rendered[(plural, name)]

    def _put(self, plural: str, obj: JsonObj, seen: set[tuple[str, str]]) -> JsonObj:
        key = (plural, obj["metadata"]["name"])
        seen.add(key)
        current = self.state.get(plural, self.namespace, key[1])
        if self._rendered.get(key) == obj and current is not None:
            return current
        self._rendered[key] = obj
        if plural == "deployments":
            obj = _with_generation(obj, current)
        return self.state.put(plural, obj)

    # -- hooks -----------------------------------------------------------------

    def _log_lines(self, namespace: str, pod: str, container: str, since: float,
                   until: float) -> list[tuple[float, str]]:
        start, end = self.clock.to_offset(since), self.clock.to_offset(until)
        return [(self.clock.to_unix(o), text) for o, text in self.world.log_lines(pod, start, end)]

    def _on_patch(self, namespace: str, name: str, change: str, details: dict[str, Any]) -> None:
        if change not in REACTIONS or namespace != self.namespace:
            return
        params: dict[str, object] = {}
        if change == "rollback" and details.get("to_revision") is not None:
            params["to_revision"] = int(details["to_revision"])
        if change == "scale":
            params["replicas"] = int(details.get("replicas") or 0)
        try:
            self.world.apply_action(change, name, self.clock.offset(), **params)
        except ValueError as exc:
            self.errors.append(f"{change} {name}: {exc}")
            return
        self._rendered.pop(("deployments", name), None)
        self.sync()


def _own(obj: JsonObj, owner: JsonObj) -> None:
    for ref in obj["metadata"].get("ownerReferences", []):
        ref["uid"] = owner["metadata"]["uid"]


def _with_generation(obj: JsonObj, current: JsonObj | None) -> JsonObj:
    """Bump generation on a spec change and mark it observed (the world is settled)."""
    previous = int(current["metadata"].get("generation", 1)) if current else 1
    changed = current is not None and current.get("spec") != obj.get("spec")
    generation = previous + 1 if changed else previous
    obj = dict(obj, metadata=dict(obj["metadata"], generation=generation))
    obj["status"] = dict(obj.get("status") or {}, observedGeneration=generation)
    return obj
