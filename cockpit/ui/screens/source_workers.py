"""Starting the sources and carrying what they produce to the screen as messages.

Why apart from the main screen: this is plumbing (threads, the log process, timers),
the main screen is routing and journalling. Blocking sources poll in thread workers,
the alert source in an async worker; log lines, and the cluster when it is polled in
the log process, come through the log hub, which a timer drains, so a flood of
lines never floods the message queue.

The plumbing's modules (the hub, the log process, the pollers) are imported when the
sources start, after the first frame: at start-up they were ~10 ms of it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work

from cockpit.sources.base import HealthState, SourceHealth
from cockpit.ui.messages import (
    AlertsChanged,
    ClusterChanged,
    LogBatch,
    MetricsUpdated,
    SourceHealthChanged,
)
from cockpit.ui.screens.engineer_keys import EngineerKeys
from cockpit.ui.widgets.logs import LogsPane

if TYPE_CHECKING:
    from cockpit.ui.log_hub import LogHub

# Every drain scrolls the log view, and a scrolled view is a frame of the whole pane
# (Textual's compositor, ~10-25 ms here): under a flood, 5 drains a second rather than
# 10 took the median key latency from ~45 to ~28 ms (bench keys-under-flood) while the
# stream still moves visibly. A tick takes up to 32000 lines: more than the hub holds by
# default (2 x buffer_lines, 20k), so under a flood each drain takes all that waits and
# the ceiling is the hub's capacity a tick (100k lines/s). At 16000 the ceiling, 80k
# lines/s, was what bench ingest measured once the pipes were widened (8 alternating
# pairs: 73k lines/s as the median at 16000, 86k at 32000); the log view keeps only its
# last 10k of a batch, so a larger batch costs the UI thread little more.
LOG_DRAIN_S = 0.2
LOG_LINES_PER_TICK = 32000
HEALTH_PROBE_S = 5.0


class SourceWorkers(EngineerKeys):
    """The main screen's source plumbing: start, drain, stop."""

    _logs: LogHub

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._wake_metrics = threading.Event()
        self._window_s = 900.0
        self._logs_failed = ""
        self._logs_dropped = 0

    def _make_hub(self) -> None:
        """The log hub; the log process polls the cluster and the alerts too when it can."""
        from cockpit.ui.log_hub import make_hub

        sources, config = self.cockpit.sources, self.cockpit.config
        polled = [(role, name, source, interval) for role, name, source, interval in (
            ("cluster", "kubernetes", sources.cluster, config.kubernetes.refresh_s),
            ("alerts", "alertmanager", sources.alerts, config.alertmanager.refresh_s))
            if source is not None]
        # twice the pane; each drain can take it all (LOG_LINES_PER_TICK, 100k lines/s)
        self._logs = make_hub(sources.logs, 2 * max(config.logs.buffer_lines, 1000),
                              config.logs.max_line_length, polled)

    def _stop_sources(self) -> None:
        self._stop.set()
        self._wake_metrics.set()
        logs: LogHub | None = getattr(self, "_logs", None)  # none if closed before filled
        if logs is not None:  # off the UI thread: followers may take a moment to close
            threading.Thread(target=logs.close, name="cockpit-stop-logs", daemon=True).start()

    def _start_sources(self) -> None:
        from cockpit.ui import feeds

        sources, config, clock = self.cockpit.sources, self.cockpit.config, self.cockpit.clock
        if sources.metrics is not None:
            metrics = sources.metrics

            def fetch_metrics() -> MetricsUpdated:
                window = self._window_s
                end = clock().timestamp()
                return MetricsUpdated(metrics.query_panels(end - window, end, max(window / 240, 1)),
                                      window)

            self._thread(feeds.poll_blocking, self, "metrics", "prometheus", fetch_metrics,
                         metrics.health, config.prometheus.refresh_s, self._stop, clock,
                         self._wake_metrics)
        if sources.cluster is not None and "cluster" not in self._logs.remote:
            self._poll_cluster_here()
        if sources.alerts is not None and "alerts" not in self._logs.remote:
            self._poll_alerts_here()
        if sources.logs or self._logs.remote:
            self._thread(self._start_logs)
        for probe in sources.health:
            self._thread(feeds.probe_health, self, probe, HEALTH_PROBE_S, self._stop)

    def _poll_cluster_here(self) -> None:
        from cockpit.ui import feeds

        cluster, clock = self.cockpit.sources.cluster, self.cockpit.clock
        assert cluster is not None
        self._thread(feeds.poll_blocking, self, "cluster", "kubernetes",
                     lambda: ClusterChanged(cluster.snapshot()), cluster.health,
                     self.cockpit.config.kubernetes.refresh_s, self._stop, clock)

    def _poll_alerts_here(self) -> None:
        from cockpit.ui import feeds

        alerts, config = self.cockpit.sources.alerts, self.cockpit.config
        assert alerts is not None
        self.run_worker(feeds.poll_alerts(self, alerts, config.alertmanager.refresh_s,
                                          self._stop, self.cockpit.clock), group="sources")

    @work(thread=True, group="sources")
    def _thread(self, body: object, *args: object) -> None:
        body(*args)  # type: ignore[operator]

    def _start_logs(self) -> None:
        try:
            self._logs.start()
        except Exception as exc:  # the rest of the cockpit goes on without logs
            from cockpit.sources.logs.pump import describe

            self._logs_failed = f"cannot start the log process: {describe(exc)}"
            if "cluster" in self._logs.remote:  # then the cluster is polled here after all
                self.app.call_from_thread(self._poll_cluster_here)
            if "alerts" in self._logs.remote:
                self.app.call_from_thread(self._poll_alerts_here)

    def _drain_logs(self) -> None:
        logs = self._logs
        for state, error in logs.health_changes():
            self.post_message(SourceHealthChanged(SourceHealth(
                "logs", state, last_error=error, checked_at=self.cockpit.clock()), "logs"))
        if self._logs_failed:
            error, self._logs_failed = self._logs_failed, ""
            self.post_message(SourceHealthChanged(SourceHealth(
                "logs", HealthState.DOWN, last_error=error, checked_at=self.cockpit.clock()),
                "logs"))
        for role, result, health in logs.polled():
            if result is not None:
                self.post_message(ClusterChanged(result) if role == "cluster"
                                  else AlertsChanged(result))
            self.post_message(SourceHealthChanged(health, role))
        lines = logs.drain(LOG_LINES_PER_TICK)
        total_dropped = logs.stats().dropped
        dropped, self._logs_dropped = total_dropped - self._logs_dropped, total_dropped
        if lines or dropped:
            self.post_message(LogBatch(lines, dropped))

    def _show_patterns(self) -> None:
        if self.cockpit.sources.logs:
            snapshot, error = self._logs.patterns()
            self.query_one(LogsPane).show_patterns(snapshot, self.cockpit.incident.opened_at,
                                                   error)

