"""Each injected fault, seen through the real sources: down with the reason, then back.

The simulator's clock stands still; a test moves it into a fault window and out
again, so every outage is deterministic (no sleeps to hope a window came).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from msgspec.structs import replace

from cockpit.scenario.faults import FaultError, FaultSchedule, parse_fault
from cockpit.sources.alertmanager import AlertmanagerSource
from cockpit.sources.base import HealthState
from cockpit.sources.kubernetes import KubernetesSource
from cockpit.sources.prometheus import PrometheusSource
from tests.reliability.conftest import SimFactory, move, sim_config
from tests.reliability.tally import Tally


def _prometheus(sim: object, tmp_path: Path) -> PrometheusSource:
    config = sim_config(sim, tmp_path)  # type: ignore[arg-type]
    clock = sim.clock.now  # type: ignore[attr-defined]
    return PrometheusSource(config.prometheus, config.incident.service,
                            config.kubernetes.namespace, clock=clock)


@pytest.mark.parametrize("spec, reason", [
    ("prometheus:down@10:26-10:28", "connection"),
    ("prometheus:500@10:26-10:28", "500"),
])
def test_prometheus_fault_marks_panels_stale_then_recovers(
        make_sim: SimFactory, tmp_path: Path, tally: Tally, spec: str, reason: str) -> None:
    sim = make_sim(spec)
    source = _prometheus(sim, tmp_path)
    before = source.load_history(hours=0.5)
    assert source.health().state is HealthState.OK and any(p.series for p in before)
    move(sim, "10:27")
    during = source.refresh()
    health = source.health()
    assert health.state is not HealthState.OK
    assert reason in health.last_error.lower(), health.last_error
    # the panes keep the last good data; health carries why it is stale
    assert [p.series for p in during] == [p.series for p in before]
    move(sim, "10:29")
    after = source.refresh()
    assert source.health().state is HealthState.OK
    assert not any(p.error for p in after)
    assert max(p.end for p in after) > max(p.end for p in before)
    tally.fault(spec.split("@")[0])


@pytest.mark.parametrize("spec, reason", [
    ("alertmanager:down@10:31-10:33", "failed"),
    ("alertmanager:500@10:31-10:33", "HTTP 500"),
])
def test_alertmanager_fault_keeps_last_alerts_then_recovers(
        make_sim: SimFactory, tmp_path: Path, tally: Tally, spec: str, reason: str) -> None:
    """Refused or 5xx, the alerts could not be read: DOWN (a monitoring gap), last alerts kept.

    The gap's timeline entries and post-mortem mention: test_faults_app.py."""
    sim = make_sim(spec, at="10:30:30")
    config = sim_config(sim, tmp_path)
    source = AlertmanagerSource(config.alertmanager, clock=sim.clock.now)
    firing = asyncio.run(source.fetch())
    assert firing and source.health().state is HealthState.OK
    move(sim, "10:32")
    during = asyncio.run(source.fetch())
    health = source.health()
    assert health.state is HealthState.DOWN and reason in health.last_error, health
    assert [a.fingerprint for a in during] == [a.fingerprint for a in firing]
    move(sim, "10:33:30")
    asyncio.run(source.fetch())
    assert source.health().state is HealthState.OK
    tally.fault(spec.split("@")[0])


def test_kubernetes_down_and_latency_beyond_timeout(make_sim: SimFactory, tmp_path: Path,
                                                    tally: Tally) -> None:
    sim = make_sim("k8s:down@10:26-10:27", "k8s:latency=1.5s@10:28-10:29")
    config = sim_config(sim, tmp_path)
    cfg = replace(config.kubernetes, timeout_s=0.5)
    source = KubernetesSource(cfg, backoff_base_s=0.0, backoff_max_s=0.0)
    good = source.snapshot()
    assert source.health().state is HealthState.OK and good.deployments
    for at, word in (("10:26:30", ""), ("10:28:30", "time")):
        move(sim, at)
        stale = source.snapshot()
        health = source.health()
        assert health.state is HealthState.DOWN and health.last_error
        assert word in health.last_error.lower(), health.last_error
        assert [d.name for d in stale.deployments] == [d.name for d in good.deployments]
    move(sim, "10:30")
    source.snapshot()
    assert source.health().state is HealthState.OK
    tally.fault("k8s:down")
    tally.fault("k8s:latency")


def test_fault_specs_parse_and_refuse_clearly(tally: Tally) -> None:
    from datetime import UTC, datetime

    origin = datetime(2024, 1, 15, 8, tzinfo=UTC)
    fault = parse_fault("alertmanager:500@10:30-10:33", origin)
    assert (fault.kind, fault.value, fault.start, fault.end) == ("status", 500, 9000, 9180)
    latency = parse_fault("k8s:latency=3s@5m", origin)
    assert (latency.kind, latency.value, latency.start, latency.end) == ("latency", 3, 300, None)
    schedule = FaultSchedule([parse_fault("llm:garbage@1m-2m", origin),
                              parse_fault("llm:timeout@3m-4m", origin)], lambda: 90.0)
    assert schedule.llm_mode() == "garbage"
    bad = ["prometheus", "promethus:down", "prometheus:explode", "prometheus:latency",
           "prometheus:latency=soon", "k8s:down@10:33-10:30", "llm:watch-drop",
           "prometheus:down@yesterday"]
    for text in bad:
        with pytest.raises(FaultError) as info:
            parse_fault(text, origin)
        assert text in str(info.value)
    tally.hostile_input("malformed fault spec", len(bad))
