"""Alerts from Alertmanager's v2 API (httpx, async: the UI runs it in an async worker).

Active, silenced and inhibited alerts are fetched; silenced and inhibited ones
are shown as ``suppressed``. The answer is read with a size bound (a runaway
proxy cannot eat the engineer's memory), parsed tolerantly of missing fields
but strictly about wrong types, and every failure becomes the source's
health while the last good list is kept. Nothing raises to the caller.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from cockpit.config.loader import ConfigError, resolve_secret
from cockpit.config.schema import AlertmanagerConfig
from cockpit.sources.alert_tracker import AlertChange, AlertTracker, change_key
from cockpit.sources.base import Alert, HealthState, SourceHealth, frozen_map
from cockpit.sources.health import (
    BAD_BODY_STATE,
    HealthTracker,
    describe_os_error,
    http_error_state,
    utc_from,
)

__all__ = ["AlertChange", "AlertTracker", "AlertmanagerSource", "change_key", "parse_alerts"]

MAX_BODY_BYTES = 8 * 1024 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AlertFormatError(ValueError):
    """The answer is JSON but not the shape Alertmanager documents."""


class _Failure(Exception):
    def __init__(self, reason: str, state: HealthState) -> None:
        super().__init__(reason)
        self.reason, self.state = reason, state


class AlertmanagerSource:
    name = "alertmanager"

    def __init__(self, cfg: AlertmanagerConfig, clock: Callable[[], float] = time.time, *,
                 max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.cfg = cfg
        self.url = cfg.url.rstrip("/")
        self.max_body_bytes = max_body_bytes
        self._clock = clock
        self._tracker = HealthTracker(self.name, self.url, cfg.refresh_s, clock,
                                      enabled=bool(self.url))
        self._last: list[Alert] = []
        self._headers: dict[str, str] = {}
        self._config_error = ""
        try:
            self._receiver = re.compile(cfg.receiver) if cfg.receiver else None
            token = resolve_secret(cfg.bearer_token_env, cfg.bearer_token_file,
                                   what="alertmanager bearer token")
            if token:
                self._headers["Authorization"] = f"Bearer {token}"
        except (re.error, ConfigError) as exc:
            self._receiver = None
            self._config_error = (f"alertmanager.receiver: invalid regex: {exc}"
                                  if isinstance(exc, re.error) else str(exc))
            self._tracker.failed(self._config_error, HealthState.DOWN)

    def health(self) -> SourceHealth:
        return self._tracker.snapshot()

    def next_delay(self) -> float:
        return self._tracker.next_delay()

    async def fetch(self) -> list[Alert]:
        """Current alerts matching the configured receiver and labels; the last good on failure."""
        if not self.url or self._config_error:
            return list(self._last)
        params: list[tuple[str, str]] = [("active", "true"), ("silenced", "true"),
                                         ("inhibited", "true"), ("unprocessed", "true")]
        params += [("filter", f"{k}={json.dumps(v)}") for k, v in self.cfg.match.items()]
        if self.cfg.receiver:
            params.append(("receiver", self.cfg.receiver))
        try:
            doc = await self._get_json("/api/v2/alerts", params)
            alerts = parse_alerts(doc, utc_from(self._clock))
        except _Failure as failure:
            self._tracker.failed(failure.reason, failure.state)
            return list(self._last)
        except AlertFormatError as exc:
            self._tracker.failed(f"unexpected answer from {self.url}: {exc}", BAD_BODY_STATE)
            return list(self._last)
        self._last = [a for a in alerts if self._wanted(a)]
        self._tracker.ok()
        return list(self._last)

    async def status(self) -> tuple[dict[str, Any], str]:
        """/api/v2/status (version, uptime, cluster) or ({}, reason), for ``cockpit doctor``."""
        if not self.url or self._config_error:
            return {}, self._tracker.snapshot().last_error
        try:
            doc = await self._get_json("/api/v2/status", [])
        except _Failure as failure:
            self._tracker.failed(failure.reason, failure.state)
            return {}, failure.reason
        if not isinstance(doc, dict):
            return {}, f"unexpected status answer from {self.url}"
        self._tracker.ok()
        return doc, ""

    def _wanted(self, alert: Alert) -> bool:
        if any(alert.labels.get(k) != v for k, v in self.cfg.match.items()):
            return False
        return self._receiver is None or any(self._receiver.fullmatch(r)
                                             for r in alert.receivers)

    async def _get_json(self, path: str, params: list[tuple[str, str]]) -> Any:
        url = self.url + path
        try:
            async with httpx.AsyncClient(timeout=self.cfg.timeout_s, verify=self.cfg.verify_tls,
                                         headers=self._headers) as client, \
                    client.stream("GET", url, params=tuple(params)) as resp:
                body = await self._read_bounded(resp)
        except httpx.TimeoutException:
            raise _Failure(f"no answer from {self.url} within {self.cfg.timeout_s:g}s",
                           HealthState.DEGRADED) from None
        except httpx.ConnectError as exc:
            raise _Failure(f"cannot connect to {self.url}: {describe_os_error(exc)}",
                           HealthState.DOWN) from None
        except httpx.HTTPError as exc:
            raise _Failure(f"request to {url} failed: {describe_os_error(exc)}",
                           HealthState.DOWN) from None
        if resp.status_code != 200:
            text = body[:300].decode("utf-8", "replace").strip()
            raise _Failure(f"{url} answered HTTP {resp.status_code}: {text}",
                           http_error_state(resp.status_code))
        try:
            return json.loads(body)
        except ValueError as exc:
            raise _Failure(f"malformed JSON from {url}: {exc}", BAD_BODY_STATE) from None

    async def _read_bounded(self, resp: httpx.Response) -> bytes:
        limit = self.max_body_bytes
        too_big = _Failure(f"answer from {self.url} is larger than {limit} bytes; refused "
                           "(narrow alertmanager.match or alertmanager.receiver)",
                           HealthState.DEGRADED)
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)


# --- parsing ----------------------------------------------------------------------


def parse_alerts(doc: Any, now: datetime) -> list[Alert]:
    """Alertmanager's alert list; missing fields get defaults, wrong types raise."""
    if not isinstance(doc, list):
        raise AlertFormatError(f"expected a list of alerts, got {_kind(doc)}")
    return [_parse_alert(item, i, now) for i, item in enumerate(doc)]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), type(value).__name__)


