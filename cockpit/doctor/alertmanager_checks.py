"""Doctor rows for Alertmanager: reachable with its version, and the alerts cockpit would show."""

from __future__ import annotations

import asyncio

from cockpit.config.schema import Config
from cockpit.doctor import CheckResult, CheckStatus, register_check
from cockpit.sources.alertmanager import AlertmanagerSource

FIX_URL = "start Alertmanager, or fix alertmanager.url (and token/TLS settings) in the config"


def check_alertmanager(cfg: Config) -> list[CheckResult]:
    if not cfg.alertmanager.url:
        return [CheckResult("Alertmanager", CheckStatus.NOT_CONFIGURED,
                            "alertmanager.url is empty", "set alertmanager.url to see alerts")]
    return asyncio.run(_check(AlertmanagerSource(cfg.alertmanager)))


async def _check(source: AlertmanagerSource) -> list[CheckResult]:
    status, error = await source.status()
    if error:
        return [CheckResult("Alertmanager reachable", CheckStatus.FAIL, error, FIX_URL)]
    version = status.get("versionInfo", {}).get("version", "unknown")
    rows = [CheckResult("Alertmanager reachable", CheckStatus.OK,
                        f"{source.url}, version {version}, up since {status.get('uptime', '?')}")]
    alerts = await source.fetch()
    health = source.health()
    if health.last_error:
        rows.append(CheckResult("Alertmanager alerts", CheckStatus.FAIL, health.last_error,
                                "check alertmanager.url points at Alertmanager's API"))
        return rows
    firing = sum(a.state == "firing" for a in alerts)
    rows.append(CheckResult("Alertmanager alerts", CheckStatus.OK,
                            f"{len(alerts)} alerts for the configured filters "
                            f"({firing} firing, {len(alerts) - firing} suppressed)"))
    return rows


register_check("alertmanager", check_alertmanager, order=20)
