"""Label and field selectors, parsed as the API server reads them from a query string.

Label selectors accept the full syntax client-go prints (``a=b``, ``a!=b``,
``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``); field selectors accept ``=``,
``==`` and ``!=`` on any dotted path (``involvedObject.name``, ``status.phase``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cockpit.scenario.k8s.meta import JsonObj

Matcher = Callable[[JsonObj], bool]


class SelectorError(ValueError):
    """A selector the server cannot parse; answered as 400 Bad Request."""


def _split_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        terms.append(current.strip())
    return terms


_SET_TERM = re.compile(r"^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$")
_EQ_TERM = re.compile(r"^([\w./-]+)\s*(==|!=|=)\s*([\w./-]*)$")
_EXISTS_TERM = re.compile(r"^(!?)([\w./-]+)$")


def _label_term(term: str) -> Callable[[dict[str, str]], bool]:
    if m := _SET_TERM.match(term):
        key, op, raw = m.group(1), m.group(2), m.group(3)
        values = {v.strip() for v in raw.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if m := _EQ_TERM.match(term):
        key, op, value = m.group(1), m.group(2), m.group(3)
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if m := _EXISTS_TERM.match(term):
        negate, key = m.group(1) == "!", m.group(2)
        return lambda labels: (key in labels) != negate
    raise SelectorError(f"unable to parse requirement: {term!r}")


def label_matcher(text: str | None) -> Matcher:
    terms = [_label_term(t) for t in _split_terms(text or "")]

    def match(obj: JsonObj) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(term(labels) for term in terms)

    return match


def _lookup(obj: Any, path: str) -> str:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return ""
        obj = obj.get(part)
    if obj is None:
        return ""
    return str(obj)


def field_matcher(text: str | None) -> Matcher:
    terms: list[tuple[str, bool, str]] = []
    for term in _split_terms(text or ""):
        m = _EQ_TERM.match(term)
        if not m:
            raise SelectorError(f"invalid selector: {term!r}; can't understand {term!r}")
        terms.append((m.group(1), m.group(2) == "!=", m.group(3)))

    def match(obj: JsonObj) -> bool:
        return all((_lookup(obj, path) == value) != negate for path, negate, value in terms)

    return match


def selector_string(match_labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(match_labels.items()))
