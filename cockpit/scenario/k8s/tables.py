"""meta.k8s.io/v1 Table responses: the server-side printing ``kubectl get`` shows.

Columns and cell wording follow the API server's own printers (READY "2/3",
STATUS "CrashLoopBackOff", AGE "5m12s"), so a user's eye meets the usual layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cockpit.scenario.k8s.meta import JsonObj, human_duration, parse_time
from cockpit.scenario.k8s.selectors import selector_string

Column = tuple[str, str, int]  # name, type, priority
TABLE_MEDIA = "as=Table"


def _age(ts: str | None, now: float) -> str:
    return human_duration(now - parse_time(ts)) if ts else "<unknown>"


def _containers(tpl_spec: JsonObj) -> tuple[str, str]:
    containers = tpl_spec.get("containers", [])
    return (",".join(c["name"] for c in containers),
            ",".join(c.get("image", "") for c in containers))


def _deployment(o: JsonObj, now: float) -> list[Any]:
    st, spec = o.get("status", {}), o["spec"]
    names, images = _containers(spec["template"]["spec"])
    return [o["metadata"]["name"], f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0),
            _age(o["metadata"].get("creationTimestamp"), now), names, images,
            selector_string(spec["selector"].get("matchLabels", {}))]


def _replicaset(o: JsonObj, now: float) -> list[Any]:
    st, spec = o.get("status", {}), o["spec"]
    names, images = _containers(spec["template"]["spec"])
    return [o["metadata"]["name"], spec.get("replicas", 0), st.get("replicas", 0),
            st.get("readyReplicas", 0), _age(o["metadata"].get("creationTimestamp"), now),
            names, images, selector_string(spec["selector"].get("matchLabels", {}))]


def pod_status_word(o: JsonObj) -> str:
    if o["metadata"].get("deletionTimestamp"):
        return "Terminating"
    word = o.get("status", {}).get("phase", "Unknown")
    for cs in o.get("status", {}).get("containerStatuses") or []:
        state = cs.get("state", {})
        if state.get("waiting", {}).get("reason"):
            word = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            word = state["terminated"]["reason"]
    return str(word)


def _pod(o: JsonObj, now: float) -> list[Any]:
    statuses = o.get("status", {}).get("containerStatuses") or []
    ready = sum(1 for cs in statuses if cs.get("ready"))
    restarts = sum(int(cs.get("restartCount", 0)) for cs in statuses)
    total = len(o["spec"].get("containers", []))
    restart_cell: str | int = restarts
    finished = [cs["lastState"]["terminated"].get("finishedAt") for cs in statuses
                if cs.get("lastState", {}).get("terminated")]
    if restarts and finished and finished[0]:
        restart_cell = f"{restarts} ({_age(finished[0], now)} ago)"
    return [o["metadata"]["name"], f"{ready}/{total}", pod_status_word(o), restart_cell,
            _age(o["metadata"].get("creationTimestamp"), now),
            o.get("status", {}).get("podIP", "<none>"), o["spec"].get("nodeName", "<none>"),
            "<none>", "<none>"]


def _event(o: JsonObj, now: float) -> list[Any]:
    inv = o.get("involvedObject", {})
    return [_age(o.get("lastTimestamp") or o["metadata"].get("creationTimestamp"), now),
            o.get("type", ""), o.get("reason", ""),
            f"{inv.get('kind', '').lower()}/{inv.get('name', '')}",
            inv.get("fieldPath", ""), o.get("source", {}).get("component", ""),
            o.get("message", ""), _age(o.get("firstTimestamp"), now), o.get("count", 1),
            o["metadata"]["name"]]


def _namespace(o: JsonObj, now: float) -> list[Any]:
    return [o["metadata"]["name"], o.get("status", {}).get("phase", "Active"),
            _age(o["metadata"].get("creationTimestamp"), now)]


_WIDE = [("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)]
PRINTERS: dict[str, tuple[list[Column], Callable[[JsonObj, float], list[Any]]]] = {
    "deployments": ([("Name", "string", 0), ("Ready", "string", 0), ("Up-to-date", "integer", 0),
                     ("Available", "integer", 0), ("Age", "string", 0), *_WIDE], _deployment),
    "replicasets": ([("Name", "string", 0), ("Desired", "integer", 0),
                     ("Current", "integer", 0), ("Ready", "integer", 0), ("Age", "string", 0),
                     *_WIDE], _replicaset),
    "pods": ([("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0),
              ("Restarts", "string", 0), ("Age", "string", 0), ("IP", "string", 1),
              ("Node", "string", 1), ("Nominated Node", "string", 1),
              ("Readiness Gates", "string", 1)], _pod),
    "events": ([("Last Seen", "string", 0), ("Type", "string", 0), ("Reason", "string", 0),
                ("Object", "string", 0), ("Subobject", "string", 1), ("Source", "string", 1),
                ("Message", "string", 0), ("First Seen", "string", 1), ("Count", "integer", 1),
                ("Name", "string", 1)], _event),
    "namespaces": ([("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)],
                   _namespace),
}


def wants_table(accept: str) -> bool:
    first = accept.split(",")[0]
    return TABLE_MEDIA in first.replace(" ", "")


def _row_object(obj: JsonObj, include: str) -> JsonObj | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj["metadata"]}


def table(plural: str, objects: list[JsonObj], now: float, resource_version: str,
          include_object: str = "Metadata", with_columns: bool = True) -> JsonObj:
    columns, printer = PRINTERS[plural]
    body: JsonObj = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                     "metadata": {"resourceVersion": resource_version}}
    body["columnDefinitions"] = [
        {"name": name, "type": kind, "format": "name" if name == "Name" else "",
         "description": name, "priority": prio} for name, kind, prio in columns
    ] if with_columns else []
    body["rows"] = [{"cells": printer(o, now), "object": _row_object(o, include_object)}
                    for o in objects]
    return body
