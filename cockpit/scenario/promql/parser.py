"""Recursive-descent PromQL parser for the simulator's subset.

Anything outside the subset is rejected with a position and a plain reason,
so a panel query the simulator cannot serve fails loudly instead of drawing a
wrong line.
"""

from __future__ import annotations

import re

from cockpit.scenario.promql import ast
from cockpit.scenario.promql.errors import ParseError
from cockpit.scenario.promql.functions_table import KNOWN_UNSUPPORTED, SIGNATURES, TYPE_NAMES
from cockpit.scenario.promql.lexer import AGGREGATORS, Token, tokenize

SUPPORTED_AGGREGATORS = {"sum", "avg", "count", "min", "max"}
COMPARISONS = {"==", "!=", "<", ">", "<=", ">="}
SET_OPS = {"and", "or", "unless"}
# precedence: higher binds tighter
PRECEDENCE = {"or": 1, "and": 2, "unless": 2, "==": 3, "!=": 3, "<": 3, ">": 3, "<=": 3,
              ">=": 3, "+": 4, "-": 4, "*": 5, "/": 5, "%": 5, "atan2": 5, "^": 6}
_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
             "w": 604_800_000, "y": 31_536_000_000}
_DURATION_PART = re.compile(r"(\d+)(ms|[smhdwy])")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def parse_duration_ms(text: str) -> int:
    """A Prometheus duration such as ``1h30m`` in milliseconds."""
    return sum(int(n) * _UNITS_MS[u] for n, u in _DURATION_PART.findall(text))


