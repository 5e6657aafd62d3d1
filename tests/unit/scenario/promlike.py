"""Prometheus-style arithmetic over a world's samples, as the real server would do it."""

from __future__ import annotations

import math
from collections.abc import Mapping

from cockpit.scenario import Scenario, ScenarioWorld


def at(scenario: Scenario, clock: str) -> float:
    """Offset of ``HH:MM[:SS]`` on the scenario's origin date."""
    parts = [int(p) for p in clock.split(":")] + [0]
    origin = scenario.origin
    return (parts[0] - origin.hour) * 3600.0 + (parts[1] - origin.minute) * 60.0 + parts[2]


def _matches(labels: Mapping[str, str], match: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in match.items())


def rate_sum(world: ScenarioWorld, name: str, match: Mapping[str, str], t: float,
             window: float = 60.0) -> float:
    """sum(rate(name{match}[window])) at ``t`` from the samples at scrape instants."""
    step = world.scrape_interval
    total = 0.0
    for series, labels in world.series_keys():
        if series != name or not _matches(labels, match):
            continue
        points = []
        k = math.floor((t - window) / step) + 1
        while k * step <= t:
            value = world.sample(series, labels, k * step)
            if value is not None:
                points.append((k * step, value))
            k += 1
        if len(points) >= 2:
            (t0, v0), (t1, v1) = points[0], points[-1]
            total += (v1 - v0) / (t1 - t0)
    return total


def error_ratio(world: ScenarioWorld, service: str, namespace: str, t: float) -> float:
    sel = {"service": service, "namespace": namespace}
    everything = rate_sum(world, "http_requests_total", sel, t)
    ok = rate_sum(world, "http_requests_total", {**sel, "code": "200"}, t)
    return (everything - ok) / everything


def gauge_sum(world: ScenarioWorld, name: str, match: Mapping[str, str], t: float) -> float:
    return sum(world.sample(n, labels, t) or 0.0 for n, labels in world.series_keys()
               if n == name and _matches(labels, match))


def saturation(world: ScenarioWorld, namespace: str, t: float) -> float:
    used = rate_sum(world, "container_cpu_usage_seconds_total", {"namespace": namespace}, t)
    limit = gauge_sum(world, "kube_pod_container_resource_limits",
                      {"namespace": namespace, "resource": "cpu"}, t)
    return used / limit
