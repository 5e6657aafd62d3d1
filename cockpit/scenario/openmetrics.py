"""Export a SeriesStore as OpenMetrics text that ``promtool tsdb create-blocks-from
openmetrics`` ingests.

This is how a real Prometheus gets the very same history the simulator serves
(cross-check tests, or an engineer who wants the demo data in Grafana).
Families follow OpenMetrics naming: a counter ``foo`` has samples
``foo_total``; a histogram ``foo`` groups ``foo_bucket``/``foo_sum``/``foo_count``
and writes each MetricPoint (all buckets at one time) together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TextIO

from cockpit.scenario.store import SeriesStore, fetch_samples

_RESERVED = ("_count", "_sum", "_created", "_info", "_gcount", "_gsum", "_bucket", "_total")

Series = tuple[str, Mapping[str, str]]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items())) + "}"


def _value(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(v)


def _timestamp(ms: int) -> str:
    """Seconds text that promtool turns back into exactly ``ms`` (it truncates ts*1000)."""
    whole, frac = divmod(ms, 1000)
    text = f"{whole}.{frac:03d}" if frac else str(whole)
    if frac and int(float(text) * 1000) != ms:
        text += "0001"
    return text


def _families(keys: list[Series]) -> list[tuple[str, str, list[Series]]]:
    """(family name, type, series) in a stable order."""
    names = {name for name, _ in keys}
    histograms = {name[:-len("_bucket")] for name, labels in keys
                  if name.endswith("_bucket") and "le" in labels}
    families: dict[str, tuple[str, list[Series]]] = {}
    for name, labels in keys:
        base = next((h for h in histograms if name in (h + "_bucket", h + "_sum", h + "_count")),
                    None)
        if base is not None:
            family, kind = base, "histogram"
        elif name.endswith("_total") and name[:-len("_total")] not in names:
            family, kind = name[:-len("_total")], "counter"
        elif name.endswith(_RESERVED):
            family, kind = name, "unknown"
        else:
            family, kind = name, "gauge"
        families.setdefault(family, (kind, []))[1].append((name, labels))
    return [(family, kind, series) for family, (kind, series) in sorted(families.items())]


def export_openmetrics(store: SeriesStore, start: float, end: float, out: TextIO) -> int:
    """Write every series' samples with start <= t <= end; returns the sample count."""
    written = 0
    for family, kind, series in _families(list(store.series_keys())):
        out.write(f"# TYPE {family} {kind}\n")
        fetched = []
        for name, labels in series:
            times, values = fetch_samples(store, name, labels, start, end)
            fetched.append((name, labels, times, values))
        if kind == "histogram":
            lines = []
            for name, labels, times, values in fetched:
                group = _labels({k: v for k, v in labels.items() if k != "le"})
                order = (0, float(labels["le"])) if "le" in labels else \
                    (1 if name.endswith("_sum") else 2, 0.0)
                for t, v in zip(times, values, strict=True):
                    lines.append(((group, t, order), f"{name}{_labels(labels)} {_value(v)} "
                                                     f"{_timestamp(t)}\n"))
            lines.sort(key=lambda item: item[0])
            out.writelines(line for _, line in lines)
            written += len(lines)
            continue
        for name, labels, times, values in fetched:
            prefix = f"{name}{_labels(labels)} "
            out.writelines(f"{prefix}{_value(v)} {_timestamp(t)}\n"
                           for t, v in zip(times, values, strict=True))
            written += len(times)
    out.write("# EOF\n")
    return written
