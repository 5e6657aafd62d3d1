"""The reference incident, checked the way an engineer would: through the metrics, pods
and logs the simulator would serve, with rates computed as Prometheus computes them."""

from __future__ import annotations

import pytest

from cockpit.scenario import Scenario, ScenarioWorld, load_scenario
from tests.unit.scenario.promlike import at, error_ratio, gauge_sum, rate_sum

NS = "production"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("api-gateway")


@pytest.fixture(scope="module")
def world(scenario: Scenario) -> ScenarioWorld:
    return ScenarioWorld(scenario)


def test_error_ratio_goes_from_a_tenth_of_a_percent_to_47(scenario: Scenario,
                                                            world: ScenarioWorld) -> None:
    before = error_ratio(world, "api-gateway", NS, at(scenario, "10:27:45"))
    during = error_ratio(world, "api-gateway", NS, at(scenario, "10:31"))
    assert 0.0005 < before < 0.002
    assert 0.44 < during < 0.50


def test_alert_condition_holds_from_about_10_29(scenario: Scenario, world: ScenarioWorld) -> None:
    rule = next(r for r in world.alert_rules() if r.name == "HighErrorRate")
    assert rule.for_s == 60.0 and "> 0.05" in rule.expr
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:28:45")) < 0.05
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:29:15")) > 0.05


def test_traffic_latency_and_saturation_queries_are_meaningful(scenario: Scenario,
                                                               world: ScenarioWorld) -> None:
    t = at(scenario, "10:31")
    assert 380 < rate_sum(world, "http_requests_total", {"service": "api-gateway"}, t) < 460
    buckets = {labels["le"]: rate_sum(world, name, labels, t, 300)
               for name, labels in world.series_keys()
               if name == "http_request_duration_seconds_bucket"
               and labels["service"] == "api-gateway"}
    total = buckets["+Inf"]
    # more than 1% of requests slower than 1 s: the p99 is over the 1 s threshold
    assert buckets["1"] < 0.99 * total
    calm = at(scenario, "10:00")
    calm_total = rate_sum(world, "http_request_duration_seconds_bucket",
                          {"service": "api-gateway", "le": "+Inf"}, calm, 300)
    calm_1s = rate_sum(world, "http_request_duration_seconds_bucket",
                       {"service": "api-gateway", "le": "1"}, calm, 300)
    assert calm_1s > 0.99 * calm_total


def test_pool_is_full_at_10_29_12_and_memory_grows_to_2gb(scenario: Scenario,
                                                           world: ScenarioWorld) -> None:
    pods = [p.name for p in world.pods(at(scenario, "10:30")) if p.deployment == "api-gateway"]
    assert len(pods) == 3
    for pod in pods:
        labels = {"namespace": NS, "pod": pod, "container": "api-gateway",
                  "pool": "HikariPool-1"}
        assert world.sample("hikaricp_connections_active", labels, at(scenario, "10:29:15")) \
            == 100
        assert world.sample("hikaricp_connections_max", labels, at(scenario, "10:29:15")) == 100
    mem = "gateway_connection_manager_memory_bytes"
    early = gauge_sum(world, mem, {"namespace": NS}, at(scenario, "08:16")) / 3
    late = gauge_sum(world, mem, {"namespace": NS}, at(scenario, "10:15")) / 3
    assert 45e6 < early < 90e6
    assert 1.9e9 < late < 2.1e9


def test_about_847_connection_timeouts_between_10_28_and_10_32(scenario: Scenario,
                                                                world: ScenarioWorld) -> None:
    start, end = at(scenario, "10:28"), at(scenario, "10:32")
    count, traces, lines_total = 0, 0, 0
    for pod in world.pods(start):
        lines = world.log_lines(pod.name, start, end)
        assert [t for t, _ in lines] == sorted(t for t, _ in lines)
        assert all(start <= t < end for t, _ in lines)
        lines_total += len(lines)
        count += sum("connection timeout" in text for _, text in lines)
        traces += sum(text.startswith("\tat com.zaxxer.hikari") for _, text in lines)
    assert 830 <= count <= 865
    assert traces > 100  # Java stack traces under some of them
    assert lines_total > count * 3  # and ordinary traffic around them


