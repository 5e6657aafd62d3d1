"""PATCH bodies as kubectl and the client libraries send them, and what a change means.

JSON patch (``rollout undo``), merge patch (``scale``) and strategic-merge patch
(``rollout restart``, ``set image``: lists of containers merge by name, ``$``
directives such as ``$setElementOrder`` are honoured or ignored safely).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonpatch

from cockpit.scenario.k8s import errors
from cockpit.scenario.k8s.meta import RESTARTED_AT_ANNOTATION, JsonObj, same_template

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"

# list field -> merge key, as the Kubernetes types declare patchMergeKey.
MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name",
              "volumes": "name", "volumeMounts": "mountPath", "ports": "containerPort",
              "imagePullSecrets": "name", "conditions": "type", "ownerReferences": "uid"}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: maps merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _strategic_list(key: str, target: list[Any], patch: list[Any]) -> list[Any]:
    merge_key = MERGE_KEYS.get(key)
    if merge_key is None or not all(isinstance(p, dict) for p in patch):
        return copy.deepcopy(patch)
    result = [copy.deepcopy(t) for t in target]
    for item in patch:
        directive = item.get("$patch")
        index = next((i for i, t in enumerate(result)
                      if isinstance(t, dict) and t.get(merge_key) == item.get(merge_key)), None)
        if directive == "delete":
            if index is not None:
                result.pop(index)
        elif index is None:
            result.append(strategic_merge({}, item))
        else:
            result[index] = strategic_merge(result[index], item)
    return result


def strategic_merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: v for k, v in patch.items() if not k.startswith("$")}
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue  # $setElementOrder/..., $retainKeys, $deleteFromPrimitiveList: order only
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _strategic_list(key, result[key], value)
        else:
            result[key] = strategic_merge(result.get(key), value)
    return result


def apply_patch(obj: JsonObj, content_type: str, body: bytes) -> JsonObj:
    kind = content_type.split(";")[0].strip()
    try:
        patch = json.loads(body or b"null")
    except ValueError as exc:
        raise errors.bad_request(f"error decoding patch: {exc}") from exc
    if kind == JSON_PATCH:
        try:
            return dict(jsonpatch.apply_patch(obj, patch))
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            raise errors.ApiError(422, "Invalid", f"the server rejected our request due to an "
                                  f"error in our request: {exc}") from exc
    if not isinstance(patch, dict):
        raise errors.bad_request("error decoding patch: the patch is not a JSON object")
    if kind == MERGE_PATCH:
        return dict(merge_patch(obj, patch))
    if kind == STRATEGIC_PATCH:
        return dict(strategic_merge(obj, patch))
    raise errors.unsupported_media(kind)


def classify_change(before: JsonObj, after: JsonObj, rs_templates: list[tuple[int, JsonObj]],
                    ) -> tuple[str, dict[str, Any]]:
    """"rollback" | "restart" | "scale" | "other", with the details worth reacting to."""
    old_tpl, new_tpl = before["spec"]["template"], after["spec"]["template"]
    details: dict[str, Any] = {
        "images": [c.get("image", "") for c in new_tpl["spec"].get("containers", [])],
        "replicas": after["spec"].get("replicas"),
        "from_replicas": before["spec"].get("replicas"),
    }
    if not same_template(old_tpl, new_tpl):
        old_restart = (old_tpl.get("metadata", {}).get("annotations") or {}).get(
            RESTARTED_AT_ANNOTATION)
        new_restart = (new_tpl.get("metadata", {}).get("annotations") or {}).get(
            RESTARTED_AT_ANNOTATION)
        for revision, tpl in sorted(rs_templates, reverse=True):
            if same_template(tpl, new_tpl):
                details["to_revision"] = revision
                return "rollback", details
        if new_restart and new_restart != old_restart:
            details["restarted_at"] = new_restart
            return "restart", details
        return "other", details
    if before["spec"].get("replicas") != after["spec"].get("replicas"):
        return "scale", details
    return "other", details
