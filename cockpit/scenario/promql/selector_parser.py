"""The parser's leaf level: a cursor over tokens, and the selector grammar.

Split from the expression grammar (parser.py) because everything here is about
where the parser stands and how it fails (position, plain reason), or about the
smallest pieces a query is made of (metric names, label matchers, label lists,
durations); the expression grammar builds on both.
"""

from __future__ import annotations

import re

from cockpit.scenario.promql import ast
from cockpit.scenario.promql.errors import ParseError
from cockpit.scenario.promql.lexer import Token, tokenize

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
             "w": 604_800_000, "y": 31_536_000_000}
_DURATION_PART = re.compile(r"(\d+)(ms|[smhdwy])")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def parse_duration_ms(text: str) -> int:
    """A Prometheus duration such as ``1h30m`` in milliseconds."""
    return sum(int(n) * _UNITS_MS[u] for n, u in _DURATION_PART.findall(text))


class SelectorParser:
    """Token cursor, failure reporting and selectors; the expression parser extends it."""

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

    # -- selectors -------------------------------------------------------------
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