def _field(item: Mapping[str, Any], name: str, kind: type, default: Any, where: str) -> Any:
    value = item.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        expected = {"str": "a string", "dict": "an object", "list": "a list"}[kind.__name__]
        raise AlertFormatError(f"{where}.{name}: expected {expected}, got {_kind(value)}")
    return value


def _strings(value: Mapping[str, Any], where: str) -> Mapping[str, str]:
    for k, v in value.items():
        if not isinstance(v, str):
            raise AlertFormatError(f"{where}.{k}: expected a string, got {_kind(v)}")
    return frozen_map(value)


def _time(text: str, where: str) -> datetime | None:
    if not text:
        return None
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise AlertFormatError(f"{where}: not an RFC 3339 time: {text[:40]!r}") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return None if ts.year <= 1 else ts.astimezone(UTC)


def _parse_alert(item: Any, index: int, now: datetime) -> Alert:
    where = f"alert[{index}]"
    if not isinstance(item, dict):
        raise AlertFormatError(f"{where}: expected an object, got {_kind(item)}")
    labels = _strings(_field(item, "labels", dict, {}, where), f"{where}.labels")
    annotations = _strings(_field(item, "annotations", dict, {}, where), f"{where}.annotations")
    status = _field(item, "status", dict, {}, where)
    am_state = _field(status, "state", str, "active", f"{where}.status")
    receivers = []
    for j, rec in enumerate(_field(item, "receivers", list, [], where)):
        if not isinstance(rec, dict):
            raise AlertFormatError(f"{where}.receivers[{j}]: expected an object, got {_kind(rec)}")
        receivers.append(str(_field(rec, "name", str, "", f"{where}.receivers[{j}]")))
    starts = _time(_field(item, "startsAt", str, "", where), f"{where}.startsAt")
    ends = _time(_field(item, "endsAt", str, "", where), f"{where}.endsAt")
    fingerprint = _field(item, "fingerprint", str, "", where) or _label_key(labels)
    if ends is not None and ends <= now:
        state = "resolved"
    else:
        state = "suppressed" if am_state == "suppressed" else "firing"
    return Alert(fingerprint, labels.get("alertname", ""), state, labels.get("severity", ""),
                 labels, annotations, starts or _EPOCH, ends, tuple(receivers),
                 _field(item, "generatorURL", str, "", where))


def _label_key(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
