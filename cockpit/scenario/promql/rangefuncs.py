"""Functions over a range of samples (rate, increase, *_over_time, ...).

These follow Prometheus 2.42's promql/functions.go line by line, because
cockpit's panels must draw the same curve from the simulator as from a real
server: the extrapolation rules in :func:`extrapolated_rate` are the part that
usually differs between "almost PromQL" engines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

RangeFunc = Callable[[Sequence[int], Sequence[float], int, int, int], float | None]


def extrapolated_rate(times: Sequence[int], values: Sequence[float], range_start: int,
                      range_end: int, range_ms: int, *, is_counter: bool,
                      is_rate: bool) -> float | None:
    """Prometheus' extrapolatedRate (2.x): delta over the window, extrapolated to its edges."""
    n = len(values)
    if n < 2:
        return None
    result = values[-1] - values[0]
    if is_counter:
        prev = values[0]
        for v in values[1:]:
            if v < prev:
                result += prev
            prev = v
    duration_to_start = (times[0] - range_start) / 1000
    duration_to_end = (range_end - times[-1]) / 1000
    sampled_interval = (times[-1] - times[0]) / 1000
    average_between = sampled_interval / (n - 1)
    if is_counter and result > 0 and values[0] >= 0:
        # Counters cannot be negative: do not extrapolate below zero.
        duration_to_zero = sampled_interval * (values[0] / result)
        if duration_to_zero < duration_to_start:
            duration_to_start = duration_to_zero
    threshold = average_between * 1.1
    extrapolate_to = sampled_interval
    extrapolate_to += duration_to_start if duration_to_start < threshold else average_between / 2
    extrapolate_to += duration_to_end if duration_to_end < threshold else average_between / 2
    result = result * (extrapolate_to / sampled_interval)
    if is_rate:
        result = result / (range_ms / 1000)
    return result


def rate(t: Sequence[int], v: Sequence[float], lo: int, hi: int, rng: int) -> float | None:
    return extrapolated_rate(t, v, lo, hi, rng, is_counter=True, is_rate=True)


def increase(t: Sequence[int], v: Sequence[float], lo: int, hi: int, rng: int) -> float | None:
    return extrapolated_rate(t, v, lo, hi, rng, is_counter=True, is_rate=False)


def delta(t: Sequence[int], v: Sequence[float], lo: int, hi: int, rng: int) -> float | None:
    return extrapolated_rate(t, v, lo, hi, rng, is_counter=False, is_rate=False)


def _instant_value(t: Sequence[int], v: Sequence[float], is_rate: bool) -> float | None:
    if len(v) < 2:
        return None
    last, prev = v[-1], v[-2]
    result = last if is_rate and last < prev else last - prev
    interval = t[-1] - t[-2]
    if interval == 0:
        return None
    if is_rate:
        result /= interval / 1000
    return result


def irate(t: Sequence[int], v: Sequence[float], lo: int, hi: int, rng: int) -> float | None:
    return _instant_value(t, v, True)


def idelta(t: Sequence[int], v: Sequence[float], lo: int, hi: int, rng: int) -> float | None:
    return _instant_value(t, v, False)


def _kahan_inc(inc: float, total: float, c: float) -> tuple[float, float]:
    t = total + inc
    if math.isinf(t):
        c = 0.0
    elif abs(total) >= abs(inc):
        c += (total - t) + inc
    else:
        c += (inc - t) + total
    return t, c


def avg_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                  rng: int) -> float | None:
    if not v:
        return None
    mean = c = count = 0.0
    for x in v:
        count += 1
        if math.isinf(mean):
            if math.isinf(x) and (mean > 0) == (x > 0):
                continue
            if not math.isinf(x) and not math.isnan(x):
                continue
        mean, c = _kahan_inc(x / count - mean / count, mean, c)
    return mean if math.isinf(mean) else mean + c


def sum_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                  rng: int) -> float | None:
    if not v:
        return None
    total = c = 0.0
    for x in v:
        total, c = _kahan_inc(x, total, c)
    return total if math.isinf(total) else total + c


def max_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                  rng: int) -> float | None:
    if not v:
        return None
    best = v[0]
    for x in v:
        if x > best or math.isnan(best):
            best = x
    return best


def min_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                  rng: int) -> float | None:
    if not v:
        return None
    best = v[0]
    for x in v:
        if x < best or math.isnan(best):
            best = x
    return best


def count_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                    rng: int) -> float | None:
    return float(len(v)) if v else None


def last_over_time(t: Sequence[int], v: Sequence[float], lo: int, hi: int,
                   rng: int) -> float | None:
    return v[-1] if v else None


RANGE_FUNCTIONS: dict[str, RangeFunc] = {
    "rate": rate, "increase": increase, "delta": delta, "irate": irate, "idelta": idelta,
    "avg_over_time": avg_over_time, "sum_over_time": sum_over_time,
    "max_over_time": max_over_time, "min_over_time": min_over_time,
    "count_over_time": count_over_time, "last_over_time": last_over_time,
}
