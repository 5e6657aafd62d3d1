"""The corner of Go templating that alert rules use: ``{{ $value }}``, ``{{ $labels.x }}``.

Prometheus renders alert annotations with text/template; the demo's rules
only need values, labels and the humanize helpers, printed the way Go does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

_ACTION = re.compile(r"{{-?\s*(.*?)\s*-?}}")


def go_float(v: float) -> str:
    """Go's ``%v`` for a float64 (strconv 'g' with the shortest digits)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    sign, digit_tuple, exp = Decimal(repr(v)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exp, int)
    point = len("".join(map(str, digit_tuple))) + exp      # position of the decimal point
    x = point - 1
    neg = "-" if sign else ""
    if x < -4 or x >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'+' if x >= 0 else '-'}{abs(x):02d}"
    text = format(Decimal(repr(abs(v))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return neg + text


def _g4(v: float) -> str:
    return f"{v:.4g}"


def humanize(v: float) -> str:
    if v == 0 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    prefix = ""
    if abs(v) >= 1:
        for p in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
    else:
        for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
            if abs(v) >= 1:
                break
            prefix, v = p, v * 1000
    return _g4(v) + prefix


def _operand(token: str, labels: Mapping[str, str], value: float) -> str | float | None:
    if token in ("$value", ".Value"):
        return value
    for prefix in ("$labels.", ".Labels."):
        if token.startswith(prefix):
            return labels.get(token[len(prefix):], "<no value>")
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return token[1:-1]
    return None


def _apply(func: str, args: list[str | float]) -> str | None:
    if func == "humanize" and args and isinstance(args[-1], float):
        return humanize(args[-1])
    if func == "humanizePercentage" and args and isinstance(args[-1], float):
        return _g4(args[-1] * 100) + "%"
    if func == "printf" and args and isinstance(args[0], str):
        try:
            return args[0] % tuple(args[1:])
        except (TypeError, ValueError):
            return None
    return None


def _render_action(action: str, labels: Mapping[str, str], value: float) -> str | None:
    stages = [s.strip() for s in action.split("|")]
    result: str | float | None = None
    for i, stage in enumerate(stages):
        words = re.findall(r'"[^"]*"|\S+', stage)
        if not words:
            return None
        if len(words) == 1 and i == 0:
            result = _operand(words[0], labels, value)
            continue
        args: list[str | float] = []
        for word in words[1:]:
            operand = _operand(word, labels, value)
            if operand is None:
                return None
            args.append(operand)
        if i > 0 and result is not None:
            args.append(result)
        result = _apply(words[0], args)
        if result is None:
            return None
    if result is None:
        return None
    return go_float(result) if isinstance(result, float) else result


def expand(template: str, labels: Mapping[str, str], value: float) -> str:
    """Render ``template``; actions it does not understand are left as written."""
    def replace(match: re.Match[str]) -> str:
        rendered = _render_action(match.group(1), labels, value)
        return match.group(0) if rendered is None else rendered
    return _ACTION.sub(replace, template)
