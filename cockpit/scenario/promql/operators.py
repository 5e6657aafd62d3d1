"""Binary operators and aggregations over one evaluation step.

Python raises where Go returns NaN or Inf (x/0, fmod(inf, y), 0**-1), so the
arithmetic here is written out to give the IEEE results Prometheus returns.
Matching follows Prometheus' one-to-one rules, including its error messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from cockpit.scenario.promql.errors import ExecutionError

Labels = tuple[tuple[str, str], ...]
Vector = list[tuple[Labels, float]]

COMPARISON_OPS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}
ARITHMETIC = {"+", "-", "*", "/", "%", "^"}


def drop_name(labels: Labels) -> Labels:
    return tuple(p for p in labels if p[0] != "__name__")


def _div(a: float, b: float) -> float:
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _mod(a: float, b: float) -> float:
    try:
        return math.fmod(a, b)
    except ValueError:
        return math.nan


def _pow(a: float, b: float) -> float:
    odd_int = b.is_integer() and int(b) % 2 == 1 if math.isfinite(b) else False
    try:
        return math.pow(a, b)
    except OverflowError:
        return -math.inf if a < 0 and odd_int else math.inf
    except ValueError:
        if a == 0 and b < 0:
            return math.copysign(math.inf, a) if odd_int else math.inf
        return math.nan


def arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return _div(a, b)
    if op == "%":
        return _mod(a, b)
    return _pow(a, b)


def elem_binop(op: str, lhs: float, rhs: float) -> tuple[float, bool]:
    """Prometheus' vectorElemBinop: (value, keep)."""
    if op in ARITHMETIC:
        return arithmetic(op, lhs, rhs), True
    return lhs, COMPARISON_OPS[op](lhs, rhs)


def scalar_binop(op: str, lhs: float, rhs: float) -> float:
    if op in ARITHMETIC:
        return arithmetic(op, lhs, rhs)
    return 1.0 if COMPARISON_OPS[op](lhs, rhs) else 0.0


def vector_scalar(op: str, vec: Vector, scalar: float, swap: bool, return_bool: bool) -> Vector:
    out: Vector = []
    for labels, value in vec:
        lv, rv = (scalar, value) if swap else (value, scalar)
        result, keep = elem_binop(op, lv, rv)
        if op in COMPARISON_OPS and swap:
            result = rv
        if return_bool:
            result, keep = (1.0 if keep else 0.0), True
        if keep:
            out.append((drop_name(labels) if op in ARITHMETIC or return_bool else labels,
                        result))
    return out


def signature(labels: Labels, on: bool, names: Sequence[str]) -> Labels:
    if on:
        return tuple(p for p in labels if p[0] in names)
    return tuple(p for p in labels if p[0] not in names and p[0] != "__name__")


def _fmt(labels: Labels) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in labels) + "}"


def vector_vector(op: str, lhs: Vector, rhs: Vector, on: bool, names: Sequence[str],
                  return_bool: bool) -> Vector:
    """One-to-one matching (on/ignoring), or and/or/unless set operations."""
    if op in ("and", "or", "unless"):
        return _set_op(op, lhs, rhs, on, names)
    right: dict[Labels, tuple[Labels, float]] = {}
    for labels, value in rhs:
        sig = signature(labels, on, names)
        if sig in right:
            raise ExecutionError(
                f"found duplicate series for the match group {_fmt(sig)} on the right hand-side "
                f"of the operation: [{_fmt(labels)}, {_fmt(right[sig][0])}];many-to-many "
                "matching not allowed: matching labels must be unique on one side")
        right[sig] = (labels, value)
    matched: set[Labels] = set()
    out: Vector = []
    for labels, value in lhs:
        sig = signature(labels, on, names)
        found = right.get(sig)
        if found is None:
            continue
        result, keep = elem_binop(op, value, found[1])
        if return_bool:
            result = 1.0 if keep else 0.0
        elif not keep:
            continue
        if sig in matched:
            raise ExecutionError("multiple matches for labels: many-to-one matching must be "
                                 "explicit (group_left/group_right)")
        matched.add(sig)
        metric = labels
        if op in ARITHMETIC or return_bool:
            metric = drop_name(metric)
        if on:
            metric = tuple(p for p in metric if p[0] in names)
        else:
            metric = tuple(p for p in metric if p[0] not in names)
        out.append((metric, result))
    return out


def _set_op(op: str, lhs: Vector, rhs: Vector, on: bool, names: Sequence[str]) -> Vector:
    right = {signature(labels, on, names) for labels, _ in rhs}
    if op == "and":
        return [s for s in lhs if signature(s[0], on, names) in right]
    if op == "unless":
        return [s for s in lhs if signature(s[0], on, names) not in right]
    left = {signature(labels, on, names) for labels, _ in lhs}
    return lhs + [s for s in rhs if signature(s[0], on, names) not in left]


def aggregate(op: str, vec: Vector, grouping: Sequence[str], without: bool) -> Vector:
    groups: dict[Labels, list[float]] = {}   # key -> [value, count]
    for labels, value in vec:
        if without:
            key = tuple(p for p in labels if p[0] not in grouping and p[0] != "__name__")
        else:
            key = tuple(p for p in labels if p[0] in grouping)
        group = groups.get(key)
        if group is None:
            groups[key] = [value, 1.0]
            continue
        group[1] += 1
        if op == "sum":
            group[0] += value
        elif op == "avg":
            group[0] = _avg_step(group[0], value, group[1])
        elif op == "max":
            if group[0] < value or math.isnan(group[0]):
                group[0] = value
        elif op == "min" and (group[0] > value or math.isnan(group[0])):
            group[0] = value
    if op == "count":
        return [(key, g[1]) for key, g in groups.items()]
    return [(key, g[0]) for key, g in groups.items()]


def _avg_step(mean: float, value: float, count: float) -> float:
    if math.isinf(mean):
        if math.isinf(value) and (mean > 0) == (value > 0):
            return mean
        if not math.isinf(value) and not math.isnan(value):
            return mean
    return mean + (value / count - mean / count)


def check_unique(vec: Vector) -> None:
    seen: set[Labels] = set()
    for labels, _ in vec:
        if labels in seen:
            raise ExecutionError("vector cannot contain metrics with the same labelset")
        seen.add(labels)
