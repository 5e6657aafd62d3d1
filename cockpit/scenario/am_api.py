"""A loopback Alertmanager API v2 (0.25 wire format) fed by the rule evaluator.

The cockpit's alert source (httpx against /api/v2/alerts) and its silence
actions run unchanged against this: alerts raised by RuleEvaluator arrive as
Prometheus would send them, tests may POST more, and silences suppress them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cockpit.scenario.am_state import (
    RESOLVE_TIMEOUT_S,
    AMAlert,
    AMError,
    LabelMatcher,
    SilenceBook,
    merge,
    overlaps,
    parse_filter,
)
from cockpit.scenario.httpserve import LoopbackServer, LoopbackService, Params, Reply
from cockpit.scenario.rules import RuleEvaluator
from cockpit.scenario.wire import fingerprint, parse_rfc3339, rfc3339_ms

VERSION_INFO = {"branch": "HEAD", "buildDate": "20230101-00:00:00", "buildUser": "cockpit",
                "goVersion": "go1.19", "revision": "cockpit-simulator", "version": "0.25.0"}
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
JSON = "application/json"


def _bool(params: Params, name: str) -> bool:
    value = (params.get(name) or ["true"])[0].lower()
    if value not in ("true", "false", "1", "0"):
        raise AMError(f'{name} in query must be of type boolean: "{value}"')
    return value in ("true", "1")


class AlertmanagerServer(LoopbackService):
    """``start()``, ``url``, ``stop()``; the clock is the evaluator store's ``now``."""

    def __init__(self, evaluator: RuleEvaluator | None = None,
                 clock: Callable[[], float] | None = None, receiver: str = "default",
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.evaluator = evaluator
        if clock is None:
            clock = evaluator.store.now if evaluator is not None else time.time
        self.clock = clock
        self.receiver = receiver
        self.posted: dict[str, AMAlert] = {}
        self.silences = SilenceBook()
        self.started = clock()
        self._lock = threading.Lock()
        self._server = LoopbackServer(self.handle, host, port, "amsim-http")

    # -- alerts --------------------------------------------------------------
    def current_alerts(self, now: float) -> dict[str, AMAlert]:
        """Alerts as Alertmanager holds them at ``now`` (resolved ones included)."""
        merged: dict[str, AMAlert] = {}
        if self.evaluator is not None:
            for alert in self.evaluator.alerts_at(now):
                if alert.state == "pending":
                    continue
                updated = alert.valid_until - 4 * max(60.0, self.evaluator.eval_interval)
                merged[alert.fingerprint] = AMAlert(
                    alert.labels, alert.annotations, alert.starts_at, alert.ends_at, updated,
                    alert.generator_url)
        for fp, posted in self.posted.items():
            old = merged.get(fp)
            merged[fp] = merge(old, posted, now) if old and overlaps(old, posted) else \
                (posted if old is None or posted.updated_at >= old.updated_at else old)
        return merged

    def post_alerts(self, body: bytes) -> None:
        try:
            items = json.loads(body or b"null")
        except json.JSONDecodeError as err:
            raise AMError(f"parsing alerts body failed: {err}") from None
        if not isinstance(items, list):
            raise AMError("parsing alerts body failed: expected a JSON array of alerts")
        now = self.clock()
        parsed: list[AMAlert] = []
        for item in items:
            parsed.append(self._postable(item, now))
        with self._lock:
            for alert in parsed:
                fp = fingerprint(alert.labels)
                old = self.posted.get(fp)
                self.posted[fp] = merge(old, alert, now) if old and overlaps(old, alert) \
                    else alert

    def _postable(self, item: Any, now: float) -> AMAlert:
        if not isinstance(item, dict) or not isinstance(item.get("labels"), dict):
            raise AMError("labels in body is required")
        labels = {str(k): str(v) for k, v in item["labels"].items()}
        if not labels:
            raise AMError("at least one label pair required")
        for name in labels:
            if not _LABEL_NAME.fullmatch(name):
                raise AMError(f'invalid label set: invalid name "{name}"')
        annotations = {str(k): str(v) for k, v in (item.get("annotations") or {}).items()}
        try:
            starts = parse_rfc3339(item["startsAt"]) if item.get("startsAt") else None
            ends = parse_rfc3339(item["endsAt"]) if item.get("endsAt") else None
        except (ValueError, TypeError) as err:
            raise AMError(f"invalid time in alert: {err}") from None
        timeout = ends is None
        if starts is None:
            starts = now if ends is None else ends
        if ends is None:
            ends = now + RESOLVE_TIMEOUT_S
        if ends < starts:
            raise AMError("start time must be before end time")
        return AMAlert(labels, annotations, starts, ends, now,
                       str(item.get("generatorURL") or ""), timeout)

    def get_alerts(self, params: Params) -> list[dict[str, object]]:
        matchers = [parse_filter(f) for f in params.get("filter", [])]
        receiver_re = None
        if params.get("receiver"):
            try:
                receiver_re = re.compile(params["receiver"][0])
            except re.error as err:
                raise AMError(f"failed to parse receiver param: {err}") from None
        want = {k: _bool(params, k) for k in ("active", "silenced", "inhibited", "unprocessed")}
        now = self.clock()
        out: list[dict[str, object]] = []
        with self._lock:
            alerts = self.current_alerts(now)
        for fp, alert in sorted(alerts.items()):
            if receiver_re is not None and not receiver_re.fullmatch(self.receiver):
                continue
            if not all(m.matches(alert.labels) for m in matchers):
                continue
            if alert.ends_at <= now:
                continue
            silenced_by = self.silences.muting(alert.labels, now)
            state = "suppressed" if silenced_by else "active"
            if (state == "active" and not want["active"]) or \
                    (silenced_by and not want["silenced"]):
                continue
            item: dict[str, object] = {
                "annotations": dict(alert.annotations), "endsAt": rfc3339_ms(alert.ends_at),
                "fingerprint": fp, "receivers": [{"name": self.receiver}],
                "startsAt": rfc3339_ms(alert.starts_at),
                "status": {"inhibitedBy": [], "silencedBy": silenced_by, "state": state},
                "updatedAt": rfc3339_ms(alert.updated_at),
            }
            if alert.generator_url:     # omitempty, as Alertmanager writes it
                item["generatorURL"] = alert.generator_url
            item["labels"] = dict(alert.labels)
            out.append(item)
        return out

    # -- silences ------------------------------------------------------------
    def silence_json(self, sid: str, now: float) -> dict[str, object]:
        s = self.silences.silences[sid]
        return {"id": s.id, "status": {"state": s.state(now)},
                "updatedAt": rfc3339_ms(s.updated_at), "comment": s.comment,
                "createdBy": s.created_by, "endsAt": rfc3339_ms(s.ends_at),
                "matchers": [m.to_json() for m in s.matchers],
                "startsAt": rfc3339_ms(s.starts_at)}

    def get_silences(self, params: Params) -> list[dict[str, object]]:
        matchers: list[LabelMatcher] = [parse_filter(f) for f in params.get("filter", [])]
        now = self.clock()
        out = []
        for s in self.silences.ordered(now):
            eq = {m.name: m.value for m in s.matchers if not m.is_regex and m.is_equal}
            if all(m.matches(eq) for m in matchers):
                out.append(self.silence_json(s.id, now))
        return out

    def status(self) -> dict[str, object]:
        config = (f"global:\n  resolve_timeout: 5m\nroute:\n  receiver: {self.receiver}\n"
                  f"receivers:\n- name: {self.receiver}\n")
        return {"cluster": {"name": "", "peers": [], "status": "disabled"},
                "config": {"original": config}, "uptime": rfc3339_ms(self.started),
                "versionInfo": VERSION_INFO}

    # -- HTTP ----------------------------------------------------------------
    def handle(self, method: str, path: str, params: Params, body: bytes = b"") -> Reply:
        try:
            return self._route(method, path, params, body)
        except AMError as err:
            return 400, JSON, json.dumps(str(err))

    def _route(self, method: str, path: str, params: Params, body: bytes) -> Reply:
        if path in ("/-/ready", "/-/healthy"):
            return 200, "text/plain; charset=utf-8", "OK"
        if path == "/api/v2/status" and method == "GET":
            return 200, JSON, json.dumps(self.status())
        if path == "/api/v2/receivers" and method == "GET":
            return 200, JSON, json.dumps([{"name": self.receiver}])
        if path == "/api/v2/alerts":
            if method == "GET":
                return 200, JSON, json.dumps(self.get_alerts(params))
            if method == "POST":
                self.post_alerts(body)
                return 200, JSON, ""
        if path == "/api/v2/silences":
            if method == "GET":
                return 200, JSON, json.dumps(self.get_silences(params))
            if method == "POST":
                return self._post_silence(body)
        if path.startswith("/api/v2/silence/"):
            return self._one_silence(method, path[len("/api/v2/silence/"):])
        return 404, "text/plain; charset=utf-8", "404 page not found\n"

    def _post_silence(self, body: bytes) -> Reply:
        try:
            data = json.loads(body or b"null")
        except json.JSONDecodeError as err:
            raise AMError(f"parsing silence body failed: {err}") from None
        if not isinstance(data, Mapping):
            raise AMError("parsing silence body failed: expected a JSON object")
        with self._lock:
            sid = self.silences.put(data, self.clock())
        return 200, JSON, json.dumps({"silenceID": sid})

    def _one_silence(self, method: str, sid: str) -> Reply:
        now = self.clock()
        with self._lock:
            if method == "DELETE":
                if not self.silences.expire(sid, now):
                    return 404, JSON, json.dumps(f"silence {sid} not found")
                return 200, JSON, ""
            if sid not in self.silences.silences:
                return 404, JSON, json.dumps(f"silence {sid} not found")
            return 200, JSON, json.dumps(self.silence_json(sid, now))
