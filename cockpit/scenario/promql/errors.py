"""Errors the PromQL subset raises, shaped like Prometheus' API error types.

``bad_data`` (HTTP 400) covers parse errors and unsupported features; ``execution``
(HTTP 422) covers failures while evaluating, as in Prometheus.
"""

from __future__ import annotations


class PromQLError(Exception):
    """A query the simulator cannot answer; ``error_type`` picks the HTTP status."""

    error_type = "bad_data"
    status = 400


class ParseError(PromQLError):
    """Malformed or unsupported query text, with the position that failed."""

    def __init__(self, query: str, pos: int, message: str) -> None:
        line = query.count("\n", 0, pos) + 1
        col = pos - (query.rfind("\n", 0, pos) + 1) + 1
        super().__init__(f"{line}:{col}: parse error: {message}")
        self.pos = pos


class ExecutionError(PromQLError):
    """A query that parsed but cannot be evaluated (e.g. duplicate label sets)."""

    error_type = "execution"
    status = 422
