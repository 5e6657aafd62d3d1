"""Metrics from Prometheus (or anything speaking its HTTP API, e.g. VictoriaMetrics).

Blocking (prometheus-api-client on requests): the UI calls it from a thread
worker. Nothing raises to the caller: a bad query becomes that panel's
``error``, a sick server becomes the source's health (with the address and
the OS error), and the last good data is kept so the plots go stale rather
than blank. ``load_history`` fetches the window once; ``refresh`` fetches only
the new tail and merges it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from msgspec.structs import replace
from prometheus_api_client import PrometheusConnect
from prometheus_api_client.exceptions import PrometheusApiClientException
from urllib3.util.retry import Retry

from cockpit.config.loader import ConfigError, resolve_secret
from cockpit.config.schema import PanelConfig, PrometheusConfig
from cockpit.sources.base import HealthState, PanelData, Series, SourceHealth
from cockpit.sources.health import BAD_BODY_STATE, HealthTracker, utc_from
from cockpit.sources.panels import (
    align_down,
    choose_step,
    merge_tail,
    render_panels,
    series_from_matrix,
)
from cockpit.sources.prometheus_errors import QueryFailure, api_error, call_classified

DEFAULT_WIDTH_CELLS = 240


@dataclass(frozen=True)
class InstantResult:
    """An instant query's series (one point each) or the reason it failed."""

    series: tuple[Series, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class TargetHealth:
    job: str
    instance: str
    health: str  # "up" | "down" | "unknown"
    last_error: str = ""


class PrometheusSource:
    """Panels, instant queries and target health from one Prometheus-compatible server."""

    name = "prometheus"

    def __init__(self, cfg: PrometheusConfig, service: str, namespace: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.cfg = cfg
        self.url = cfg.url.rstrip("/")
        self.panels: list[PanelConfig] = render_panels(cfg.panels, service, namespace)
        self._clock = clock
        self._tracker = HealthTracker(self.name, self.url, cfg.refresh_s, clock,
                                      enabled=bool(self.url))
        self._config_error = ""
        self._session = requests.Session()
        self._session.verify = cfg.verify_tls
        try:
            token = resolve_secret(cfg.bearer_token_env, cfg.bearer_token_file,
                                   what="prometheus bearer token")
        except ConfigError as exc:
            token, self._config_error = None, str(exc)
            self._tracker.failed(self._config_error, HealthState.DOWN)
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        self._client = PrometheusConnect(
            url=self.url or "http://127.0.0.1:0", session=self._session, timeout=cfg.timeout_s,
            retry=Retry(total=False, status_forcelist=()))  # backoff is ours, not urllib3's
        self._cache: dict[str, PanelData] = {}
        self._window_s = cfg.history_h * 3600
        self._step = 0.0
        self._end = 0.0

    # --- health ---------------------------------------------------------------

    def health(self) -> SourceHealth:
        return self._tracker.snapshot()

    def next_delay(self) -> float:
        """Seconds until the next refresh: refresh_s when healthy, backoff with jitter when not."""
        return self._tracker.next_delay()

    def close(self) -> None:
        self._client.close()

    # --- panels -----------------------------------------------------------------

    def query_panels(self, start: float, end: float, step: float) -> list[PanelData]:
        """Every panel over [start, end]; failures keep the last good data."""
        results = self._round(start, end, step)
        out = []
        for panel in self.panels:
            got = results.get(panel.name)
            if isinstance(got, tuple):
                data = self._panel(panel, got, start, end, step)
            else:
                data = self._stale(panel, got or "not queried", start, end, step)
            out.append(data)
        return out

    def load_history(self, hours: float | None = None,
                     width_cells: int = DEFAULT_WIDTH_CELLS) -> list[PanelData]:
        """The whole window (default ``history_h``), stepped for a plot ``width_cells`` wide."""
        self._window_s = (hours if hours is not None else self.cfg.history_h) * 3600
        now = self._clock()
        self._step = choose_step(self._window_s, width_cells)
        start = align_down(now - self._window_s, self._step)
        panels = self.query_panels(start, now, self._step)
        if self._tracker.snapshot().state is HealthState.OK:
            self._end = now
        self._cache.update({p.name: p for p in panels})
        return panels

    def refresh(self) -> list[PanelData]:
        """Fetch only the tail since the last good round and merge it into the window."""
        if not self._end:
            return self.load_history()
        now, step = self._clock(), self._step
        keep_from = now - self._window_s
        tail_start = max(align_down(self._end, step), align_down(keep_from, step))
        results = self._round(tail_start, now, step)
        if self._tracker.snapshot().state is HealthState.OK:
            self._end = now
        out = []
        for panel in self.panels:
            got, old = results.get(panel.name), self._cache.get(panel.name)
            if isinstance(got, tuple):
                merged = merge_tail(old.series if old else (), got, tail_start, keep_from)
                data = self._panel(panel, merged, keep_from, now, step)
                self._cache[panel.name] = data
            else:
                data = self._stale(panel, got or "not queried", keep_from, now, step)
            out.append(data)
        return out

    def _round(self, start: float, end: float,
               step: float) -> dict[str, tuple[Series, ...] | str]:
        """Query each panel; stop at the first server-level failure (no N× timeouts)."""
        results: dict[str, tuple[Series, ...] | str] = {}
        if not self._usable():
            return results
        for panel in self.panels:
            try:
                results[panel.name] = self._range(panel.query, start, end, step)
            except QueryFailure as failure:
                if failure.server:
                    self._tracker.failed(failure.reason, failure.state)
                    return results
                results[panel.name] = failure.reason
        self._tracker.ok()
        return results

    def _panel(self, panel: PanelConfig, series: tuple[Series, ...], start: float,
               end: float, step: float) -> PanelData:
        data = PanelData(panel.name, panel.title, panel.query, panel.unit, panel.threshold,
                         panel.direction, series, start, end, step, utc_from(self._clock))
        self._cache[panel.name] = data
        return data

    def _stale(self, panel: PanelConfig, reason: str, start: float, end: float,
               step: float) -> PanelData:
        old = self._cache.get(panel.name)
        health = self._tracker.snapshot()
        if health.state is not HealthState.OK:
            if old is not None:
                return old  # keep the last good data; health says why it is stale
            reason = health.last_error
        if old is not None:
            return replace(old, error=reason)
        return PanelData(panel.name, panel.title, panel.query, panel.unit, panel.threshold,
                         panel.direction, (), start, end, step, utc_from(self._clock), reason)

    # --- instant queries and targets -------------------------------------------

    def query(self, expr: str) -> InstantResult:
        """An instant query at the server's now (also how doctor checks a panel parses)."""
        if not self._usable():
            return InstantResult(error=self._tracker.snapshot().last_error)
        try:
            raw = self._call(lambda: self._client.custom_query(expr, params=self._params()))
            series = self._parse(raw)
        except QueryFailure as failure:
            if failure.server:
                self._tracker.failed(failure.reason, failure.state)
            return InstantResult(error=failure.reason)
        self._tracker.ok()
        return InstantResult(series=series)

    def targets_health(self) -> list[TargetHealth]:
        """Scrape targets from the targets API, or from ``up`` where there is none."""
        if not self._usable():
            return []
        try:
            data = self._call(lambda: self._client.get_targets(state="active"))
            active = data.get("activeTargets") if isinstance(data, dict) else None
            if not isinstance(active, list):
                raise QueryFailure("targets API answered without activeTargets",
                               HealthState.DEGRADED, False)
            return [TargetHealth(str(t.get("labels", {}).get("job", t.get("scrapePool", ""))),
                                 str(t.get("labels", {}).get("instance", t.get("scrapeUrl", ""))),
                                 str(t.get("health", "unknown")), str(t.get("lastError", "")))
                    for t in active if isinstance(t, dict)]
        except QueryFailure as failure:
            if failure.server:
                self._tracker.failed(failure.reason, failure.state)
                return []
        up = self.query("up")
        return [TargetHealth(s.labels.get("job", ""), s.labels.get("instance", ""),
                             "up" if s.last == 1 else "down") for s in up.series]

    def build_info(self) -> tuple[dict[str, str], str]:
        """(version, revision, ...) from /api/v1/status/buildinfo, or ({}, reason)."""
        if not self._usable():
            return {}, self._tracker.snapshot().last_error
        try:
            resp = self._call(lambda: self._session.get(
                f"{self.url}/api/v1/status/buildinfo", timeout=self.cfg.timeout_s))
            if resp.status_code != 200:
                raise PrometheusApiClientException(
                    f"HTTP Status Code {resp.status_code} ({resp.content[:300]!r})")
            data = resp.json().get("data")
            if not isinstance(data, dict):
                return {}, "buildinfo answer has no data object"
        except PrometheusApiClientException as exc:
            return {}, api_error(str(exc))
        except (QueryFailure, ValueError, AttributeError) as exc:
            return {}, str(exc)
        self._tracker.ok()
        return {str(k): str(v) for k, v in data.items()}, ""

    # --- plumbing ---------------------------------------------------------------

    def _usable(self) -> bool:
        return bool(self.url) and not self._config_error

    def _params(self) -> dict[str, str]:
        return {"timeout": f"{self.cfg.timeout_s:g}s"}

    def _range(self, expr: str, start: float, end: float, step: float) -> tuple[Series, ...]:
        from datetime import UTC, datetime
        raw = self._call(lambda: self._client.custom_query_range(
            expr, datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC),
            f"{step:g}", params=self._params()))
        return self._parse(raw)

    def _parse(self, raw: Any) -> tuple[Series, ...]:
        try:
            return series_from_matrix(raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise QueryFailure(f"malformed answer from {self.url}: {exc}",
                               BAD_BODY_STATE, True) from None

    def _call(self, fn: Callable[[], Any]) -> Any:
        return call_classified(fn, self.url, self.cfg.timeout_s)
