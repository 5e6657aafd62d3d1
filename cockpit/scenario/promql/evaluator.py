"""Evaluate a parsed PromQL expression over a SeriesStore at many steps at once.

Like Prometheus' range evaluation, each selector fetches its series once for
the whole query window and every step then looks up its own window with a
bisect, so a 3 h panel at a 15 s step costs one pass over the data, not 721.
Semantics are Prometheus 2.42's: 5 m lookback, closed windows [t-range, t].
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from cockpit.scenario.promql import ast
from cockpit.scenario.promql.errors import PromQLError
from cockpit.scenario.promql.histogram import bucket_quantile
from cockpit.scenario.promql.operators import (
    Labels,
    Vector,
    aggregate,
    check_unique,
    drop_name,
    scalar_binop,
    vector_scalar,
    vector_vector,
)
from cockpit.scenario.promql.rangefuncs import RANGE_FUNCTIONS
from cockpit.scenario.store import SeriesStore, fetch_samples

LOOKBACK_MS = 300_000
MATH_FUNCS = {"abs": abs, "ceil": lambda v: v if not math.isfinite(v) else math.ceil(v),
              "floor": lambda v: v if not math.isfinite(v) else math.floor(v), "exp": math.exp,
              "sqrt": math.sqrt, "ln": math.log, "log2": math.log2, "log10": math.log10}


@dataclass(frozen=True)
class SeriesData:
    labels: Labels
    times: list[int]
    values: list[float]


@dataclass(frozen=True)
class Result:
    """``kind`` is scalar (one value per step), vector (samples per step) or matrix."""

    kind: str
    steps: list[int]
    scalars: list[float] | None = None
    vectors: list[Vector] | None = None
    matrix: list[SeriesData] | None = None


def _math(name: str, value: float) -> float:
    try:
        result = MATH_FUNCS[name](value)
    except ValueError:
        if name in ("ln", "log2", "log10") and value == 0:
            return -math.inf
        return math.nan
    except OverflowError:
        return math.inf
    return float(result)


class Evaluator:
    """Evaluates expressions against one store; create one per query."""

    def __init__(self, store: SeriesStore, lookback_ms: int = LOOKBACK_MS) -> None:
        self.store = store
        self.lookback_ms = lookback_ms

    def run(self, expr: ast.Expr, start_ms: int, end_ms: int, step_ms: int) -> Result:
        steps = list(range(start_ms, end_ms + 1, step_ms)) if step_ms > 0 else [start_ms]
        self.steps = steps
        if isinstance(expr, ast.MatrixSelector):
            return Result("matrix", steps, matrix=self.matrix_series(expr, steps[-1], steps[-1]))
        if expr.type == "string":
            raise PromQLError("string results are not supported by the cockpit simulator")
        if expr.type == "scalar":
            return Result("scalar", steps, scalars=self.scalar(expr))
        return Result("vector", steps, vectors=self.vector(expr))

    # -- selectors -----------------------------------------------------------
    def select(self, vs: ast.VectorSelector, lo_ms: int, hi_ms: int) -> list[SeriesData]:
        out: list[SeriesData] = []
        for name, labels in self.store.series_keys():
            full = {"__name__": name, **labels}
            if all(m.matches(full.get(m.name, "")) for m in vs.matchers):
                times, values = fetch_samples(self.store, name, labels, lo_ms / 1000,
                                              hi_ms / 1000)
                if times:
                    out.append(SeriesData(tuple(sorted(full.items())), times, values))
        return out

    def matrix_series(self, ms: ast.MatrixSelector, first: int, last: int) -> list[SeriesData]:
        off = ms.selector.offset_ms
        return self.select(ms.selector, first - off - ms.range_ms, last - off)

    def vector_selector(self, vs: ast.VectorSelector) -> list[Vector]:
        steps = self.steps
        out: list[Vector] = [[] for _ in steps]
        off = vs.offset_ms
        for series in self.select(vs, steps[0] - off - self.lookback_ms, steps[-1] - off):
            times, values = series.times, series.values
            for i, t in enumerate(steps):
                ref = t - off
                j = bisect_right(times, ref) - 1
                if j >= 0 and times[j] >= ref - self.lookback_ms:
                    out[i].append((series.labels, values[j]))
        return out

    # -- typed evaluation ----------------------------------------------------
    def scalar(self, expr: ast.Expr) -> list[float]:
        n = len(self.steps)
        if isinstance(expr, ast.NumberLiteral):
            return [expr.value] * n
        if isinstance(expr, ast.Paren):
            return self.scalar(expr.expr)
        if isinstance(expr, ast.Unary):
            return [-v for v in self.scalar(expr.expr)]
        if isinstance(expr, ast.Binary):
            lhs, rhs = self.scalar(expr.lhs), self.scalar(expr.rhs)
            return [scalar_binop(expr.op, a, b) for a, b in zip(lhs, rhs, strict=True)]
        if isinstance(expr, ast.Call):
            if expr.func == "time":
                return [t / 1000 for t in self.steps]
            if expr.func == "scalar":
                return [vec[0][1] if len(vec) == 1 else math.nan
                        for vec in self.vector(expr.args[0])]
        raise PromQLError(f"cannot evaluate {type(expr).__name__} as a scalar")

    def vector(self, expr: ast.Expr) -> list[Vector]:
        if isinstance(expr, ast.VectorSelector):
            return self.vector_selector(expr)
        if isinstance(expr, ast.Paren):
            return self.vector(expr.expr)
        if isinstance(expr, ast.Unary):
            out = [[(drop_name(lab), -v) for lab, v in vec] for vec in self.vector(expr.expr)]
            for vec in out:
                check_unique(vec)
            return out
        if isinstance(expr, ast.Aggregate):
            return [aggregate(expr.op, vec, expr.grouping, expr.without)
                    for vec in self.vector(expr.expr)]
        if isinstance(expr, ast.Binary):
            return self.binary(expr)
        if isinstance(expr, ast.Call):
            return self.call(expr)
        raise PromQLError(f"cannot evaluate {type(expr).__name__} as an instant vector")

    def binary(self, expr: ast.Binary) -> list[Vector]:
        lt, rt = expr.lhs.type, expr.rhs.type
        if lt == "vector" and rt == "vector":
            lhs, rhs = self.vector(expr.lhs), self.vector(expr.rhs)
            out = [vector_vector(expr.op, a, b, expr.on, expr.matching, expr.return_bool)
                   for a, b in zip(lhs, rhs, strict=True)]
        elif lt == "vector":
            vecs, scalars = self.vector(expr.lhs), self.scalar(expr.rhs)
            out = [vector_scalar(expr.op, v, s, False, expr.return_bool)
                   for v, s in zip(vecs, scalars, strict=True)]
        else:
            scalars, vecs = self.scalar(expr.lhs), self.vector(expr.rhs)
            out = [vector_scalar(expr.op, v, s, True, expr.return_bool)
                   for v, s in zip(vecs, scalars, strict=True)]
        for vec in out:
            check_unique(vec)
        return out

    def call(self, expr: ast.Call) -> list[Vector]:
        name = expr.func
        if name in RANGE_FUNCTIONS:
            return self.range_call(name, expr.args[0])  # type: ignore[arg-type]
        if name == "vector":
            return [[((), v)] for v in self.scalar(expr.args[0])]
        if name == "histogram_quantile":
            qs = self.scalar(expr.args[0])
            return [_histogram_quantile(q, vec)
                    for q, vec in zip(qs, self.vector(expr.args[1]), strict=True)]
        if name in ("clamp_min", "clamp_max"):
            vecs, bounds = self.vector(expr.args[0]), self.scalar(expr.args[1])
            out = [[(drop_name(lab), _clamp(name, v, b)) for lab, v in vec]
                   for vec, b in zip(vecs, bounds, strict=True)]
        elif name in MATH_FUNCS:
            out = [[(drop_name(lab), _math(name, v)) for lab, v in vec]
                   for vec in self.vector(expr.args[0])]
        else:
            raise PromQLError(f'function "{name}" is not supported by the cockpit simulator')
        for vec in out:
            check_unique(vec)
        return out

    def range_call(self, name: str, ms: ast.MatrixSelector) -> list[Vector]:
        func = RANGE_FUNCTIONS[name]
        steps = self.steps
        out: list[Vector] = [[] for _ in steps]
        off, rng = ms.selector.offset_ms, ms.range_ms
        for series in self.matrix_series(ms, steps[0], steps[-1]):
            labels = drop_name(series.labels)
            times, values = series.times, series.values
            for i, t in enumerate(steps):
                hi = t - off
                lo = hi - rng
                a = bisect_left(times, lo)
                b = bisect_right(times, hi)
                if a == b:
                    continue
                value = func(times[a:b], values[a:b], lo, hi, rng)
                if value is not None:
                    out[i].append((labels, value))
        for vec in out:
            check_unique(vec)
        return out


def _clamp(name: str, value: float, bound: float) -> float:
    if math.isnan(value) or math.isnan(bound):
        return math.nan
    return max(value, bound) if name == "clamp_min" else min(value, bound)


def _histogram_quantile(q: float, vec: Vector) -> Vector:
    groups: dict[Labels, list[tuple[float, float]]] = {}
    for labels, value in vec:
        le = dict(labels).get("le")
        if le is None:
            continue
        try:
            upper = float(le)
        except ValueError:
            continue
        key = tuple(p for p in labels if p[0] not in ("le", "__name__"))
        groups.setdefault(key, []).append((upper, value))
    return [(key, bucket_quantile(q, buckets)) for key, buckets in groups.items()]
