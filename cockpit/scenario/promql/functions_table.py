"""Signatures of the supported PromQL functions: argument types and result type.

Kept apart from the implementations so the parser can type-check calls
without importing the evaluator.
"""

from __future__ import annotations

# name -> (argument types, return type)
SIGNATURES: dict[str, tuple[tuple[str, ...], str]] = {
    "rate": (("matrix",), "vector"),
    "irate": (("matrix",), "vector"),
    "increase": (("matrix",), "vector"),
    "delta": (("matrix",), "vector"),
    "idelta": (("matrix",), "vector"),
    "avg_over_time": (("matrix",), "vector"),
    "max_over_time": (("matrix",), "vector"),
    "min_over_time": (("matrix",), "vector"),
    "sum_over_time": (("matrix",), "vector"),
    "count_over_time": (("matrix",), "vector"),
    "last_over_time": (("matrix",), "vector"),
    "histogram_quantile": (("scalar", "vector"), "vector"),
    "abs": (("vector",), "vector"),
    "ceil": (("vector",), "vector"),
    "floor": (("vector",), "vector"),
    "exp": (("vector",), "vector"),
    "sqrt": (("vector",), "vector"),
    "ln": (("vector",), "vector"),
    "log2": (("vector",), "vector"),
    "log10": (("vector",), "vector"),
    "clamp_min": (("vector", "scalar"), "vector"),
    "clamp_max": (("vector", "scalar"), "vector"),
    "vector": (("scalar",), "vector"),
    "scalar": (("vector",), "scalar"),
    "time": ((), "scalar"),
}

# Functions Prometheus has that the simulator does not implement (clear 400).
KNOWN_UNSUPPORTED = {
    "absent", "absent_over_time", "changes", "clamp", "count_values", "day_of_month",
    "day_of_week", "day_of_year", "days_in_month", "deriv", "holt_winters", "hour",
    "label_join", "label_replace", "minute", "month", "predict_linear", "quantile_over_time",
    "resets", "round", "sgn", "sort", "sort_desc", "stddev_over_time", "stdvar_over_time",
    "timestamp", "year", "present_over_time", "acos", "asin", "atan", "cos", "sin", "tan",
    "acosh", "asinh", "atanh", "cosh", "sinh", "tanh", "deg", "rad", "pi",
}

TYPE_NAMES = {"scalar": "scalar", "vector": "instant vector", "matrix": "range vector",
              "string": "string"}
