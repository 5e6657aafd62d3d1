"""Scenario times: durations ("2h28m45s"), clock times ("10:28:45") and quantities ("2Gi").

Every time in a scenario file is an offset in seconds from the scenario's origin; this
module is the one place that turns the written forms into those floats and back.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

DURATION_RE = re.compile(r"^-?(\d+(\.\d+)?(ms|s|m|h|d))+$")
CLOCK_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d+)?)?$")
_PART_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_QUANTITY_RE = re.compile(r"^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T|m)?$")
_QUANTITY_UNITS = {
    None: 1.0, "m": 0.001, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "Ki": 1024.0, "Mi": 1024.0**2, "Gi": 1024.0**3, "Ti": 1024.0**4,
}


def parse_duration(text: str | float | int) -> float:
    """Seconds in ``"1h30m"``, ``"90s"``, ``"-3d"`` or a bare number of seconds."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, int | float):
        return float(text)
    value = text.strip()
    if not DURATION_RE.match(value):
        raise ValueError(f"{text!r} is not a duration")
    sign = -1.0 if value.startswith("-") else 1.0
    return sign * sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART_RE.findall(value))


def parse_offset(text: str | float | int, origin: datetime) -> float:
    """Seconds from ``origin``: a duration, or a clock time of day on origin's date."""
    if isinstance(text, str):
        match = CLOCK_RE.match(text.strip())
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            seconds = float(match.group(3)[1:]) if match.group(3) else 0.0
            midnight = origin.replace(hour=0, minute=0, second=0, microsecond=0)
            since_origin = (origin - midnight).total_seconds()
            return hours * 3600.0 + minutes * 60.0 + seconds - since_origin
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time or duration") from None


def format_duration(seconds: float) -> str:
    """``9045`` → ``"2h30m45s"``; the inverse of :func:`parse_duration` for whole seconds."""
    sign = "-" if seconds < 0 else ""
    rest = round(abs(seconds))
    if rest == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + "".join(parts)


def offset_to_datetime(origin: datetime, offset: float) -> datetime:
    return origin + timedelta(seconds=offset)


def parse_quantity(value: str | float | int) -> float:
    """A Kubernetes-style quantity: ``"500m"`` → 0.5, ``"2Gi"`` → 2147483648, ``3`` → 3."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a quantity")
    if isinstance(value, int | float):
        return float(value)
    match = _QUANTITY_RE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a quantity (e.g. 0.5, 500m, 256Mi, 2Gi)")
    return float(match.group(1)) * _QUANTITY_UNITS[match.group(2)]
