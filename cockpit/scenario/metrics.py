"""The scenario's Prometheus series: built once per set of actions, sampled by bisect.

Names and labels follow the real exporters (the app's own http_* metrics, cAdvisor's
container_*, kube-state-metrics' kube_*). Counters are exact integrals of piecewise-linear
rates; their noise shifts the sampling instant (never the value), so they cannot decrease.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cockpit.scenario.cluster import ClusterHistory, PodRecord
from cockpit.scenario.curves import Curve, clip, combine, step
from cockpit.scenario.model import Scenario, Signal
from cockpit.scenario.noise import unit
from cockpit.scenario.reactions import effective_curve

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
IDLE_CPU = 0.004  # cores a container uses when it takes no traffic
SeriesKey = tuple[str, frozenset[tuple[str, str]]]


@dataclass
class SeriesSource:
    name: str
    labels: dict[str, str]
    kind: str  # gauge | counter
    start: float
    end: float
    curve: Curve | None = None  # gauge value, or counter rate
    noise: float = 0.0
    noise_key: str = ""
    maximum: float | None = None
    fn: Callable[[float], float] | None = None  # gauges computed from cluster state


def _quantile_fraction(le: float, p50: float, p99: float) -> float:
    """Share of requests at most ``le`` seconds, for a log-normal with that p50 and p99."""
    median = max(p50, 1e-4)
    sigma = max(0.05, math.log(max(p99, median * 1.01) / median) / 2.326)
    return 0.5 * (1.0 + math.erf((math.log(le) - math.log(median)) / (sigma * math.sqrt(2.0))))


def _mean_latency(p50: float, p99: float) -> float:
    median = max(p50, 1e-4)
    sigma = max(0.05, math.log(max(p99, median * 1.01) / median) / 2.326)
    return median * math.exp(sigma * sigma / 2.0)


class MetricCatalogue:
    """Every series of the scenario under the given cluster history and incident weight."""

    def __init__(self, scenario: Scenario, history: ClusterHistory, weight: Curve) -> None:
        self.scenario, self.history, self.weight = scenario, history, weight
        self.series: dict[SeriesKey, SeriesSource] = {}
        self._curves: dict[Signal, Curve] = {}
        self.serving: dict[str, Curve] = {}
        for spec in scenario.deployments:
            changes: list[tuple[float, float]] = []
            for pod in history.pods:
                if pod.deployment == spec.name and pod.serving is not None:
                    begin, end = pod.serving
                    changes += [(begin, 1.0), (end, -1.0)] if end < math.inf else [(begin, 1.0)]
            changes.sort()
            running, counted = 0.0, []
            for t, delta in changes:
                running += delta
                counted.append((t, running))
            self.serving[spec.name] = step(0.0, counted)
        for pod in history.pods:
            self._pod_series(pod)
        for svc in scenario.services:
            for pod in history.pods:
                if pod.deployment == svc.deployment and pod.serving is not None:
                    self._http_series(svc.name, svc.error_code, svc.request_rate, svc.error_ratio,
                                      svc.latency_p50, svc.latency_p99, pod)
        for extra in scenario.series:
            curve = self.curve(extra.value)
            if extra.deployment is None:
                self._add(SeriesSource(extra.name, dict(extra.labels), extra.kind, -math.inf,
                                       math.inf, curve, extra.value.noise, extra.name,
                                       extra.value.maximum))
                continue
            for pod in history.pods:
                if pod.deployment == extra.deployment:
                    labels = {**self._pod_labels(pod), **extra.labels}
                    self._add(SeriesSource(extra.name, labels, extra.kind, pod.created,
                                           pod.deleted, curve, extra.value.noise,
                                           f"{extra.name}|{pod.name}", extra.value.maximum))

    def curve(self, signal: Signal) -> Curve:
        """The signal as it plays out under the applied actions (cached)."""
        curve = self._curves.get(signal)
        if curve is None:
            curve = self._curves[signal] = effective_curve(signal, self.weight)
        return curve

    def _add(self, source: SeriesSource) -> None:
        self.series[(source.name, frozenset(source.labels.items()))] = source

    def _pod_labels(self, pod: PodRecord) -> dict[str, str]:
        spec = self.scenario.deployment(pod.deployment)
        return {"namespace": self.scenario.namespace, "pod": pod.name,
                "container": spec.container}

    def pod_share(self, total: Curve, pod: PodRecord, idle: float = 0.0) -> Curve:
        """The pod's part of a deployment-wide rate while it serves; ``idle`` otherwise."""
        serving = pod.serving
        if serving is None:
            return Curve.constant(idle)
        begin, end = serving
        on = step(0.0, [(begin, 1.0)] + ([(end, 0.0)] if end < math.inf else []))
        count = self.serving[pod.deployment]
        return combine([total, count, on], lambda a, n, i: a / n if i and n else idle)

    def _pod_series(self, pod: PodRecord) -> None:
        spec = self.scenario.deployment(pod.deployment)
        labels = self._pod_labels(pod)
        res = pod.rs.spec.resources
        life = (pod.created, pod.deleted)
        cpu = clip(self.pod_share(self.curve(spec.cpu), pod, IDLE_CPU), 0.0, res.cpu_limit)
        self._add(SeriesSource("container_cpu_usage_seconds_total", labels, "counter", *life,
                               cpu, spec.cpu.noise, f"cpu|{pod.name}"))
        memory = self.curve(spec.memory)
        crash = pod.crash
        if crash is not None and crash.reason == "OOMKilled":
            self._add(SeriesSource("container_memory_working_set_bytes", labels, "gauge", *life,
                                   fn=self._sawtooth(pod, spec.memory.baseline,
                                                     res.memory_limit)))
        else:
            self._add(SeriesSource("container_memory_working_set_bytes", labels, "gauge", *life,
                                   memory, spec.memory.noise, f"mem|{pod.name}",
                                   res.memory_limit))
        for resource, unit_name, value in (("cpu", "core", res.cpu_limit),
                                           ("memory", "byte", res.memory_limit)):
            self._add(SeriesSource("kube_pod_container_resource_limits",
                                   {**labels, "resource": resource, "unit": unit_name}, "gauge",
                                   *life, Curve.constant(value)))
        self._add(SeriesSource("kube_pod_container_status_restarts_total", labels, "counter",
                               *life, fn=self._restarts(pod)))
        if crash is not None:
            self._add(SeriesSource("kube_pod_container_status_waiting_reason",
                                   {**labels, "reason": "CrashLoopBackOff"}, "gauge", *life,
                                   fn=lambda t: float(self._backing_off(pod, t))))

    @staticmethod
    def _restarts(pod: PodRecord) -> Callable[[float], float]:
        return lambda t: float(max(0, pod.run_index(t)))

    @staticmethod
    def _backing_off(pod: PodRecord, t: float) -> bool:
        k = pod.run_index(t)
        return k >= 0 and t >= pod.runs[k][1]

    @staticmethod
    def _sawtooth(pod: PodRecord, base: float, limit: float) -> Callable[[float], float]:
        def value(t: float) -> float:
            k = pod.run_index(t)
            if k < 0:
                return 0.0
            start, death = pod.runs[k]
            if t >= death:
                return base * 0.1
            return base + (limit - base) * min(1.0, (t - start) / (death - start))
        return value

    def _http_series(self, service: str, error_code: str, rate: Signal, errors: Signal,
                     p50: Signal, p99: Signal, pod: PodRecord) -> None:
        assert pod.serving is not None
        begin, end = pod.serving
        labels = {"namespace": self.scenario.namespace, "service": service, "pod": pod.name}
        total = self.pod_share(self.curve(rate), pod)
        err = self.curve(errors)
        noise = rate.noise
        for code, fn in (("200", lambda r, e: r * (1 - e)), (error_code, lambda r, e: r * e)):
            self._add(SeriesSource("http_requests_total", {**labels, "code": code}, "counter",
                                   begin, end, combine([total, err], fn), noise,
                                   f"http|{service}|{pod.name}|{code}"))
        lat50, lat99 = self.curve(p50), self.curve(p99)
        key = f"hist|{service}|{pod.name}"
        name = "http_request_duration_seconds"
        for le in BUCKETS:
            bucket = combine([total, lat50, lat99],
                             lambda r, a, b, le=le: r * _quantile_fraction(le, a, b))
            self._add(SeriesSource(f"{name}_bucket", {**labels, "le": _le_text(le)}, "counter",
                                   begin, end, bucket, noise, key))
        for suffix, le_label in (("_bucket", {"le": "+Inf"}), ("_count", {})):
            self._add(SeriesSource(f"{name}{suffix}", {**labels, **le_label}, "counter", begin,
                                   end, total, noise, key))
        seconds = combine([total, lat50, lat99], lambda r, a, b: r * _mean_latency(a, b))
        self._add(SeriesSource(f"{name}_sum", labels, "counter", begin, end, seconds, noise, key))

    def sample(self, key: SeriesKey, t: float) -> float | None:
        source = self.series.get(key)
        if source is None or not source.start <= t < source.end:
            return None
        if source.fn is not None:
            return source.fn(t)
        assert source.curve is not None
        scrape = self.scenario.scrape_interval
        seed = self.scenario.seed
        if source.kind == "counter":
            jitter = source.noise * scrape * unit(seed, source.noise_key, round(t / scrape))
            at = max(source.start, t + jitter) if source.noise else t
            return max(0.0, source.curve.integral(at) - source.curve.integral(source.start))
        value = source.curve.value(t)
        if source.maximum is not None and value >= source.maximum:
            return source.maximum  # pinned at its ceiling, as a full pool is
        if source.noise:
            value *= 1.0 + source.noise * unit(seed, source.noise_key, math.floor(t / scrape))
        value = max(0.0, value)
        return min(value, source.maximum) if source.maximum is not None else value


def _le_text(le: float) -> str:
    return f"{le:g}"


def label_view(labels: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(labels.items())
