"""The log pane: regex filter, bounded buffer with a dropped count, pause, inert hostile text."""

from __future__ import annotations

from textual.widgets import DataTable, Label, RichLog

from cockpit.incident.store import LoadedIncident
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.timeline import TimelinePane
from tests.ui.conftest import AppFactory
from tests.ui.fakes import QueueLogs, ScriptedAlerts, alert, cockpit_config, line
from tests.ui.waiting import filled, until

HOSTILE = ("\x1b[2J\x1b[31mcleared\x1b]52;c;cm0gLXJmIH4=\x07 "
           "evil\u202etxt.exe\u2066 \x9b6n done")


async def test_filter_valid_and_invalid_regex(make_app: AppFactory) -> None:
    logs = QueueLogs()
    logs.batches.put([line("GET /orders 200", "info", second=1),
                      line("upstream TIMEOUT talking to payments", "error", second=2),
                      line("GET /health 200", "debug", second=3)])
    app = make_app(SourceSet(logs=[logs]))
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        pane = app.screen.query_one(LogsPane)
        view = pane.query_one(LogView)
        await until(pilot, lambda: view.line_count == 3, "three lines shown")
        await pilot.press("slash", *"timeout|HEALTH", "enter")
        assert [text.split(" ", 3)[3] for text in view.lines] == [
            "upstream TIMEOUT talking to payments", "GET /health 200"]
        await pilot.press("slash")
        field = pane.query_one("#log-filter")
        field.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"(unclosed", "enter")
        error = pane.query_one("#log-filter-error", Label)
        assert error.display and "invalid regex" in str(error.render())
        assert view.line_count == 2  # the previous filter still applies
        await pilot.press("escape")
        assert not error.display


async def test_buffer_is_bounded_and_counts_dropped_lines(make_app: AppFactory) -> None:
    logs = QueueLogs()
    app = make_app(SourceSet(logs=[logs]), config=cockpit_config(buffer_lines=100))
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        pane = app.screen.query_one(LogsPane)
        for start in range(0, 250, 50):
            logs.batches.put([line(f"line {n}", second=n % 60) for n in range(start, start + 50)])
        await until(pilot, lambda: pane.received == 250, "all lines received")
        view = pane.query_one(LogView)
        assert view.line_count == 100 and len(pane.lines) == 100
        assert view.lines[-1].endswith("line 249")
        await until(pilot, lambda: "150 dropped" in str(pane.border_subtitle), "dropped count")


async def test_pause_and_follow(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        pane = app.screen.query_one(LogsPane)
        await pilot.press("space")
        assert not pane.following and "PAUSED" in str(pane.border_subtitle)
        assert pane.query_one(LogView).auto_scroll is False
        await pilot.press("space")
        assert pane.following


async def test_hostile_text_is_inert_everywhere(make_app: AppFactory,
                                                loaded: LoadedIncident) -> None:
    logs = QueueLogs()
    logs.batches.put([line(HOSTILE, "error", pod="pod-\x1b]0;title\x07x")])
    alerts = ScriptedAlerts([alert(summary=HOSTILE)])
    app = make_app(SourceSet(logs=[logs], alerts=alerts))
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        view = app.screen.query_one(LogsPane).query_one(LogView)
        await until(pilot, lambda: view.line_count == 1, "hostile line shown")
        await pilot.press("n", *"[bold]not markup[/bold]", "enter")
        table = app.screen.query_one("#table-alerts", DataTable)
        await until(pilot, lambda: table.row_count == 1, "hostile alert shown")
        shown = [view.lines[0], str(table.get_row_at(0)[3])]
        timeline = app.screen.query_one(TimelinePane).query_one(RichLog)
        shown.append("".join(seg.text for strip in timeline.lines for seg in strip))
        for text in shown:
            assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
            assert "\u202e" not in text and "\u2066" not in text
        assert "␛]52;c;cm0gLXJmIH4=␇" in view.lines[0]
        assert "evil\\u202etxt.exe\\u2066" in view.lines[0]
        assert "pod-␛]0;title␇x" in view.lines[0]
        assert any("[bold]not markup[/bold]" in text for text in shown)


async def test_following_survives_a_modal_and_pruning(make_app: AppFactory) -> None:
    logs = QueueLogs()
    app = make_app(SourceSet(logs=[logs]), config=cockpit_config(buffer_lines=100))
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        view = app.screen.query_one(LogsPane).query_one(LogView)
        logs.batches.put([line(f"before {n}", "info") for n in range(150)])
        await until(pilot, lambda: view.line_count == 100, "first batch shown")
        await pilot.press("n")  # a note dialog on top while lines keep coming
        for chunk in range(5):
            logs.batches.put([line(f"during {chunk}-{n}", "info") for n in range(40)])
            await pilot.pause(0.15)
        await pilot.press("escape")
        logs.batches.put([line("the newest line", "info")])
        await until(pilot, lambda: "the newest line" in view.lines[-1], "newest line in")
        await until(pilot, lambda: view.is_vertical_scroll_end, "view at the end")


async def test_jump_to_time_pauses_at_the_first_line_of_that_second(make_app: AppFactory) -> None:
    logs = QueueLogs()
    app = make_app(SourceSet(logs=[logs]))
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)
        view = app.screen.query_one(LogsPane).query_one(LogView)
        logs.batches.put([line(f"line {n:02d}", "info", second=n) for n in range(60)])
        await until(pilot, lambda: view.line_count == 60, "lines shown")
        target = app.screen.query_one(LogsPane).lines[20].ts
        await pilot.press("t", *f"{target:%H:%M:%S}", "enter")
        await pilot.pause()
        pane = app.screen.query_one(LogsPane)
        assert pane.following is False
        assert round(view.scroll_y) == 20  # "line 20" is the first line shown
        assert "line 20" in view.lines[round(view.scroll_y)]
        assert pane.jump_to("25:99").startswith("not a time")
        await pilot.press("space")
        assert pane.following is True
