"""Pod log lines, deterministic and cheap: each line's instant and text come from hashes.

Normal traffic lines arrive at a steady per-pod rate; incident streams follow their rate
curve (line j is due when the integral of the rate passes j + ½), so the number of lines in
any window is exact. Timestamps are not part of the text: callers add them as kubectl does.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from functools import cache
from statistics import NormalDist

from cockpit.scenario.cluster import ClusterHistory, PodRecord
from cockpit.scenario.curves import Curve
from cockpit.scenario.metrics import MetricCatalogue
from cockpit.scenario.model import LogSpec, LogTemplate, ServiceSpec
from cockpit.scenario.stacks import STACKS

_PLACEHOLDER = re.compile(r"\{(status|ms|pod|n|int|hex|rand|float|service|ip|uuid)(?::([^}]*))?\}")
_NORMAL = NormalDist()
DEFAULT_LOGS = (LogTemplate('GET /healthz 200 "kube-probe/1.29"'),)
Part = tuple[str, str | None, str | None]  # literal, placeholder name, argument


@cache
def _parse(template: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append((template[pos:m.start()], m.group(1), m.group(2)))
        pos = m.end()
    parts.append((template[pos:], None, None))
    return tuple(parts)


class _Dice:
    """Many fractions from one hash: the randomness of one log line."""

    def __init__(self, key: str) -> None:
        self.bytes = hashlib.blake2b(key.encode(), digest_size=32).digest()
        self.pos = 0

    def next(self) -> float:
        chunk = self.bytes[self.pos % 30: self.pos % 30 + 2]
        self.pos += 2
        return (int.from_bytes(chunk, "big") + 0.5) / 65536.0


class LogGenerator:
    def __init__(self, history: ClusterHistory, catalogue: MetricCatalogue) -> None:
        self.history, self.catalogue = history, catalogue
        self.scenario = history.scenario
        self.pods = {p.name: p for p in history.pods}
        self.specs = {s.deployment: s for s in self.scenario.logs}
        self.services = {s.deployment: s for s in self.scenario.services}
        self._curves: dict[tuple[str, int], Curve] = {}

    def lines(self, pod_name: str, start: float, end: float) -> list[tuple[float, str]]:
        pod = self.pods.get(pod_name)
        if pod is None:
            raise KeyError(f"no pod named {pod_name!r} in scenario {self.scenario.name!r}")
        lo, hi = max(start, pod.created), min(end, pod.deleted)
        if lo >= hi:
            return []
        spec = self.specs.get(pod.deployment) or LogSpec(pod.deployment, 0.2, DEFAULT_LOGS)
        svc = self.services.get(pod.deployment)
        out: list[tuple[float, str]] = []
        crash = pod.crash
        startup = spec.startup if crash is None or not crash.log else ()
        for run_start, death in pod.runs:
            for i, template in enumerate(startup):
                out.append((run_start + 0.2 + 0.12 * i, self.fill(template, pod, svc, i, 0.0)))
            if crash is not None and death < pod.deleted:
                count = len(crash.log)
                out.extend((death - 0.05 * (count - i), self.fill(text, pod, svc, i, death))
                           for i, text in enumerate(crash.log))
        out = [(t, s) for t, s in out if lo <= t < hi]
        if pod.serving is not None:
            for a, b in pod.runs:
                a, b = max(a, lo, pod.serving[0]), min(b, hi)
                if a < b:
                    self._normal(spec, pod, svc, a, b, out)
                    self._streams(spec, pod, svc, a, b, out)
        out.sort(key=lambda p: p[0])
        return out

    def _normal(self, spec: LogSpec, pod: PodRecord, svc: ServiceSpec | None, a: float,
                b: float, out: list[tuple[float, str]]) -> None:
        rate = spec.rate
        if rate <= 0:
            return
        base = pod.created
        weights = [t.weight for t in spec.normal]
        total = sum(weights)
        seed = self.scenario.seed
        for i in range(max(0, math.floor((a - base) * rate) - 1), math.ceil((b - base) * rate) + 1):
            dice = _Dice(f"{seed}|{pod.name}|n|{i}")
            t = base + (i + 0.5 + 0.8 * (dice.next() - 0.5)) / rate
            if not a <= t < b:
                continue
            pick, acc = dice.next() * total, 0.0
            template = spec.normal[-1].template
            for tpl, w in zip(spec.normal, weights, strict=True):
                acc += w
                if pick < acc:
                    template = tpl.template
                    break
            out.append((t, self._fill(template, pod, svc, i, t, dice)))

    def _streams(self, spec: LogSpec, pod: PodRecord, svc: ServiceSpec | None, a: float,
                 b: float, out: list[tuple[float, str]]) -> None:
        for k, stream in enumerate(spec.streams):
            curve = self._curves.get((pod.name, k))
            if curve is None:
                curve = self.catalogue.pod_share(self.catalogue.curve(stream.rate), pod)
                self._curves[(pod.name, k)] = curve
            zero = curve.integral(pod.created)
            first = max(0, math.ceil(curve.integral(a) - zero - 0.5))
            last = math.floor(curve.integral(b) - zero - 0.5)
            stack = STACKS.get(stream.stack or "", ())
            for j in range(first, last + 1):
                t = curve.solve_integral(zero + j + 0.5)
                if not a <= t < b:
                    continue
                dice = _Dice(f"{self.scenario.seed}|{pod.name}|s{k}|{j}")
                out.append((t, self._fill(stream.template, pod, svc, j, t, dice)))
                if stack and j % stream.stack_every == 0:
                    out.extend((t + 1e-4 * (m + 1), line) for m, line in enumerate(stack))

    def fill(self, template: str, pod: PodRecord, svc: ServiceSpec | None, n: int,
             t: float) -> str:
        return self._fill(template, pod, svc, n, t, _Dice(f"{pod.name}|{template}|{n}|{t}"))

    def _fill(self, template: str, pod: PodRecord, svc: ServiceSpec | None, n: int, t: float,
              dice: _Dice) -> str:
        parts = _parse(template)
        if len(parts) == 1:
            return template
        out = []
        for literal, name, arg in parts:
            out.append(literal)
            if name is not None:
                out.append(_FILLERS[name](self, pod, svc, n, t, dice, arg or ""))
        return "".join(out)

    def status(self, svc: ServiceSpec | None, t: float, dice: _Dice) -> str:
        if svc is None:
            return "200"
        ratio = self.catalogue.curve(svc.error_ratio).value(t)
        return svc.error_code if dice.next() < ratio else "200"

    def millis(self, svc: ServiceSpec | None, t: float, dice: _Dice) -> str:
        p50 = self.catalogue.curve(svc.latency_p50).value(t) if svc else 0.02
        p99 = self.catalogue.curve(svc.latency_p99).value(t) if svc else 0.1
        sigma = max(0.05, math.log(max(p99, p50 * 1.01) / max(p50, 1e-4)) / 2.326)
        return str(max(1, round(1000 * p50 * math.exp(sigma * _NORMAL.inv_cdf(dice.next())))))


def _int(arg: str, dice: _Dice) -> str:
    low, _, high = arg.partition("-")
    lo, hi = int(low or 0), int(high or 1000)
    return str(lo + int(dice.next() * (hi - lo + 1)))


def _float(arg: str, dice: _Dice) -> str:
    low, _, high = arg.partition("-")
    lo, hi = float(low or 0), float(high or 1)
    return f"{lo + dice.next() * (hi - lo):.2f}"


def _hex(arg: str, dice: _Dice) -> str:
    width = int(arg or 16)
    return "".join("0123456789abcdef"[int(dice.next() * 16)] for _ in range(width))


Filler = Callable[[LogGenerator, PodRecord, ServiceSpec | None, int, float, _Dice, str], str]
_FILLERS: dict[str, Filler] = {
    "status": lambda g, p, s, n, t, d, a: g.status(s, t, d),
    "ms": lambda g, p, s, n, t, d, a: g.millis(s, t, d),
    "pod": lambda g, p, s, n, t, d, a: p.name,
    "n": lambda g, p, s, n, t, d, a: str(n),
    "service": lambda g, p, s, n, t, d, a: s.name if s else p.deployment,
    "int": lambda g, p, s, n, t, d, a: _int(a, d),
    "float": lambda g, p, s, n, t, d, a: _float(a, d),
    "hex": lambda g, p, s, n, t, d, a: _hex(a, d),
    "rand": lambda g, p, s, n, t, d, a: a.split("|")[int(d.next() * len(a.split("|")))],
    "ip": lambda g, p, s, n, t, d, a: ".".join(
        ["10", _int("0-255", d), _int("0-255", d), _int("2-254", d)]),
    "uuid": lambda g, p, s, n, t, d, a: "-".join(_hex(str(w), d) for w in (8, 4, 4, 4, 12)),
}
