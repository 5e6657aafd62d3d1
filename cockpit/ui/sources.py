"""What the app is given to watch: one optional source of each kind.

The lead wires real sources (or the demo simulator) into a :class:`SourceSet`;
tests wire small in-test implementations of the same Protocols. The app never
imports a client library itself, so its first frame does not wait for one.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct, field

from cockpit.sources.base import AlertSource, ClusterSource, LogSource, MetricSource, SourceHealth


class SourceSet(Struct):
    """The data sources behind one cockpit session (any of them may be absent)."""

    metrics: MetricSource | None = None
    alerts: AlertSource | None = None
    cluster: ClusterSource | None = None
    logs: list[LogSource] = field(default_factory=list)
    #: Extra health probes (logs, llm, ...) polled for the header's at-a-glance view.
    health: list[Callable[[], SourceHealth]] = field(default_factory=list)