def test_deployment_history_shows_the_change(scenario: Scenario, world: ScenarioWorld) -> None:
    gateway = next(d for d in world.deployments(at(scenario, "10:30"))
                   if d.name == "api-gateway")
    assert gateway.revision == 42
    rev42 = gateway.current
    assert rev42.image == "registry.example.com/api-gateway:abc123"
    assert rev42.change_cause == "abc123: new pooling library"
    assert rev42.created == at(scenario, "08:15")
    assert rev42.replicaset == f"api-gateway-{rev42.pod_template_hash}"
    for pod in world.pods(at(scenario, "10:30")):
        if pod.deployment == "api-gateway":
            assert pod.name.startswith(rev42.replicaset + "-") and len(pod.name.split("-")[-1]) == 5


def test_same_scenario_same_numbers_and_lines(scenario: Scenario, world: ScenarioWorld) -> None:
    other = ScenarioWorld(scenario)
    t = at(scenario, "10:30")
    keys = world.series_keys()
    assert keys == other.series_keys()
    assert [world.sample(n, labels, t) for n, labels in keys] == \
        [other.sample(n, labels, t) for n, labels in keys]
    pod = world.pods(t)[0].name
    assert world.log_lines(pod, t, t + 60) == other.log_lines(pod, t, t + 60)


def test_counters_never_decrease_while_their_series_lives(scenario: Scenario,
                                                           world: ScenarioWorld) -> None:
    counters = [(n, labels) for n, labels in world.series_keys()
                if n.endswith(("_total", "_bucket", "_count", "_sum"))]
    assert len(counters) > 30
    step = world.scrape_interval
    start = int(at(scenario, "08:10") // step)
    for name, labels in counters:
        previous = None
        for k in range(start, start + 200):
            value = world.sample(name, labels, k * step)
            if value is not None and previous is not None:
                assert value >= previous, (name, labels, k)
            previous = value


def test_rollback_to_41_recovers_within_two_minutes(scenario: Scenario) -> None:
    world = ScenarioWorld(scenario)
    world.apply_action("rollback", "api-gateway", at(scenario, "10:42"), to_revision=41)
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:41")) > 0.4
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:44")) < 0.01
    gateway = next(d for d in world.deployments(at(scenario, "10:45"))
                   if d.name == "api-gateway")
    assert gateway.revision == 43
    assert gateway.image == "registry.example.com/api-gateway:9f8e7d6"
    assert [r.revision for r in gateway.revisions] == [42, 43]  # 41's ReplicaSet, renumbered
    pods = [p for p in world.pods(at(scenario, "10:45")) if p.deployment == "api-gateway"]
    assert len(pods) == 3 and all(p.revision == 43 and p.ready for p in pods)
    late = at(scenario, "10:50")
    timeouts = sum("connection timeout" in text for p in pods
                   for _, text in world.log_lines(p.name, late, late + 240))
    assert timeouts == 0


def test_restart_helps_for_ten_minutes_then_the_leak_returns(scenario: Scenario) -> None:
    world = ScenarioWorld(scenario)
    world.apply_action("restart", "api-gateway", at(scenario, "10:42"))
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:48")) < 0.01
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:56")) > 0.4
    gateway = next(d for d in world.deployments(at(scenario, "10:45"))
                   if d.name == "api-gateway")
    assert gateway.revision == 43 and gateway.image.endswith(":abc123")
    assert gateway.current.restarted_at == at(scenario, "10:42")


def test_scaling_changes_nothing_but_the_pod_count(scenario: Scenario) -> None:
    world = ScenarioWorld(scenario)
    world.apply_action("scale", "api-gateway", at(scenario, "10:42"), replicas=6)
    assert error_ratio(world, "api-gateway", NS, at(scenario, "10:48")) > 0.4
    pods = [p for p in world.pods(at(scenario, "10:45")) if p.deployment == "api-gateway"]
    assert len(pods) == 6


def test_bad_actions_are_refused_with_a_reason(scenario: Scenario) -> None:
    world = ScenarioWorld(scenario)
    with pytest.raises(ValueError, match="no revision 7"):
        world.apply_action("rollback", "api-gateway", 9000.0, to_revision=7)
    with pytest.raises(ValueError, match="no deployment 'nope'"):
        world.apply_action("restart", "nope", 9000.0)
    with pytest.raises(ValueError, match="unknown action"):
        world.apply_action("delete", "api-gateway", 9000.0)
