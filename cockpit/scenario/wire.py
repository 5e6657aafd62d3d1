"""Byte-exact encodings the real servers use: numbers, timestamps, fingerprints.

Clients (and the cross-check test) compare strings, so a value must print as
Go's ``strconv.FormatFloat(v, 'f', -1, 64)`` and a time as Prometheus'
``MarshalTimestamp`` or Alertmanager's RFC 3339 with milliseconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

from cockpit.scenario.promql.parser import parse_duration_ms

_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_MASK = (1 << 64) - 1
_DURATION_RE = re.compile(r"(?:\d+(?:ms|[smhdwy]))+")


class ParamError(ValueError):
    """A request parameter that cannot be parsed (HTTP 400, bad_data)."""


def format_value(v: float) -> str:
    """Go's FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    text = format(Decimal(repr(v)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_ts(ms: int) -> str:
    """Prometheus' MarshalTimestamp: seconds with up to three decimals (kept, not trimmed)."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    whole, frac = divmod(ms, 1000)
    return f"{sign}{whole}" + (f".{frac:03d}" if frac else "")


def _go_round(x: float) -> float:
    return math.copysign(math.floor(abs(x) + 0.5), x)


def parse_time_ms(text: str, name: str) -> int:
    """A Prometheus API time (unix seconds or RFC 3339) in ms, rounded as Prometheus does."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is not None and math.isfinite(value):
        frac, whole = math.modf(value)
        frac = _go_round(frac * 1000) / 1000
        nanos = int(frac * 1e9)
        return int(whole) * 1000 + math.floor(nanos / 1_000_000)
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        stamp = None
    if stamp is None or stamp.tzinfo is None:
        raise ParamError(f'invalid parameter "{name}": cannot parse "{text}" to a valid '
                         "timestamp")
    return round(stamp.timestamp() * 1000)


def parse_step_ms(text: str, name: str) -> int:
    """A duration parameter: float seconds or a Prometheus duration like ``30s``."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        if not math.isfinite(seconds) or abs(seconds * 1e9) > 2**63 - 1:
            raise ParamError(f'invalid parameter "{name}": cannot parse "{text}" to a valid '
                             "duration. It overflows int64")
        return int(int(seconds * 1e9) / 1_000_000)
    if _DURATION_RE.fullmatch(text):
        return parse_duration_ms(text)
    raise ParamError(f'invalid parameter "{name}": cannot parse "{text}" to a valid duration')


def rfc3339_ms(ts: float) -> str:
    """Alertmanager's strfmt.DateTime: RFC 3339 with milliseconds, UTC."""
    stamp = datetime.fromtimestamp(ts, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> float:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if stamp.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return stamp.timestamp()


def _fnv_add(h: int, data: bytes) -> int:
    for byte in data:
        h ^= byte
        h = (h * _FNV_PRIME) & _MASK
    return h


def fingerprint(labels: Mapping[str, str]) -> str:
    """prometheus/common model.LabelSet.Fingerprint as 16 hex digits."""
    h = _FNV_OFFSET
    for name in sorted(labels):
        h = _fnv_add(h, name.encode() + b"\xff")
        h = _fnv_add(h, labels[name].encode() + b"\xff")
    return f"{h:016x}"
