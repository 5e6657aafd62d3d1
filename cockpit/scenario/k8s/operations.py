"""Reads and writes as the API server performs them: lists with selectors and
resourceVersion semantics, PATCH (also via ``/scale``) with dry-run, DELETE.

Kept apart from HTTP so the rules (generation bumps, conflicts, dry-run saving
nothing, the on_patch notification) can be read and tested on their own.
"""

from __future__ import annotations

import copy
from typing import Any

from cockpit.scenario.k8s import errors
from cockpit.scenario.k8s.meta import JsonObj, owner_uid, revision_of
from cockpit.scenario.k8s.patching import apply_patch, classify_change
from cockpit.scenario.k8s.resources import RESOURCES
from cockpit.scenario.k8s.selectors import Matcher, selector_string
from cockpit.scenario.k8s.state import ClusterState


def list_objects(state: ClusterState, plural: str, namespace: str, match: Matcher,
                 query: dict[str, str]) -> tuple[list[JsonObj], int]:
    items, rv = state.list_items(plural, namespace or None, match)
    wanted = query.get("resourceVersion", "")
    if query.get("resourceVersionMatch") == "Exact" and wanted and wanted != str(rv):
        raise errors.gone(f"too old resource version: {wanted} ({rv})")
    return items, rv


def list_body(plural: str, items: list[JsonObj], rv: int) -> JsonObj:
    resource = RESOURCES[plural]
    return {"kind": f"{resource.kind}List", "apiVersion": resource.api_version,
            "metadata": {"resourceVersion": str(rv)}, "items": items}


def get_object(state: ClusterState, plural: str, namespace: str, name: str) -> JsonObj:
    obj = state.get(plural, namespace, name)
    if obj is None:
        raise errors.not_found(RESOURCES[plural], name)
    return obj


def to_scale(obj: JsonObj) -> JsonObj:
    meta = obj["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                              "creationTimestamp") if k in meta},
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": selector_string(obj["spec"]["selector"].get("matchLabels",
                                                                               {}))}}


def _conflict(plural: str, name: str) -> errors.ApiError:
    return errors.ApiError(
        409, "Conflict", f'Operation cannot be fulfilled on {RESOURCES[plural].qualified} '
        f'"{name}": the object has been modified; please apply your changes to the latest '
        f'version and try again', {"name": name, "kind": plural})


def _validate(plural: str, obj: JsonObj) -> None:
    if plural not in ("deployments", "replicasets"):
        return
    replicas = obj.get("spec", {}).get("replicas", 1)
    if not isinstance(replicas, int) or replicas < 0:
        raise errors.ApiError(422, "Invalid", f'{RESOURCES[plural].kind}.apps '
                              f'"{obj["metadata"]["name"]}" is invalid: spec.replicas: Invalid '
                              f'value: {replicas}: must be greater than or equal to 0')


def patch_object(state: ClusterState, plural: str, namespace: str, name: str, sub: str,
                 content_type: str, body: bytes, dry_run: bool) -> JsonObj:
    """Apply a PATCH; returns what the client sees (the object or its Scale)."""
    notify: tuple[str, dict[str, Any]] | None = None
    with state.lock:
        before = get_object(state, plural, namespace, name)
        if sub == "scale":
            scaled = apply_patch(to_scale(before), content_type, body)
            after = copy.deepcopy(before)
            after["spec"]["replicas"] = scaled.get("spec", {}).get("replicas")
            wanted_rv = scaled.get("metadata", {}).get("resourceVersion")
        else:
            after = apply_patch(before, content_type, body)
            wanted_rv = after.get("metadata", {}).get("resourceVersion")
        if wanted_rv and wanted_rv != before["metadata"]["resourceVersion"]:
            raise _conflict(plural, name)
        for key in ("name", "namespace", "uid", "creationTimestamp", "resourceVersion"):
            if key in before["metadata"]:
                after.setdefault("metadata", {})[key] = before["metadata"][key]
        after["kind"], after["apiVersion"] = before["kind"], before["apiVersion"]
        _validate(plural, after)
        if plural in ("deployments", "replicasets") and after.get("spec") != before.get("spec"):
            after["metadata"]["generation"] = before["metadata"].get("generation", 1) + 1
        if not dry_run:
            after = state.put(plural, after)
            if plural == "deployments":
                owned = [rs for rs in state.list_items("replicasets", namespace)[0]
                         if owner_uid(rs) == before["metadata"]["uid"]]
                notify = classify_change(before, after, [(revision_of(rs), rs["spec"]["template"])
                                                         for rs in owned])
    if notify is not None:
        state.notify_patch(namespace, name, notify[0], notify[1])
    return to_scale(after) if sub == "scale" else after


def delete_object(state: ClusterState, plural: str, namespace: str, name: str,
                  dry_run: bool) -> JsonObj:
    obj = get_object(state, plural, namespace, name)
    if dry_run:
        return obj
    deleted = state.delete(plural, namespace, name)
    if deleted is None:
        raise errors.not_found(RESOURCES[plural], name)
    return deleted
