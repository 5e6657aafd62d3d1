"""Recursive-descent PromQL parser for the simulator's subset.

Anything outside the subset is rejected with a position and a plain reason,
so a panel query the simulator cannot serve fails loudly instead of drawing a
wrong line.
"""

from __future__ import annotations

from cockpit.scenario.promql import ast
from cockpit.scenario.promql.functions_table import KNOWN_UNSUPPORTED, SIGNATURES, TYPE_NAMES
from cockpit.scenario.promql.lexer import AGGREGATORS, Token
from cockpit.scenario.promql.selector_parser import SelectorParser, parse_duration_ms

__all__ = ["COMPARISONS", "PRECEDENCE", "SET_OPS", "SUPPORTED_AGGREGATORS", "parse",
           "parse_duration_ms"]

SUPPORTED_AGGREGATORS = {"sum", "avg", "count", "min", "max"}
COMPARISONS = {"==", "!=", "<", ">", "<=", ">="}
SET_OPS = {"and", "or", "unless"}
# precedence: higher binds tighter
PRECEDENCE = {"or": 1, "and": 2, "unless": 2, "==": 3, "!=": 3, "<": 3, ">": 3, "<=": 3,
              ">=": 3, "+": 4, "-": 4, "*": 5, "/": 5, "%": 5, "atan2": 5, "^": 6}


def parse(query: str) -> ast.Expr:
    """Parse and type-check ``query``; raises ParseError on anything unsupported."""
    return _Parser(query).parse_all()


class _Parser(SelectorParser):
    """The expression grammar: operators and precedence, calls, aggregations, ranges."""

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