def parse(query: str) -> ast.Expr:
    """Parse and type-check ``query``; raises ParseError on anything unsupported."""
    return _Parser(query).parse_all()


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    # -- token helpers -------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == kind and (text is None or tok.text == text)

    def expect(self, kind: str, text: str | None = None, what: str = "") -> Token:
        if not self.at(kind, text):
            self.fail(self.peek(), f"unexpected {self.describe(self.peek())}, expected "
                      f"{what or text or kind.lower()}")
        return self.next()

    def describe(self, tok: Token) -> str:
        if tok.kind == "EOF":
            return "end of input"
        return f'"{tok.text}"' if tok.kind != "STRING" else f"string {tok.text}"

    def fail(self, tok: Token | int, message: str) -> None:
        pos = tok if isinstance(tok, int) else tok.pos
        raise ParseError(self.query, pos, message)

    def unsupported(self, tok: Token | int, what: str) -> None:
        self.fail(tok, f"{what} is not supported by the cockpit simulator")

    # -- grammar -------------------------------------------------------------
    def parse_all(self) -> ast.Expr:
        if self.at("EOF"):
            self.fail(self.peek(), "no expression found in input")
        expr = self.parse_expr(1)
        if not self.at("EOF"):
            self.fail(self.peek(), f"unexpected {self.describe(self.peek())}")
        if expr.type == "string":
            self.fail(0, "string literals are only allowed as function arguments")
        return expr

    def binary_op(self) -> str | None:
        tok = self.peek()
        if tok.kind == "OP" and tok.text in PRECEDENCE:
            return tok.text
        if tok.kind == "KEYWORD" and tok.text in PRECEDENCE:
            return tok.text
        return None

    def parse_expr(self, min_prec: int) -> ast.Expr:
        lhs = self.parse_unary()
        while True:
            op = self.binary_op()
            if op is None or PRECEDENCE[op] < min_prec:
                return lhs
            op_tok = self.next()
            return_bool, on, matching = self.parse_modifiers(op, op_tok)
            next_min = PRECEDENCE[op] if op == "^" else PRECEDENCE[op] + 1
            rhs = self.parse_expr(next_min)
            lhs = self.check_binary(ast.Binary(op, lhs, rhs, return_bool, on, matching,
                                               op_tok.pos))

    def parse_modifiers(self, op: str, op_tok: Token) -> tuple[bool, bool, tuple[str, ...]]:
        return_bool = False
        if self.at("KEYWORD", "bool"):
            if op not in COMPARISONS:
                self.fail(self.peek(), "bool modifier can only be used on comparison operators")
            self.next()
            return_bool = True
        on = False
        matching: tuple[str, ...] = ()
        if self.at("KEYWORD", "on") or self.at("KEYWORD", "ignoring"):
            on = self.next().text == "on"
            matching = self.parse_label_list()
        if self.at("KEYWORD", "group_left") or self.at("KEYWORD", "group_right"):
            self.unsupported(self.peek(), "many-to-one matching (group_left/group_right)")
        if op == "atan2":
            self.unsupported(op_tok, "the atan2 operator")
        return return_bool, on, matching

    def check_binary(self, node: ast.Binary) -> ast.Binary:
        lt, rt = node.lhs.type, node.rhs.type
        if lt not in ("scalar", "vector") or rt not in ("scalar", "vector"):
            self.fail(node.pos, "binary expression must contain only scalar and instant vector "
                      "types")
        if node.op in COMPARISONS and lt == rt == "scalar" and not node.return_bool:
            self.fail(node.pos, "comparisons between scalars must use BOOL modifier")
        if node.op in SET_OPS and (lt == "scalar" or rt == "scalar"):
            self.fail(node.pos, f'set operator "{node.op}" not allowed in binary scalar '
                      "expression")
        if (node.matching or node.on) and (lt == "scalar" or rt == "scalar"):
            self.fail(node.pos, "vector matching only allowed between instant vectors")
        return node

    def parse_unary(self) -> ast.Expr:
        tok = self.peek()
        if tok.kind == "OP" and tok.text in ("+", "-"):
            self.next()
            operand = self.parse_expr(PRECEDENCE["^"])
            if operand.type not in ("scalar", "vector"):
                self.fail(tok, "unary expression only allowed on expressions of type scalar or "
                          "instant vector")
            if isinstance(operand, ast.NumberLiteral):
                return ast.NumberLiteral(-operand.value if tok.text == "-" else operand.value,
                                         tok.pos)
            return operand if tok.text == "+" else ast.Unary("-", operand, tok.pos)
        return self.parse_postfix(self.parse_primary())

    def parse_postfix(self, expr: ast.Expr) -> ast.Expr:
        while True:
            tok = self.peek()
            if tok.kind == "OP" and tok.text == "[":
                expr = self.parse_range(expr)
            elif tok.kind == "KEYWORD" and tok.text == "offset":
                expr = self.parse_offset(expr)
            elif tok.kind == "OP" and tok.text == "@":
                self.unsupported(tok, "the @ modifier")
            else:
                return expr

    def parse_range(self, expr: ast.Expr) -> ast.Expr:
        open_tok = self.next()
        dur = self.expect("DURATION", what="duration")
        if self.at("OP", ":"):
            self.unsupported(open_tok, "subqueries")
        self.expect("OP", "]")
        if not isinstance(expr, ast.VectorSelector):
            self.fail(open_tok, "ranges only allowed for vector selectors")
            raise AssertionError
        if expr.offset_ms:
            self.fail(open_tok, "offset must follow the range selector, e.g. foo[5m] offset 1h")
        range_ms = parse_duration_ms(dur.text)
        if range_ms <= 0:
            self.fail(dur, "range duration must be positive")
        return ast.MatrixSelector(expr, range_ms, expr.pos)

    def parse_offset(self, expr: ast.Expr) -> ast.Expr:
        tok = self.next()
        sign = 1
        if self.at("OP", "-") or self.at("OP", "+"):
            sign = -1 if self.next().text == "-" else 1
        dur = self.expect("DURATION", what="duration after offset")
        offset = sign * parse_duration_ms(dur.text)
        if isinstance(expr, ast.VectorSelector) and not expr.offset_ms:
            return ast.VectorSelector(expr.name, expr.matchers, offset, expr.pos)
        if isinstance(expr, ast.MatrixSelector) and not expr.selector.offset_ms:
            vs = expr.selector
            return ast.MatrixSelector(ast.VectorSelector(vs.name, vs.matchers, offset, vs.pos),
                                      expr.range_ms, expr.pos)
        self.fail(tok, "offset modifier must be preceded by an instant or range selector")
        raise AssertionError

    def parse_primary(self) -> ast.Expr:
        tok = self.peek()
        if tok.kind == "NUMBER":
            self.next()
            return ast.NumberLiteral(float(tok.value), tok.pos)  # type: ignore[arg-type]
        if tok.kind == "STRING":
            self.next()
            return ast.StringLiteral(str(tok.value), tok.pos)
        if tok.kind == "OP" and tok.text == "(":
            self.next()
            inner = self.parse_expr(1)
            self.expect("OP", ")", '")"')
            return ast.Paren(inner, tok.pos)
        if tok.kind == "OP" and tok.text == "{":
            return self.parse_selector(None, tok)
        if tok.kind == "KEYWORD" and tok.text in AGGREGATORS:
            return self.parse_aggregate()
        if tok.kind == "IDENT":
            self.next()
            if self.at("OP", "("):
                return self.parse_call(tok)
            return self.parse_selector(tok.text, tok)
        self.fail(tok, f"unexpected {self.describe(tok)}")
        raise AssertionError

    def parse_label_name(self) -> str:
        tok = self.peek()
        if tok.kind in ("IDENT", "KEYWORD") and _LABEL_NAME.fullmatch(tok.text):
            self.next()
            return tok.text
        self.fail(tok, f"unexpected {self.describe(tok)}, expected label name")
        raise AssertionError

    def parse_label_list(self) -> tuple[str, ...]:
        self.expect("OP", "(", '"("')
        names: list[str] = []
        while not self.at("OP", ")"):
            names.append(self.parse_label_name())
            if not self.at("OP", ","):
                break
            self.next()
        self.expect("OP", ")", '")" or ","')
        return tuple(names)

    def parse_selector(self, name: str | None, start: Token) -> ast.VectorSelector:
        matchers: list[ast.Matcher] = []
        if name is not None:
            matchers.append(ast.Matcher("__name__", "=", name))
        if self.at("OP", "{"):
            self.next()
            while not self.at("OP", "}"):
                matchers.append(self.parse_matcher())
                if not self.at("OP", ","):
                    break
                self.next()
            self.expect("OP", "}", '"}" or ","')
        if name is not None and any(m.name == "__name__" for m in matchers[1:]):
            self.fail(start, "metric name must not be set twice")
        if not any(not m.matches("") for m in matchers):
            self.fail(start, "vector selector must contain at least one non-empty matcher")
        return ast.VectorSelector(name, tuple(matchers), 0, start.pos)

    def parse_matcher(self) -> ast.Matcher:
        label = self.parse_label_name()
        op_tok = self.peek()
        if not (op_tok.kind == "OP" and op_tok.text in ("=", "!=", "=~", "!~")):
            self.fail(op_tok, f"unexpected {self.describe(op_tok)} in label matching, "
                      'expected one of "=", "!=", "=~", "!~"')
        self.next()
        value_tok = self.expect("STRING", what="string")
        value = str(value_tok.value)
        regex = None
        if op_tok.text in ("=~", "!~"):
            try:
                regex = re.compile(f"(?:{value})")
            except re.error as err:
                self.fail(value_tok, f"invalid regular expression {value!r}: {err}")
        return ast.Matcher(label, op_tok.text, value, regex)

    def parse_args(self) -> list[ast.Expr]:
        self.expect("OP", "(", '"("')
        args: list[ast.Expr] = []
        while not self.at("OP", ")"):
            args.append(self.parse_expr(1))
            if not self.at("OP", ","):
                break
            self.next()
        self.expect("OP", ")", '")" or ","')
        return args

    def parse_call(self, tok: Token) -> ast.Call:
        name = tok.text
        if name not in SIGNATURES:
            if name in KNOWN_UNSUPPORTED:
                self.unsupported(tok, f'function "{name}"')
            self.fail(tok, f'unknown function with name "{name}"')
        arg_types, ret = SIGNATURES[name]
        args = self.parse_args()
        if len(args) != len(arg_types):
            self.fail(tok, f'expected {len(arg_types)} argument(s) in call to "{name}", '
                      f"got {len(args)}")
        for arg, want in zip(args, arg_types, strict=True):
            if arg.type != want:
                self.fail(getattr(arg, "pos", tok.pos), f"expected type {TYPE_NAMES[want]} in "
                          f'call to function "{name}", got {TYPE_NAMES[arg.type]}')
        return ast.Call(name, tuple(args), ret, tok.pos)

    def parse_aggregate(self) -> ast.Aggregate:
        tok = self.next()
        if tok.text not in SUPPORTED_AGGREGATORS:
            self.unsupported(tok, f'aggregation "{tok.text}"')
        grouping: tuple[str, ...] = ()
        without = False
        if self.at("KEYWORD", "by") or self.at("KEYWORD", "without"):
            without = self.next().text == "without"
            grouping = self.parse_label_list()
            args = self.parse_args()
        else:
            args = self.parse_args()
            if self.at("KEYWORD", "by") or self.at("KEYWORD", "without"):
                without = self.next().text == "without"
                grouping = self.parse_label_list()
        if len(args) != 1:
            self.fail(tok, f'wrong number of arguments for aggregate expression "{tok.text}": '
                      f"expected 1, got {len(args)}")
        if args[0].type != "vector":
            self.fail(tok, f'expected type instant vector in aggregation expression, got '
                      f"{TYPE_NAMES[args[0].type]}")
        return ast.Aggregate(tok.text, args[0], grouping, without, tok.pos)
