"""Turning a suggestion (an LLM's answer, a line from a log or a runbook page) into
a catalogue action, or refusing it.

Only catalogue actions can run. A suggestion must name one of them, on a resource
that exists in the incident's namespace, with parameters inside the limits;
anything else (``kubectl delete namespace production``) is shown as text only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from cockpit.actions.catalogue import Catalogue
from cockpit.actions.plans import ActionKind, Plan, Refusal

SHELL_SYNTAX = re.compile(r"[;&|`<>]|\$\(|\$\{|\n")
VERBS = {"rollback": ActionKind.ROLLBACK, "undo": ActionKind.ROLLBACK,
         "roll": ActionKind.ROLLBACK, "restart": ActionKind.RESTART, "scale": ActionKind.SCALE,
         "pause": ActionKind.PAUSE, "resume": ActionKind.RESUME, "cordon": ActionKind.CORDON}
TEXT_ONLY = "shown as text only"


def map_suggestion(suggestion: str | Mapping[str, Any], catalogue: Catalogue) -> Plan | Refusal:
    """A validated catalogue Plan, or a Refusal saying why it is text only."""
    try:
        fields = _from_mapping(suggestion) if isinstance(suggestion, Mapping) \
            else _from_text(str(suggestion))
        return _validate(fields, catalogue)
    except _Refused as exc:
        return Refusal(f"{exc}; {TEXT_ONLY}")


class _Refused(Exception):
    pass


def _int(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,6}", str(value).strip()):
        raise _Refused(f"{what} must be a whole number, not {value!r}")
    return int(str(value).strip())


def _from_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    action = str(data.get("action") or data.get("kind") or "").strip().lower()
    target = str(data.get("target") or data.get("deployment") or data.get("node")
                 or data.get("name") or "")
    return {"verb": action, "target": target, "namespace": data.get("namespace"),
            "to_revision": _int(data.get("to_revision"), "to_revision"),
            "replicas": _int(data.get("replicas"), "replicas")}


def _from_text(text: str) -> dict[str, Any]:
    text = text.strip().strip("`").strip()
    if SHELL_SYNTAX.search(text):
        raise _Refused("it contains shell syntax (; & | ` $( > <)")
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise _Refused(f"cannot read it as a command: {exc}") from None
    fields: dict[str, Any] = {"verb": "", "target": "", "namespace": None, "to_revision": None,
                              "replicas": None}
    rest: list[str] = []
    it = iter(words)
    for word in it:
        flag, eq, value = word.partition("=")
        if flag in ("-n", "--namespace"):
            fields["namespace"] = value if eq else next(it, "")
        elif flag == "--to-revision":
            fields["to_revision"] = _int(value if eq else next(it, ""), "--to-revision")
        elif flag == "--replicas":
            fields["replicas"] = _int(value if eq else next(it, ""), "--replicas")
        elif word.startswith("-"):
            raise _Refused(f"option {word} is not one cockpit knows how to run")
        else:
            rest.append(word)
    if rest[:1] == ["kubectl"]:
        rest = rest[1:]
        if rest[:2] == ["rollout", "undo"]:
            rest = ["rollback", *rest[2:]]
        elif rest[:1] == ["rollout"] and len(rest) > 1:
            rest = rest[1:]
    rest = [w for w in rest if w.lower() not in ("to", "the", "back", "deployment", "replicas")]
    if not rest or rest[0].lower() not in VERBS:
        verb = rest[0] if rest else "(nothing)"
        raise _Refused(f"{verb!r} is not a catalogue action (rollback, restart, scale, pause, "
                       f"resume, cordon)")
    fields["verb"] = rest[0].lower()
    fields["target"] = rest[1] if len(rest) > 1 else ""
    for word in rest[2:]:  # "rollback api-gateway 41", "scale api-gateway 5"
        number = _int(word, "the number")
        if fields["verb"] == "scale" and fields["replicas"] is None:
            fields["replicas"] = number
        elif fields["verb"] in ("rollback", "undo", "roll") and fields["to_revision"] is None:
            fields["to_revision"] = number
        else:
            raise _Refused(f"unexpected word {word!r}")
    return fields


def _validate(fields: Mapping[str, Any], cat: Catalogue) -> Plan:
    verb = str(fields["verb"])
    if verb not in VERBS:
        raise _Refused(f"{verb or '(no action)'!r} is not a catalogue action")
    kind = VERBS[verb]
    target = str(fields["target"])
    resource, _, name = target.rpartition("/")
    if kind is ActionKind.CORDON:
        if resource not in ("", "node", "nodes", "no") or name not in cat.nodes:
            raise _Refused(f"node {name!r} is not one running this incident's pods")
        return Plan(kind, name, "", context=cat.context)
    if resource not in ("", "deployment", "deployments", "deploy", "deployment.apps"):
        raise _Refused(f"{target!r} is not a deployment")
    namespace = fields.get("namespace") or cat.namespace
    if namespace != cat.namespace:
        raise _Refused(f"namespace {namespace!r} is not the incident's ({cat.namespace})")
    if name not in cat.deployments:
        have = ", ".join(sorted(cat.deployments)) or "none"
        raise _Refused(f"no deployment {name!r} in {cat.namespace} (have: {have})")
    to_revision, replicas = fields.get("to_revision"), fields.get("replicas")
    if kind is ActionKind.ROLLBACK and to_revision is not None \
            and to_revision not in cat.revisions.get(name, ()):
        raise _Refused(f"deployment {name} has no revision {to_revision}")
    if kind is ActionKind.SCALE:
        if replicas is None:
            raise _Refused("scale needs a replica count")
        if not 0 < replicas <= cat.max_replicas:
            raise _Refused(f"{replicas} replicas is outside 1..{cat.max_replicas} "
                           f"(actions.max_replicas)")
    return Plan(kind, name, cat.namespace, to_revision if kind is ActionKind.ROLLBACK else None,
                replicas if kind is ActionKind.SCALE else None, context=cat.context)
