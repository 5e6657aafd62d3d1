"""Authorization rules for the fake API server: who may do what, first match wins.

Tests and the demo use this to produce the 403 an on-call engineer meets when
their role can read but not patch; the message matches RBAC's wording.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    verb: str  # "patch", "list", ... or "*"
    resource: str  # "deployments", "pods/log", ... or "*"
    namespace: str  # a namespace, "" for cluster scope, or "*"
    allow: bool

    def matches(self, verb: str, resource: str, namespace: str) -> bool:
        return (self.verb in ("*", verb) and self.resource in ("*", resource)
                and self.namespace in ("*", namespace))


class AccessRules:
    """An ordered rule list; a request nothing matches is allowed."""

    def __init__(self, user: str = "cockpit-sim") -> None:
        self.user = user
        self._rules: list[AccessRule] = []
        self._lock = threading.Lock()

    def deny(self, verb: str, resource: str, namespace: str = "*") -> None:
        with self._lock:
            self._rules.append(AccessRule(verb, resource, namespace, allow=False))

    def allow(self, verb: str, resource: str, namespace: str = "*") -> None:
        with self._lock:
            self._rules.append(AccessRule(verb, resource, namespace, allow=True))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def allowed(self, verb: str, resource: str, namespace: str) -> bool:
        with self._lock:
            for rule in self._rules:
                if rule.matches(verb, resource, namespace):
                    return rule.allow
        return True
