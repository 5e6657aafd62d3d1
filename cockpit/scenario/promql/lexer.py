"""PromQL tokenizer: turns query text into tokens that remember their offset.

Positions feed the parser's error messages ("1:17: parse error: ..."), so a
user sees where a query went wrong, as Prometheus reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cockpit.scenario.promql.errors import ParseError

KEYWORDS = {
    "and", "or", "unless", "atan2", "by", "without", "on", "ignoring",
    "group_left", "group_right", "bool", "offset",
}
AGGREGATORS = {
    "sum", "avg", "count", "min", "max", "stddev", "stdvar", "topk", "bottomk",
    "count_values", "quantile", "group",
}
OPERATORS = ["==", "!=", "<=", ">=", "=~", "!~", "+", "-", "*", "/", "%", "^", "<", ">", "=",
             "(", ")", "{", "}", "[", "]", ",", "@", ":"]

_DURATION = re.compile(r"(?:\d+(?:ms|[smhdwy]))+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_SPACE = re.compile(r"(?:\s+|#[^\n]*)+")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class Token:
    kind: str    # NUMBER DURATION STRING IDENT KEYWORD OP EOF
    text: str
    pos: int
    value: object = None


def _unquote(query: str, start: int) -> tuple[str, int]:
    """The string literal at ``start`` (its quote char) and the index after it."""
    quote = query[start]
    i = start + 1
    out: list[str] = []
    while i < len(query):
        ch = query[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\" and quote != "`":
            i += 1
            if i >= len(query):
                break
            esc = query[i]
            if esc in _ESCAPES:
                out.append(_ESCAPES[esc])
                i += 1
                continue
            width = {"x": 2, "u": 4, "U": 8}.get(esc)
            if width is not None:
                digits = query[i + 1:i + 1 + width]
                if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                    out.append(chr(int(digits, 16)))
                    i += 1 + width
                    continue
            if query[i:i + 3].isdigit() and len(query[i:i + 3]) == 3:
                out.append(chr(int(query[i:i + 3], 8)))
                i += 3
                continue
            raise ParseError(query, i - 1, f"unknown escape sequence {esc!r}")
        if ch == "\n" and quote != "`":
            break
        out.append(ch)
        i += 1
    raise ParseError(query, start, "unterminated quoted string")


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(query)
    while True:
        m = _SPACE.match(query, i)
        if m:
            i = m.end()
        if i >= n:
            tokens.append(Token("EOF", "", i))
            return tokens
        ch = query[i]
        if ch in "\"'`":
            text, end = _unquote(query, i)
            tokens.append(Token("STRING", query[i:end], i, text))
            i = end
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and query[i + 1].isdigit()):
            d = _DURATION.match(query, i)
            if d and not (d.end() < n and (query[d.end()].isalnum() or query[d.end()] == "_")):
                tokens.append(Token("DURATION", d.group(), i))
                i = d.end()
                continue
            num = _NUMBER.match(query, i)
            assert num is not None
            text = num.group()
            value = float(int(text, 16)) if text[:2].lower() == "0x" else float(text)
            tokens.append(Token("NUMBER", text, i, value))
            i = num.end()
            continue
        ident = None if query.startswith(":", i) and query[i + 1:i + 2].isdigit() else \
            _IDENT.match(query, i)
        if ident:
            word = ident.group()
            lower = word.lower()
            if lower in ("inf", "nan"):
                tokens.append(Token("NUMBER", word, i, float(lower)))
            elif lower in KEYWORDS or lower in AGGREGATORS:
                tokens.append(Token("KEYWORD", lower, i))
            else:
                tokens.append(Token("IDENT", word, i))
            i = ident.end()
            continue
        for op in OPERATORS:
            if query.startswith(op, i):
                tokens.append(Token("OP", op, i))
                i += len(op)
                break
        else:
            raise ParseError(query, i, f"unexpected character: {ch!r}")
