"""PrometheusSource against a real Prometheus scraping a live exporter every second."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from cockpit.config.schema import PanelConfig
from cockpit.sources.base import HealthState, PanelData
from cockpit.sources.prometheus import PrometheusSource
from tests.integration.prom_helpers import (
    prom_config,
    prometheus_yaml,
    running_exporter,
    wait_for,
)
from tests.support.servers import backfill_openmetrics, running, start_prometheus

pytestmark = pytest.mark.integration


def by_name(panels: list[PanelData]) -> dict[str, PanelData]:
    return {p.name: p for p in panels}


def test_live_scrape_shows_spike_and_bad_panel_reports_parse_error(tmp_path: Path) -> None:
    with running_exporter() as exporter, running(
        start_prometheus(tmp_path / "prom", prometheus_yaml(exporter.port))
    ) as prom:
        source = PrometheusSource(prom_config(prom.url), "api", "prod")
        first = by_name(source.load_history(0.05))
        assert first["broken"].error.startswith("bad_data: ")
        assert "parse error" in first["broken"].error
        assert source.health().state is HealthState.OK

        def request_rate() -> float:
            series = by_name(source.refresh())["requests"].series
            return series[0].last or 0.0 if series else 0.0

        assert 40 < float(wait_for(lambda: request_rate() > 40 and request_rate())) < 60
        exporter.spike = True

        def spike() -> float:
            errors = by_name(source.refresh())["errors"]
            assert errors.error == ""
            return max((v for s in errors.series for _, v in s.points), default=0.0)

        assert float(wait_for(lambda: spike() > 10 and spike())) < 30
        panels = by_name(source.refresh())
        assert panels["broken"].error.startswith("bad_data: ")
        times = [t for t, _ in panels["requests"].series[0].points]
        assert times == sorted(set(times)), "incremental merge duplicated or reordered points"
        steps = {round(b - a, 6) for a, b in itertools.pairwise(times)}
        assert steps == {panels["requests"].step}
        instant = source.query('http_requests_total{code="500"}')
        assert instant.error == "" and (instant.series[0].last or 0) > 0
        targets = source.targets_health()
        assert [(t.job, t.health) for t in targets] == [("app", "up")]


def test_backfilled_history_is_visible_at_once(tmp_path: Path) -> None:
    now = int(time.time())
    start = (now - 3 * 3600) // 60 * 60 + 60
    samples = {t: float((t // 60) % 17) for t in range(start, now - 120, 60)}
    text = "# TYPE queue_depth gauge\n" + "".join(
        f'queue_depth{{service="api",namespace="prod"}} {v} {t}\n' for t, v in samples.items()
    ) + "# EOF\n"
    data = tmp_path / "data"
    backfill_openmetrics(text, data, tmp_path)
    panel = PanelConfig("depth", "Queue depth", 'queue_depth{service="{service}"}', "")
    with running(start_prometheus(tmp_path / "prom", prometheus_yaml(), data_dir=data)) as prom:
        source = PrometheusSource(prom_config(prom.url, [panel]), "api", "prod")
        (loaded,) = source.load_history(3)
        assert loaded.error == "" and loaded.step == 60
        points = dict(loaded.series[0].points)
        assert len(points) >= len(samples) - 2
        for t, v in samples.items():
            if t in points:
                assert points[t] == v
        assert points[max(samples)] == samples[max(samples)]


def test_killed_server_goes_down_keeps_data_and_recovers_on_same_port(tmp_path: Path) -> None:
    with running_exporter() as exporter:
        prom = start_prometheus(tmp_path / "prom", prometheus_yaml(exporter.port))
        port, data_dir = prom.port, tmp_path / "prom" / "data"
        source = PrometheusSource(prom_config(prom.url, timeout_s=2.0), "api", "prod")
        try:
            source.load_history(0.05)
            wait_for(lambda: by_name(source.refresh())["requests"].series)
            kept = by_name(source.refresh())["requests"]
            prom.stop()
            stale = by_name(source.refresh())
            health = source.health()
            assert health.state is HealthState.DOWN
            assert f"cannot connect to http://127.0.0.1:{port}" in health.last_error
            assert "Connection refused" in health.last_error
            assert stale["requests"].series == kept.series
            assert health.last_ok is not None
            assert 0 < source.next_delay() <= 1.0
            source.refresh()
            assert source.health().state is HealthState.DOWN
            prom = start_prometheus(tmp_path / "prom", prometheus_yaml(exporter.port),
                                    data_dir=data_dir, port=port)

            def recovered() -> bool:
                fresh = by_name(source.refresh())["requests"]
                return (source.health().state is HealthState.OK
                        and fresh.series[0].points[-1][0] > kept.series[0].points[-1][0])

            wait_for(recovered)
            assert source.health().last_error == ""
        finally:
            prom.stop()
