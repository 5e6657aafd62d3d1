"""PrometheusSource unchanged against VictoriaMetrics, with samples pushed to its import API.

Samples go in through /api/v1/import/prometheus (text format with millisecond
timestamps), then /internal/force_flush makes them searchable at once.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from cockpit.config.schema import DEFAULT_PANELS, PanelConfig
from cockpit.sources.base import HealthState
from cockpit.sources.prometheus import PrometheusSource
from tests.integration.prom_helpers import prom_config
from tests.support.servers import running, start_victoria_metrics

pytestmark = pytest.mark.integration


def push_history(url: str, now: int) -> None:
    lines = []
    for i, t in enumerate(range(now - 1200, now, 5)):
        for code, per_s in (("200", 10), ("500", 2)):
            lines.append(f'http_requests_total{{service="api",namespace="prod",code="{code}"}} '
                         f"{per_s * 5 * i} {t * 1000}")
        other = 'service="other",namespace="prod",code="500"'  # must not leak into "api"
        lines.append(f"http_requests_total{{{other}}} {100 * i} {t * 1000}")
    httpx.post(f"{url}/api/v1/import/prometheus", content="\n".join(lines) + "\n",
               timeout=10).raise_for_status()
    httpx.get(f"{url}/internal/force_flush", timeout=10).raise_for_status()


def test_default_panels_read_pushed_samples(tmp_path: Path) -> None:
    panels = [p for p in DEFAULT_PANELS if p.name in ("error_ratio", "request_rate")]
    panels.append(PanelConfig("broken", "Broken", "sum(rate(http_requests_total[1m]", ""))
    with running(start_victoria_metrics(tmp_path / "vm")) as vm:
        now = int(time.time())
        push_history(vm.url, now)
        source = PrometheusSource(prom_config(vm.url, panels), "api", "prod")
        result = {p.name: p for p in source.load_history(0.25)}
        assert source.health().state is HealthState.OK
        rate, ratio = result["request_rate"], result["error_ratio"]
        assert rate.error == "" and ratio.error == "" and rate.step == 5
        assert len(rate.series) == 1 and len(rate.series[0].points) > 100
        assert all(v == pytest.approx(12.0) for _, v in rate.series[0].points[12:-12])
        assert all(v == pytest.approx(2 / 12) for _, v in ratio.series[0].points[12:-12])
        assert "unexpected token" in result["broken"].error
        assert not result["broken"].error.startswith("422")
        instant = source.query('sum(http_requests_total{service="api",code="500"})')
        assert instant.error == "" and (instant.series[0].last or 0) > 0
        info, error = source.build_info()
        assert error == "" and isinstance(info, dict)
        again = {p.name: p for p in source.refresh()}["request_rate"]
        before, after = dict(rate.series[0].points), dict(again.series[0].points)
        common = sorted(set(before) & set(after))
        assert len(common) > 100
        assert all(before[t] == after[t] for t in common[:-2])
