"""The other built-in incidents: each shows its own kind of evidence and answers the
right remedy (and only that one)."""

from __future__ import annotations

import pytest

from cockpit.scenario import ScenarioWorld, load_scenario
from tests.unit.scenario.promlike import at, error_ratio, saturation


def test_oom_pods_are_oomkilled_with_climbing_restarts_and_backoff_events() -> None:
    s = load_scenario("oom-crashloop")
    world = ScenarioWorld(s)
    pods = world.pods(at(s, "09:30"))
    assert pods and all(p.revision == 8 and p.last_termination_reason == "OOMKilled"
                        for p in pods)
    later = {p.name: p.restarts for p in world.pods(at(s, "09:50"))}
    assert all(later[p.name] > p.restarts >= 3 for p in pods)
    warnings = [e for e in world.events(at(s, "09:30")) if e.type == "Warning"]
    assert {e.reason for e in warnings} == {"BackOff"} and all(e.count >= 3 for e in warnings)
    limits = [r.resources.memory_limit for r in s.deployment("recommendations").revisions]
    assert limits == [512 * 1024**2, 256 * 1024**2]
    assert error_ratio(world, "recommendations", "shop", at(s, "09:30")) > 0.2
    world.apply_action("rollback", "recommendations", at(s, "09:35"), to_revision=7)
    assert error_ratio(world, "recommendations", "shop", at(s, "09:40")) < 0.01
    assert all(p.restarts == 0 for p in world.pods(at(s, "09:40")))


def test_dependency_outage_has_no_recent_revision_and_rollback_does_nothing() -> None:
    s = load_scenario("payments-db-outage")
    world = ScenarioWorld(s)
    onset = at(s, "14:02:10")
    created = [r.created for d in world.deployments(onset) for r in d.revisions]
    assert created and all(c < onset - 2 * 3600 for c in created)
    assert world.sample("pg_up", {"job": "postgres", "instance": "payments-db.shop.svc:5432"},
                        at(s, "14:05")) == 0
    assert error_ratio(world, "checkout", "shop", at(s, "14:06")) > 0.5
    lines = [text for p in world.pods(onset)
             for _, text in world.log_lines(p.name, onset, onset + 180)]
    assert any("payments-db" in text and "timed out" in text for text in lines)
    assert any(text.startswith("Traceback (most recent call last)") for text in lines)
    world.apply_action("rollback", "checkout", at(s, "14:10"))
    assert error_ratio(world, "checkout", "shop", at(s, "14:16")) > 0.5
    assert s.truth.remedy == "escalate" and s.truth.culprit == "service/payments-db"


def test_config_rollout_is_stuck_with_old_pods_serving() -> None:
    s = load_scenario("config-rollout")
    world = ScenarioWorld(s)
    t = at(s, "13:35")
    pods = world.pods(t)
    new = [p for p in pods if p.revision == 16]
    old = [p for p in pods if p.revision == 15]
    assert len(new) == 2 and all(p.waiting_reason == "CrashLoopBackOff" or p.phase == "Running"
                                 for p in new)
    assert all(not p.ready and p.restarts >= 3 for p in new)
    assert len(old) == 3 and all(p.ready for p in old)
    deployment = world.deployments(t)[0]
    assert deployment.progress_deadline_exceeded
    reasons = {e.reason for e in world.events(t) if e.type == "Warning"}
    assert {"BackOff", "ProgressDeadlineExceeded"} <= reasons
    crashed = world.log_lines(new[0].name, at(s, "13:20"), t)
    assert any("ORDERS_DATABASE_URL is not set" in text for _, text in crashed)
    world.apply_action("rollback", "orders-api", at(s, "13:40"))
    after = world.pods(at(s, "13:45"))
    assert len(after) == 4 and all(p.ready and p.waiting_reason is None for p in after)


def test_traffic_surge_saturates_cpu_and_only_scaling_helps() -> None:
    s = load_scenario("traffic-surge")
    calm, hot = at(s, "18:50"), at(s, "19:30")
    world = ScenarioWorld(s)
    assert saturation(world, "catalog", calm) < 0.6
    assert saturation(world, "catalog", hot) > 0.9
    assert error_ratio(world, "search-api", "catalog", hot) > 0.05
    with pytest.raises(ValueError, match="no previous revision"):
        world.apply_action("rollback", "search-api", at(s, "19:20"))
    world.apply_action("restart", "search-api", at(s, "19:20"))
    assert error_ratio(world, "search-api", "catalog", at(s, "19:30")) > 0.05
    some = ScenarioWorld(s)
    some.apply_action("scale", "search-api", at(s, "19:20"), replicas=6)
    assert saturation(some, "catalog", at(s, "19:30")) < 0.85  # spread over more pods ...
    assert error_ratio(some, "search-api", "catalog", at(s, "19:30")) > 0.05  # ... not enough
    enough = ScenarioWorld(s)
    enough.apply_action("scale", "search-api", at(s, "19:20"), replicas=8)
    assert error_ratio(enough, "search-api", "catalog", at(s, "19:30")) < 0.01
    assert saturation(enough, "catalog", at(s, "19:30")) < 0.7
    assert s.truth.remedy == "scale"
