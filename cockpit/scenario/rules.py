"""Alerting rules evaluated over the store, with Prometheus' pending/firing/resolved logic.

The demo's alerts must appear when Prometheus would raise them: each rule is
evaluated at instants ``start + k * eval_interval``; an alert is pending from
its first hit (activeAt), fires once it has held for ``for``, and a firing
alert that stops matching is resolved and kept 15 minutes for Alertmanager.
History is computed on demand with one range query per chunk and cached, so
``alerts_at`` is deterministic and cheap when the clock moves forward.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import quote_plus

from cockpit.scenario.promql import Expr, evaluate, parse
from cockpit.scenario.store import SeriesStore, to_ms
from cockpit.scenario.templating import expand
from cockpit.scenario.wire import fingerprint

RESOLVED_RETENTION_S = 15 * 60
RESEND_DELAY_S = 60


@dataclass(frozen=True)
class AlertRule:
    name: str
    expr: str
    for_s: float = 0.0
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Alert:
    """One alert at one evaluation; ``state`` is pending, firing or inactive (resolved)."""

    rule: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    state: str
    value: float
    active_at: float
    fired_at: float | None
    resolved_at: float | None
    valid_until: float
    generator_url: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.labels)

    @property
    def starts_at(self) -> float:
        """What Prometheus sends Alertmanager as startsAt (the firing time)."""
        return self.fired_at if self.fired_at is not None else self.active_at

    @property
    def ends_at(self) -> float:
        """endsAt as sent: the resolution time, or the validity of the last send."""
        return self.resolved_at if self.resolved_at is not None else self.valid_until


@dataclass
class _Active:
    labels: dict[str, str]
    annotations: dict[str, str]
    state: str
    value: float
    active_at: float
    fired_at: float | None = None
    resolved_at: float | None = None


class RuleEvaluator:
    """Evaluates ``rules`` over ``store``; ``alerts_at(ts)`` is the state after the last
    evaluation at or before ``ts`` (and never after the store's ``now()``)."""

    def __init__(self, store: SeriesStore, rules: Sequence[AlertRule], eval_interval: float = 15,
                 start: float | None = None,
                 external_url: str = "http://prometheus.demo:9090") -> None:
        self.store = store
        self.rules = list(rules)
        self.exprs: list[Expr] = [parse(rule.expr) for rule in self.rules]
        self.eval_interval = float(eval_interval)
        self.start = float(store.epoch if start is None else start)
        self.external_url = external_url.rstrip("/")
        self._active: list[dict[str, _Active]] = [{} for _ in self.rules]
        self._snapshots: list[tuple[Alert, ...]] = []
        self._lock = threading.Lock()

    def eval_time(self, k: int) -> float:
        return self.start + k * self.eval_interval

    def alerts_at(self, ts: float) -> list[Alert]:
        """Pending, firing and recently resolved alerts as of ``ts``."""
        upto = min(ts, self.store.now())
        k = math.floor((upto - self.start) / self.eval_interval + 1e-9)
        if k < 0:
            return []
        with self._lock:
            self._extend(k)
            return list(self._snapshots[k])

    def firing_at(self, ts: float) -> list[Alert]:
        return [a for a in self.alerts_at(ts) if a.state == "firing"]

    def _extend(self, k: int, chunk: int = 2880) -> None:
        while len(self._snapshots) <= k:
            first = len(self._snapshots)
            last = min(k, first + chunk - 1)
            step = to_ms(self.eval_interval)
            start_ms, end_ms = to_ms(self.eval_time(first)), to_ms(self.eval_time(last))
            results = [evaluate(self.store, expr, start_ms, end_ms, step)
                       for expr in self.exprs]
            for i in range(last - first + 1):
                t = self.eval_time(first + i)
                alerts: list[Alert] = []
                for r, result in enumerate(results):
                    vector = result.vectors[i] if result.vectors is not None else []
                    alerts.extend(self._eval_rule(r, t, vector))
                self._snapshots.append(tuple(alerts))

    def _eval_rule(self, r: int, t: float,
                   vector: Sequence[tuple[tuple[tuple[str, str], ...], float]]) -> list[Alert]:
        rule, active = self.rules[r], self._active[r]
        seen: set[str] = set()
        for sample_labels, value in vector:
            labels_map = dict(sample_labels)
            labels = {k: v for k, v in labels_map.items() if k != "__name__"}
            for name, template in rule.labels.items():
                labels[name] = expand(template, labels_map, value)
            labels["alertname"] = rule.name
            annotations = {name: expand(template, labels_map, value)
                           for name, template in rule.annotations.items()}
            fp = fingerprint(labels)
            seen.add(fp)
            current = active.get(fp)
            if current is not None and current.state != "inactive":
                current.value, current.annotations = value, annotations
                continue
            active[fp] = _Active(labels, annotations, "pending", value, t)
        for fp, alert in list(active.items()):
            if fp not in seen:
                if alert.state == "pending" or (alert.resolved_at is not None
                                                and t - alert.resolved_at > RESOLVED_RETENTION_S):
                    del active[fp]
                if alert.state != "inactive":
                    alert.state, alert.resolved_at = "inactive", t
                continue
            if alert.state == "pending" and t - alert.active_at >= rule.for_s:
                alert.state, alert.fired_at = "firing", t
        valid_until = t + 4 * max(RESEND_DELAY_S, self.eval_interval)
        url = f"{self.external_url}/graph?g0.expr={quote_plus(rule.expr)}&g0.tab=1"
        return [Alert(rule.name, MappingProxyType(dict(a.labels)),
                      MappingProxyType(dict(a.annotations)), a.state, a.value, a.active_at,
                      a.fired_at, a.resolved_at, valid_until, url)
                for a in active.values()]
