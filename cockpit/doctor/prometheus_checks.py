"""Doctor rows for Prometheus: reachable, version, every panel query, scrape targets."""

from __future__ import annotations

from cockpit.config.schema import Config
from cockpit.doctor import CheckResult, CheckStatus, register_check
from cockpit.sources.prometheus import InstantResult, PrometheusSource

FIX_URL = "start Prometheus, or fix prometheus.url (and token/TLS settings) in the config"


def check_prometheus(cfg: Config) -> list[CheckResult]:
    if not cfg.prometheus.url:
        return [CheckResult("Prometheus", CheckStatus.NOT_CONFIGURED, "prometheus.url is empty",
                            "set prometheus.url to see metrics")]
    source = PrometheusSource(cfg.prometheus, cfg.incident.service, cfg.kubernetes.namespace)
    try:
        info, error = source.build_info()
        if error:
            return [CheckResult("Prometheus reachable", CheckStatus.FAIL, error, FIX_URL)]
        rows = [CheckResult("Prometheus reachable", CheckStatus.OK,
                            f"{source.url}, version {info.get('version', 'unknown')}")]
        for panel in source.panels:
            rows.append(_panel_row(source.query(panel.query), panel.name, cfg))
        rows.append(_targets_row(source))
        return rows
    finally:
        source.close()


def _panel_row(result: InstantResult, name: str, cfg: Config) -> CheckResult:
    check = f"Panel {name}"
    if result.error:
        return CheckResult(check, CheckStatus.FAIL, result.error,
                           f"fix the query of panel {name!r} in [[prometheus.panels]]")
    if not result.series:
        return CheckResult(check, CheckStatus.WARN, "query parses but returns no data",
                           f"check incident.service ({cfg.incident.service!r}) and "
                           f"kubernetes.namespace ({cfg.kubernetes.namespace!r}) match the labels")
    return CheckResult(check, CheckStatus.OK, f"query parses; {len(result.series)} series")


def _targets_row(source: PrometheusSource) -> CheckResult:
    targets = source.targets_health()
    if not targets:
        return CheckResult("Scrape targets", CheckStatus.WARN, "no active scrape targets",
                           "check Prometheus' scrape_configs")
    down = [t for t in targets if t.health != "up"]
    if down:
        shown = "; ".join(f"{t.job}/{t.instance}: {t.last_error or t.health}" for t in down[:3])
        return CheckResult("Scrape targets", CheckStatus.WARN,
                           f"{len(targets) - len(down)}/{len(targets)} up; down: {shown}",
                           "look at the down targets in Prometheus' /targets page")
    return CheckResult("Scrape targets", CheckStatus.OK, f"{len(targets)}/{len(targets)} up")


register_check("prometheus", check_prometheus, order=10)
