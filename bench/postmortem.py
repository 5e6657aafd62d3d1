"""Benchmark 6, post-mortem: a 4-hour incident, 5,000 events, 200 alert flaps → MD + JSON.

Baseline in the same run: encoding the same events as journal lines (the
least any report must do: touch every event once).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bench.common import Check, Result, median
from cockpit.incident.journal import encode_event
from cockpit.incident.model import Event, EventKind, Hypothesis, Incident
from cockpit.incident.postmortem import render_all

EVENTS = 5_000
FLAPS = 200
HOURS = 4


def big_incident() -> Incident:
    """A realistic mix: flapping alerts, breaches, outages, notes, hypotheses, actions."""
    t0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    step = timedelta(hours=HOURS) / EVENTS
    opened = Event(t0, EventKind.INCIDENT_OPENED, "alice", "Incident opened: checkout 5xx",
                   {"title": "checkout 5xx", "severity": "SEV2", "status": "investigating",
                    "services": ["api-gateway", "payments"], "commander": "alice"})
    events = [opened]
    hyp = Hypothesis("h1", "bad deploy api-gateway v2.14", "api-gateway", 0.82,
                     ("5xx rose 40s after the rollout",), "rollback api-gateway")
    for number in range(1, EVENTS):
        ts = t0 + step * number
        if number <= FLAPS * 2:  # 200 flaps: fired / resolved pairs, spread over the hours
            kind = EventKind.ALERT_FIRED if number % 2 else EventKind.ALERT_RESOLVED
            ts = t0 + timedelta(hours=HOURS) * (number / (FLAPS * 2.2))
            data = {"alertname": f"HighErrorRate{number % 3}", "starts_at": ts.isoformat()}
            text = f"Alert {data['alertname']} {'fired' if number % 2 else 'resolved'}"
        elif number % 7 == 0:
            kind, data, text = EventKind.NOTE, {}, f"note {number}: checked dashboards"
        elif number % 11 == 0:
            kind, data, text = EventKind.SOURCE_DOWN, {"source": "prometheus",
                                                       "error": "timeout"}, "prometheus down"
        elif number % 11 == 1:
            kind, data, text = EventKind.SOURCE_RECOVERED, {"source": "prometheus"}, "back"
        elif number % 13 == 0:
            kind, data, text = EventKind.HYPOTHESIS_PROPOSED, {"hypothesis": hyp.to_data()}, \
                "proposed"
        else:
            kind = EventKind.METRIC_BREACH
            data = {"panel": "error_ratio", "value": 0.05 + number % 17 / 100}
            text = f"error_ratio {data['value']:.2f} above 0.05"
        events.append(Event(ts, kind, "cockpit" if kind != EventKind.NOTE else "bob", text,
                            data))
    events.sort(key=lambda e: e.ts)
    end = t0 + timedelta(hours=HOURS)
    events += [Event(end, EventKind.HYPOTHESIS_CONFIRMED, "alice", "Confirmed",
                     {"id": "h1", "hypothesis": hyp.to_data(), "reason": "rollback fixed it"}),
               Event(end, EventKind.STATUS_CHANGED, "alice", "resolved",
                     {"from": "investigating", "to": "resolved"})]
    return Incident.from_events("bench-incident", events)


def run(quick: bool) -> Result:
    incident = big_incident()
    now = incident.events[-1].ts
    rounds = 3 if quick else 7
    times: list[float] = []
    base: list[float] = []
    sizes = (0, 0)
    for _ in range(rounds):
        started = time.perf_counter()
        for event in incident.events:
            encode_event(event)
        base.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        markdown, as_json = render_all(incident, now=now)
        times.append((time.perf_counter() - started) * 1000)
        sizes = (len(markdown), len(as_json))
    figure, baseline = median(times), median(base)
    return Result("postmortem", checks=[
        Check("Markdown + JSON", figure, 500.0, "ms", baseline=baseline,
              ratio=figure / baseline if baseline else None),
    ], details={"events": len(incident.events), "flaps": FLAPS, "hours": HOURS,
                "rounds": rounds, "markdown_chars": sizes[0], "json_chars": sizes[1],
                "baseline": "encode_event over the same events"})
