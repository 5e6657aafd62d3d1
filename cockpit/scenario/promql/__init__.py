"""A faithful subset of PromQL (Prometheus 2.42 semantics) over a SeriesStore.

``parse`` type-checks a query; ``evaluate`` runs it at one instant or at every
step of a range. Unsupported features raise :class:`PromQLError` (HTTP 400).
"""

from __future__ import annotations

from cockpit.scenario.promql.ast import Expr
from cockpit.scenario.promql.errors import ExecutionError, ParseError, PromQLError
from cockpit.scenario.promql.evaluator import Evaluator, Result, SeriesData
from cockpit.scenario.promql.parser import parse, parse_duration_ms
from cockpit.scenario.store import SeriesStore


def evaluate(store: SeriesStore, query: str | Expr, start_ms: int, end_ms: int | None = None,
             step_ms: int = 0) -> Result:
    """Evaluate ``query`` at ``start_ms`` (instant) or at each step up to ``end_ms``."""
    expr = parse(query) if isinstance(query, str) else query
    if end_ms is None or step_ms <= 0:
        return Evaluator(store).run(expr, start_ms, start_ms, 0)
    if expr.type not in ("scalar", "vector"):
        kind = {"matrix": "range vector", "string": "string"}[expr.type]
        raise PromQLError(f'invalid expression type "{kind}" for range query, must be Scalar '
                          "or instant Vector")
    return Evaluator(store).run(expr, start_ms, end_ms, step_ms)


__all__ = ["ExecutionError", "Expr", "ParseError", "PromQLError", "Result", "SeriesData",
           "evaluate", "parse", "parse_duration_ms"]
