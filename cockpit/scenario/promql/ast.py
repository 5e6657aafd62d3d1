"""PromQL syntax tree for the supported subset.

Each node knows its static type (``scalar``, ``vector``, ``matrix``,
``string``) so the parser rejects type errors up front, as Prometheus does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str          # = != =~ !~
    value: str
    regex: re.Pattern[str] | None = field(default=None, compare=False)

    def matches(self, value: str) -> bool:
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        assert self.regex is not None
        hit = self.regex.fullmatch(value) is not None
        return hit if self.op == "=~" else not hit


@dataclass(frozen=True)
class NumberLiteral:
    value: float
    pos: int = 0
    type = "scalar"


@dataclass(frozen=True)
class StringLiteral:
    value: str
    pos: int = 0
    type = "string"


@dataclass(frozen=True)
class VectorSelector:
    name: str | None
    matchers: tuple[Matcher, ...]
    offset_ms: int = 0
    pos: int = 0
    type = "vector"


@dataclass(frozen=True)
class MatrixSelector:
    selector: VectorSelector
    range_ms: int
    pos: int = 0
    type = "matrix"


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    type: str
    pos: int = 0


@dataclass(frozen=True)
class Aggregate:
    op: str
    expr: Expr
    grouping: tuple[str, ...]
    without: bool
    pos: int = 0
    type = "vector"


@dataclass(frozen=True)
class Binary:
    op: str
    lhs: Expr
    rhs: Expr
    return_bool: bool = False
    on: bool = False                      # True: on(...), False: ignoring(...)
    matching: tuple[str, ...] = ()
    pos: int = 0

    @property
    def type(self) -> str:
        return "scalar" if self.lhs.type == "scalar" and self.rhs.type == "scalar" else "vector"


@dataclass(frozen=True)
class Unary:
    op: str
    expr: Expr
    pos: int = 0

    @property
    def type(self) -> str:
        return self.expr.type


@dataclass(frozen=True)
class Paren:
    expr: Expr
    pos: int = 0

    @property
    def type(self) -> str:
        return self.expr.type


Expr = (NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | Call | Aggregate
        | Binary | Unary | Paren)
