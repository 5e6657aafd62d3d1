"""Typed remediation plans: what may run, never a shell string.

A plan names one catalogue action and its validated parameters. The kubectl
equivalent is derived from it (for the engineer to read and copy), never the
other way round, so nothing typed by a person or a model is ever executed.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class ActionKind(enum.StrEnum):
    ROLLBACK = "rollback"
    RESTART = "restart"
    SCALE = "scale"
    PAUSE = "pause"
    RESUME = "resume"
    CORDON = "cordon"
    RUNBOOK = "runbook"


#: Kinds that change a Deployment (preview, dry run, rollout watch apply).
DEPLOYMENT_KINDS = frozenset({ActionKind.ROLLBACK, ActionKind.RESTART, ActionKind.SCALE,
                              ActionKind.PAUSE, ActionKind.RESUME})
#: Kinds whose effect is a rollout worth watching and verifying.
ROLLOUT_KINDS = frozenset({ActionKind.ROLLBACK, ActionKind.RESTART, ActionKind.SCALE})


def _frozen(params: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True)
class Plan:
    """One action from the catalogue with its parameters (already validated)."""

    kind: ActionKind
    name: str  # deployment, node or runbook action name
    namespace: str = ""
    to_revision: int | None = None  # rollback: None means the previous revision
    replicas: int | None = None  # scale
    params: Mapping[str, str] = field(default_factory=lambda: _frozen(None))  # runbook
    label: str = ""  # e.g. "rollback api-gateway 42 → 41" (from the catalogue)
    reason: str = ""  # why it is suggested (a hypothesis), shown beside it
    context: str = ""  # kubeconfig context, for the kubectl equivalent

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ActionKind(self.kind))
        if not isinstance(self.params, MappingProxyType):
            object.__setattr__(self, "params", _frozen(self.params))

    @property
    def target(self) -> str:
        if self.kind is ActionKind.CORDON:
            return f"node/{self.name}"
        if self.kind is ActionKind.RUNBOOK:
            return f"runbook/{self.name}"
        return f"deployment/{self.name}"

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.kind is ActionKind.ROLLBACK:
            to = f" to {self.to_revision}" if self.to_revision is not None else ""
            return f"rollback {self.name}{to}"
        if self.kind is ActionKind.SCALE:
            return f"scale {self.name} to {self.replicas}"
        if self.kind is ActionKind.RUNBOOK:
            args = " ".join(f"{k}={v}" for k, v in self.params.items())
            return f"runbook {self.name} {args}".strip()
        return f"{self.kind.value} {self.name}"

    @property
    def action_id(self) -> str:
        """Stable for one plan: preview and outcome events share it."""
        extra = self.to_revision if self.kind is ActionKind.ROLLBACK else self.replicas
        params = ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return ":".join(str(p) for p in (self.kind.value, self.namespace, self.name,
                                         extra if extra is not None else "", params))

    def kubectl(self) -> str:
        """The exact kubectl equivalent (runbook actions: their own argv, shown elsewhere)."""
        ns = ["-n", self.namespace] if self.namespace else []
        ctx = ["--context", self.context] if self.context else []
        argv: list[str]
        if self.kind is ActionKind.ROLLBACK:
            argv = ["kubectl", "rollout", "undo", self.target]
            if self.to_revision is not None:
                argv.append(f"--to-revision={self.to_revision}")
        elif self.kind is ActionKind.RESTART:
            argv = ["kubectl", "rollout", "restart", self.target]
        elif self.kind is ActionKind.SCALE:
            argv = ["kubectl", "scale", self.target, f"--replicas={self.replicas}"]
        elif self.kind in (ActionKind.PAUSE, ActionKind.RESUME):
            argv = ["kubectl", "rollout", self.kind.value, self.target]
        elif self.kind is ActionKind.CORDON:
            return shlex.join(["kubectl", "cordon", self.name, *ctx])
        else:
            return ""
        return shlex.join([*argv, *ns, *ctx])


@dataclass(frozen=True)
class Advice:
    """A suggestion that is not an action (escalate, wait): shown as text only."""

    text: str
    reason: str = ""


@dataclass(frozen=True)
class Refusal:
    """Why a proposed action cannot run (it is shown as text, never executed)."""

    reason: str
