"""Messages that carry source data up to the screen (attributes down, messages up).

High-rate messages coalesce: a newer ``MetricsUpdated`` or ``ClusterChanged``
replaces one still waiting in the queue, so a slow frame never builds a backlog.
"""

from __future__ import annotations

from textual.message import Message

from cockpit.incident.model import Event, Hypothesis
from cockpit.sources.base import Alert, ClusterSnapshot, LogLine, PanelData, SourceHealth


class MetricsUpdated(Message):
    def __init__(self, panels: list[PanelData], window_s: float) -> None:
        super().__init__()
        self.panels = panels
        self.window_s = window_s

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MetricsUpdated)


class AlertsChanged(Message):
    def __init__(self, alerts: list[Alert]) -> None:
        super().__init__()
        self.alerts = alerts

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AlertsChanged)


class ClusterChanged(Message):
    def __init__(self, snapshot: ClusterSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ClusterChanged)


class LogBatch(Message):
    """Lines drained from the ingest queue in one timer tick."""

    def __init__(self, lines: list[LogLine], dropped: int = 0) -> None:
        super().__init__()
        self.lines = lines
        self.dropped = dropped


class SourceHealthChanged(Message):
    """A source's health after a poll; ``role`` names the pane it feeds."""

    def __init__(self, health: SourceHealth, role: str = "other") -> None:
        super().__init__()
        self.health = health
        self.role = role  # "metrics" | "alerts" | "cluster" | "logs" | "other"


class TimelineChanged(Message):
    """An event reached the journal (posted on every successful append)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class HypothesesUpdated(Message):
    def __init__(self, hypotheses: list[Hypothesis]) -> None:
        super().__init__()
        self.hypotheses = hypotheses


class HypothesisVerdict(Message):
    """The engineer confirmed or refuted a hypothesis (posted by the analysis pane)."""

    def __init__(self, hypothesis: Hypothesis, confirmed: bool) -> None:
        super().__init__()
        self.hypothesis = hypothesis
        self.confirmed = confirmed


class AnalysisRequested(Message):
    """The engineer asked for an analysis (``i``); the analysis work answers it."""
