"""The simulator's PromQL is faithful: a real Prometheus backfilled with the scenario's
series answers cockpit's panel queries with the same values at the same times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_api_client import PrometheusConnect

from cockpit.config.schema import DEFAULT_PANELS
from cockpit.scenario import load_scenario
from cockpit.scenario.sim import Simulator
from tests.support.cli import run_cockpit
from tests.support.servers import backfill_openmetrics, running, start_prometheus

# Both sides evaluate the same float operations on the same samples; only the order
# in which sum() adds series may differ (~1e-16 relative per term).
REL_TOLERANCE = 1e-9
H = 3600.0


def queries() -> list[str]:
    return [p.query.replace("{service}", "api-gateway").replace("{namespace}", "production")
            for p in DEFAULT_PANELS]


def test_panels_match_a_real_prometheus(tmp_path: Path) -> None:
    exported = tmp_path / "scenario.om"
    result = run_cockpit(tmp_path / "home", "scenario", "export-openmetrics", "api-gateway",
                         str(exported), timeout=300)
    assert result.returncode == 0, result.stderr
    data = tmp_path / "tsdb"
    backfill_openmetrics(exported.read_text(), data, tmp_path)
    config = "global:\n  scrape_interval: 15s\nscrape_configs: []\n"
    scenario = load_scenario("api-gateway")
    sim = Simulator(scenario, start_at=scenario.duration, anchor="origin")
    sim.clock.set_speed(1e-9)
    sim.prometheus.start()
    try:
        with running(start_prometheus(tmp_path / "prom", config, data_dir=data)) as real:
            ours, theirs = PrometheusConnect(sim.prometheus.url), PrometheusConnect(real.url)
            origin = scenario.origin.timestamp()
            instants = [origin + h * H + m * 60 for h, m in
                        ((1, 0), (2, 27), (2, 29.3), (2, 31), (2, 45), (3, 30))]
            compared = 0
            for query in queries():
                for at in instants:
                    a = ours.custom_query(query, params={"time": at})
                    b = theirs.custom_query(query, params={"time": at})
                    assert len(a) == len(b) == 1, (query, at, a, b)
                    assert float(a[0]["value"][1]) == pytest.approx(
                        float(b[0]["value"][1]), rel=REL_TOLERANCE), (query, at)
                    compared += 1
                start, end = origin + 2 * H, origin + 3 * H
                ra = ours.custom_query_range(query, start_time=_dt(start), end_time=_dt(end),
                                             step="60")
                rb = theirs.custom_query_range(query, start_time=_dt(start),
                                               end_time=_dt(end), step="60")
                va, vb = ra[0]["values"], rb[0]["values"]
                assert [t for t, _ in va] == [t for t, _ in vb]
                for (_, x), (_, y) in zip(va, vb, strict=True):
                    assert float(x) == pytest.approx(float(y), rel=REL_TOLERANCE)
                    compared += 1
            assert compared > 200
            at_1031 = origin + 2 * H + 31 * 60
            spike = float(ours.custom_query(queries()[0], params={"time": at_1031})[0]
                          ["value"][1])
            assert 0.4 < spike < 0.55  # the 47% spike at 10:31, seen by both
    finally:
        sim.prometheus.stop()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
