"""The fake API server's rules on their own: selectors, patches, watch history."""

from __future__ import annotations

import json

import pytest

from cockpit.scenario.k8s import ClusterState, RevisionSpec, seed_deployment
from cockpit.scenario.k8s.errors import ApiError
from cockpit.scenario.k8s.meta import human_duration, same_template
from cockpit.scenario.k8s.operations import patch_object
from cockpit.scenario.k8s.patching import STRATEGIC_PATCH, strategic_merge
from cockpit.scenario.k8s.selectors import SelectorError, field_matcher, label_matcher


def test_label_selectors_cover_client_go_syntax() -> None:
    pod = {"metadata": {"labels": {"app": "api", "tier": "web"}}}
    assert label_matcher("app=api,tier in (web,db)")(pod)
    assert not label_matcher("app!=api")(pod)
    assert label_matcher("!canary,tier")(pod)
    assert not label_matcher("tier notin (web)")(pod)
    with pytest.raises(SelectorError):
        label_matcher("app=(")


def test_field_selector_reads_dotted_paths() -> None:
    event = {"involvedObject": {"name": "p1", "kind": "Pod"}, "type": "Warning"}
    assert field_matcher("involvedObject.name=p1,type==Warning")(event)
    assert not field_matcher("involvedObject.kind!=Pod")(event)


def test_strategic_merge_merges_containers_by_name() -> None:
    spec = {"containers": [{"name": "api", "image": "a:1"}, {"name": "side", "image": "s:1"}]}
    patch = {"$setElementOrder/containers": [{"name": "api"}, {"name": "side"}],
             "containers": [{"name": "api", "image": "a:2"}]}
    merged = strategic_merge(spec, patch)
    assert merged == {"containers": [{"name": "api", "image": "a:2"},
                                     {"name": "side", "image": "s:1"}]}


def test_go_zero_values_do_not_change_template_identity() -> None:
    tpl = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "a"}]}}
    go = {"metadata": {"labels": {"app": "x", "pod-template-hash": "abc"},
                       "creationTimestamp": None},
          "spec": {"containers": [{"name": "a", "resources": {}}]}}
    assert same_template(tpl, go)


def test_human_duration_matches_kubectl() -> None:
    assert [human_duration(s) for s in (5, 119, 150, 3600 * 5 + 60, 86400 * 3)] == \
        ["5s", "119s", "2m30s", "5h1m", "3d"]


def _state() -> ClusterState:
    state = ClusterState(clock=lambda: 1_700_000_000.0)
    seed_deployment(state, "prod", "web", [
        (1, RevisionSpec({"app": "web:1"}, "first", 1_699_000_000.0)),
        (2, RevisionSpec({"app": "web:2"}, "second", 1_699_900_000.0)),
    ], replicas=2)
    return state


def test_dry_run_patch_saves_nothing_and_real_patch_notifies() -> None:
    state = _state()
    seen: list[tuple[str, str, str, dict[str, object]]] = []
    state.on_patch(lambda ns, name, change, details: seen.append((ns, name, change, details)))
    rv = state.resource_version
    body = json.dumps({"spec": {"replicas": 5}}).encode()
    result = patch_object(state, "deployments", "prod", "web", "", STRATEGIC_PATCH, body, True)
    assert result["spec"]["replicas"] == 5 and result["metadata"]["generation"] == 2
    assert state.resource_version == rv and not seen
    patch_object(state, "deployments", "prod", "web", "scale",
                 "application/merge-patch+json", body, False)
    assert seen[0][:3] == ("prod", "web", "scale")


def test_watch_history_expires_after_compaction() -> None:
    state = _state()
    old = state.resource_version
    state.add_event("prod", "Pod", "x", "BackOff", "again")
    assert [e.type for e in state.events_after("events", old)] == ["ADDED"]
    state.compact()
    with pytest.raises(ApiError) as gone:
        state.events_after("events", old)
    assert gone.value.code == 410 and gone.value.reason == "Expired"


def test_repeated_event_bumps_count() -> None:
    state = _state()
    state.add_event("prod", "Pod", "x", "BackOff", "again")
    again = state.add_event("prod", "Pod", "x", "BackOff", "again")
    assert again["count"] == 2
    assert len(state.list_items("events", "prod")[0]) == 1
