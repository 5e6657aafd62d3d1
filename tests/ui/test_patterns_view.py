"""The log pane's patterns view: biggest groups first, NEW ones marked, fed by the miner."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from textual.widgets import Static

from cockpit.analysis.patterns import PatternMiner
from cockpit.incident.store import LoadedIncident
from cockpit.sources.base import LogLine
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.patterns_view import message_part, render_patterns
from tests.ui.conftest import AppFactory
from tests.ui.fakes import QueueLogs
from tests.ui.waiting import filled, until

T0 = datetime(2024, 1, 15, 10, 20, tzinfo=UTC)


def test_new_templates_are_marked_and_prefixes_cut() -> None:
    miner = PatternMiner()
    for i in range(300):  # healthy traffic from the start
        miner.add(LogLine(T0 + timedelta(seconds=i), "api-gateway-7d9f8c6b5-x2x7q",
                          f"INFO [http-nio-8080-exec-{i % 9}] c.e.gateway.access - GET /orders/{i}"
                          f" status=200 duration={i % 40}ms", "info"))
    for i in range(847):  # the incident: a template that did not exist before
        miner.add(LogLine(T0 + timedelta(minutes=8, seconds=i / 4), "api-gateway-7d9f8c6b5-x2x7q",
                          f"WARN [http-nio-8080-exec-{i % 9}] c.e.gateway.db.ConnectionManager - "
                          f"connection timeout after {3000 + i % 7}ms", "warn"))
    text = render_patterns(miner.snapshot(), T0, Counter({"warn": 847, "info": 300}), {},
                           width=120).plain
    lines = text.splitlines()
    assert lines[0] == "847 warn 300 info"
    assert lines[1].startswith("847× ") and lines[1].endswith(" NEW")
    assert lines[2] == "  connection timeout after <DUR>"
    assert lines[3].startswith("300× ") and "NEW" not in lines[3]
    assert lines[4] == "  GET <PATH> status=<NUM> duration=<DUR>"
    assert message_part("INFO [t-1] a.b.C - hello <NUM>") == "hello <NUM>"


def test_narrow_columns_truncate_instead_of_wrapping() -> None:
    miner = PatternMiner()
    miner.add(LogLine(T0, "p", "x" * 200 + " end", "info"))
    text = render_patterns(miner.snapshot(), T0, Counter(), {}, width=40).plain
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "…" in text


async def test_the_pane_shows_the_miners_groups(make_app: AppFactory,
                                                loaded: LoadedIncident) -> None:
    logs = QueueLogs()
    now = datetime.now(UTC)
    logs.batches.put([LogLine(now, "api-gateway-7d9f8c6b5-x2x7q",
                              f"ERROR upstream payments-db refused connection id={i}", "error")
                      for i in range(50)])
    app = make_app(SourceSet(logs=[logs]))
    async with app.run_test(size=(140, 40)) as pilot:
        await filled(app)
        view = app.screen.query_one(LogsPane).query_one("#log-patterns", Static)
        await until(pilot, lambda: "50×" in str(view.render()), "patterns shown", timeout=60)
        assert "  upstream payments-db" in str(view.render())
