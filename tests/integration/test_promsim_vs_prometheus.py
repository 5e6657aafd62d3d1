"""The simulator's PromQL gives the same answers as a real Prometheus 2.42.

Three hours of history (a counter with a 5xx spike and a reset, a latency
histogram, per-pod CPU counters and limits, a pod replaced half-way, a scrape
gap) go into a StaticStore; the same samples are exported as OpenMetrics and
backfilled into a real Prometheus with promtool. Every query (cockpit's four
default panels and more) is then asked of both, through prometheus-api-client,
as instant queries at awkward times and as range queries.

Tolerance: relative 1e-9 (absolute 1e-12 near zero). Both sides run the same
IEEE-754 double operations in the same order for rate/increase/histogram
quantile; the only legitimate differences are the order in which sum()/avg()
add series (Prometheus walks its postings order, the simulator the store's),
which moves the last bits: ~1e-16 per term, far below 1e-9. Timestamps,
label sets and series counts must match exactly.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prometheus_api_client import PrometheusConnect

from cockpit.config.schema import DEFAULT_PANELS
from cockpit.scenario.openmetrics import export_openmetrics
from cockpit.scenario.prom_api import PrometheusServer
from cockpit.scenario.store import StaticStore
from tests.support.servers import backfill_openmetrics, running, start_prometheus

pytestmark = pytest.mark.integration

EPOCH = 1_700_000_100          # first scrape (a multiple of 15 s)
STEPS = 720                    # 3 h at 15 s
END = EPOCH + STEPS * 15
NS = "production"
REL, ABS = 1e-9, 1e-12


def _counter(rng: random.Random, rate_at: Any, reset_at: int | None = None,
             start: int = 0, stop: int = STEPS + 1) -> list[float | None]:
    values: list[float | None] = []
    total = rng.uniform(100, 5000)
    for k in range(STEPS + 1):
        if k < start or k >= stop:
            values.append(None)
            continue
        if k == reset_at:
            total = rng.uniform(0, 3)
        total += max(0.0, rate_at(k) * 15 * rng.uniform(0.7, 1.3))
        values.append(total)
    return values


def build_store() -> StaticStore:
    rng = random.Random(42)
    store = StaticStore(EPOCH, 15)
    spike = range(360, 420)   # 5xx spike from 1h30 to 1h45
    for service, base in (("api-gateway", 40.0), ("checkout", 12.0)):
        for code, share in (("200", 0.93), ("404", 0.05), ("500", 0.01), ("503", 0.01)):
            def rate_at(k: int, share: float = share, code: str = code,
                        base: float = base) -> float:
                boost = 25 if code.startswith("5") and k in spike else 1
                return base * share * boost
            reset = 520 if (service, code) == ("api-gateway", "200") else None
            values = _counter(rng, rate_at, reset_at=reset)
            if (service, code) == ("checkout", "404"):
                values[200:208] = [None] * 8          # a 2-minute scrape gap
            store.add("http_requests_total", {"service": service, "namespace": NS,
                                              "code": code}, values)
        bounds = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
        cumulative = [0.0] * len(bounds)
        rows: list[list[float]] = []
        for k in range(STEPS + 1):
            slow = k in spike
            for _ in range(int(base * 15 / 10)):
                latency = rng.expovariate(1 / (1.2 if slow else 0.12))
                for i, b in enumerate(bounds):
                    if latency <= float(b):
                        cumulative[i] += 10
            rows.append(list(cumulative))
        for i, b in enumerate(bounds):
            store.add("http_request_duration_seconds_bucket",
                      {"service": service, "namespace": NS, "le": b}, [r[i] for r in rows])
        store.add("http_request_duration_seconds_count", {"service": service, "namespace": NS},
                  [r[-1] for r in rows])
    pods = [("api-gateway-7d9f-a1b2c", 0, STEPS + 1), ("api-gateway-7d9f-d3e4f", 0, 480),
            ("api-gateway-7d9f-g5h6i", 483, STEPS + 1), ("checkout-55c6-x7y8z", 0, STEPS + 1)]
    for pod, start, stop in pods:
        cpu = _counter(rng, lambda k: 0.35 + (0.4 if 360 <= k < 420 else 0.0),
                       start=start, stop=stop)
        store.add("container_cpu_usage_seconds_total",
                  {"namespace": NS, "pod": pod, "container": "app"}, cpu)
        for resource, limit in (("cpu", 0.5), ("memory", 536870912.0)):
            store.add("kube_pod_container_resource_limits",
                      {"namespace": NS, "pod": pod, "container": "app", "resource": resource,
                       "unit": "core" if resource == "cpu" else "byte"},
                      [limit if start <= k < stop else None for k in range(STEPS + 1)])
    return store


def panel_queries() -> list[str]:
    return [p.query.replace("{service}", "api-gateway").replace("{namespace}", NS)
            for p in DEFAULT_PANELS]


EXTRA_QUERIES = [
    'increase(http_requests_total{namespace="production"}[5m])',
    "max by (pod) (rate(container_cpu_usage_seconds_total[1m]))",
    'sum by (service, code) (rate(http_requests_total[2m])) > 0.5',
    "rate(http_requests_total[1m]) > bool 1",
    "irate(http_requests_total[1m])",
    "delta(http_request_duration_seconds_count[3m])",
    "avg_over_time(kube_pod_container_resource_limits[10m])",
    "max_over_time(container_cpu_usage_seconds_total[2m])",
    "min_over_time(http_requests_total[5m])",
    "sum_over_time(kube_pod_container_resource_limits[1m])",
    "histogram_quantile(0.5, rate(http_request_duration_seconds_bucket[5m]))",
    "histogram_quantile(0.9, sum by (le, service) (rate(http_request_duration_seconds_bucket"
    "[2m])))",
    "sum without (code) (rate(http_requests_total[1m]))",
    "avg by (service) (rate(http_requests_total[1m] offset 10m))",
    'rate(http_requests_total{code="500"}[5m]) / ignoring(code) '
    'rate(http_requests_total{code="200"}[5m])',
    'rate(http_requests_total{code="503"}[5m]) - on(service, namespace) '
    'rate(http_requests_total{code="500"}[5m])',
    "count by (namespace) (kube_pod_container_resource_limits)",
    "min(kube_pod_container_resource_limits) by (resource)",
    "http_requests_total",
    '-rate(http_requests_total{code="200"}[1m]) * 2 + 1',
    "1 - sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))",
    'clamp_max(rate(http_requests_total[1m]), 5) or clamp_min(rate(http_requests_total[1m]), 5)',
    'abs(delta(container_cpu_usage_seconds_total[1m])) and on(pod) '
    'kube_pod_container_resource_limits{resource="cpu"}',
    'rate(http_requests_total[1m]) unless rate(http_requests_total{code="200"}[1m])',
    "scalar(sum(kube_pod_container_resource_limits{resource=\"cpu\"})) * vector(2)",
    "time() - 1700000000",
    "http_requests_total % 7 ^ 2",
]
ALL_QUERIES = panel_queries() + EXTRA_QUERIES
INSTANTS = [EPOCH + 30, EPOCH + 37.5, EPOCH + 5400, EPOCH + 5400.123, EPOCH + 3000 + 7,
            EPOCH + 7230, EPOCH + 7260, EPOCH + 7800, END, END + 200, END + 400]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrometheusConnect,
                                                                      PrometheusConnect]]:
    store = build_store()
    text = io.StringIO()
    export_openmetrics(store, EPOCH, END, text)
    workdir = tmp_path_factory.mktemp("prom")
    data = workdir / "data"
    backfill_openmetrics(text.getvalue(), data, workdir)
    sim = PrometheusServer(store).start()
    try:
        with running(start_prometheus(workdir, "global:\n  scrape_interval: 15s\n",
                                      data_dir=data)) as real:
            yield PrometheusConnect(url=real.url), PrometheusConnect(url=sim.url)
    finally:
        sim.stop()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _close(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=REL, abs_tol=ABS)


def _key(item: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(item["metric"].items()))


def assert_same(real: Any, sim: Any, what: str) -> None:
    if real and isinstance(real[0], (int, float)):   # a scalar: [ts, "value"]
        assert real[0] == sim[0] and _close(real[1], sim[1]), f"{what}: {real} != {sim}"
        return
    real_by = {_key(r): r for r in real}
    sim_by = {_key(s): s for s in sim}
    assert sorted(real_by) == sorted(sim_by), f"{what}: series differ"
    for key, r in real_by.items():
        s = sim_by[key]
        if "value" in r:
            pairs = [(r["value"], s["value"])]
        else:
            assert [p[0] for p in r["values"]] == [p[0] for p in s["values"]], \
                f"{what} {key}: timestamps differ"
            pairs = list(zip(r["values"], s["values"], strict=True))
        for rp, sp in pairs:
            assert rp[0] == sp[0] and _close(rp[1], sp[1]), f"{what} {key}: {rp} != {sp}"


@pytest.mark.parametrize("query", ALL_QUERIES)
def test_instant_queries_match(both: tuple[PrometheusConnect, PrometheusConnect],
                               query: str) -> None:
    real, sim = both
    for t in INSTANTS:
        params = {"time": repr(float(t))}
        assert_same(real.custom_query(query, params), sim.custom_query(query, params),
                    f"{query} @ {t}")


@pytest.mark.parametrize("query", ALL_QUERIES)
def test_range_queries_match(both: tuple[PrometheusConnect, PrometheusConnect],
                             query: str) -> None:
    real, sim = both
    for start, end, step in ((EPOCH, END, "15"), (EPOCH + 7, END + 300, "60s")):
        a = real.custom_query_range(query, _dt(start), _dt(end), step)
        b = sim.custom_query_range(query, _dt(start), _dt(end), step)
        assert a, f"{query}: the real server returned nothing; the test would prove nothing"
        assert_same(a, b, f"{query} [{start}, {end}, {step}]")


def test_range_vector_instant_query_returns_raw_samples(
        both: tuple[PrometheusConnect, PrometheusConnect]) -> None:
    real, sim = both
    query = 'http_requests_total{service="checkout"}[2m]'
    params = {"time": str(EPOCH + 3100)}
    assert_same(real.custom_query(query, params), sim.custom_query(query, params), query)


def test_openmetrics_round_trip_counts(tmp_path: Path) -> None:
    store = build_store()
    text = io.StringIO()
    written = export_openmetrics(store, EPOCH, END, text)
    lines = text.getvalue().splitlines()
    assert lines[-1] == "# EOF"
    assert "# TYPE http_requests counter" in lines
    assert "# TYPE http_request_duration_seconds histogram" in lines
    assert written == sum(1 for line in lines if not line.startswith("#"))
