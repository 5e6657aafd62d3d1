"""The log view: bounded, formats only what it draws, follows, scrolls sideways, inert."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection

from cockpit.sources.base import LogLine
from cockpit.ui.widgets.log_format import format_line, line_width, lines_width
from cockpit.ui.widgets.log_view import LogView

NOW = datetime(2026, 11, 29, 3, 0, 0, tzinfo=UTC)


def _line(text: str, pod: str = "api-gateway-7d9f8c6b5-x2x7q") -> LogLine:
    return LogLine(NOW, pod, text, "info")


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView(format_line, max_lines=100, widest=lines_width, id="view")


def _screen_text(view: LogView) -> list[str]:
    return ["".join(seg.text for seg in view.render_line(y)).rstrip()
            for y in range(view.size.height)]


async def test_keeps_the_newest_lines_and_follows_them() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.write([_line(f"line {n}") for n in range(250)])
        await pilot.pause()
        assert view.line_count == 100
        assert view.lines[0].endswith("line 150") and view.lines[-1].endswith("line 249")
        assert view.is_vertical_scroll_end
        shown = _screen_text(view)
        assert any(row.endswith("line 249") for row in shown)
        assert not any(row.endswith("line 150") for row in shown)


async def test_paused_view_stays_put_while_lines_arrive() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.write([_line(f"line {n}") for n in range(50)])
        await pilot.pause()
        view.scroll_to(y=0, animate=False)
        await pilot.pause()
        view.write([_line(f"more {n}") for n in range(5)], scroll_end=False)
        await pilot.pause()
        assert round(view.scroll_y) == 0
        assert _screen_text(view)[0].endswith("line 0")


async def test_width_covers_wide_and_escaped_text_for_sideways_scrolling() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(LogView)
        wide = "界" * 50  # 100 cells, 50 characters
        hostile = "\x1b[2J" * 20  # made visible by inert, wider than the raw text
        view.write([_line("short"), _line(wide), _line(hostile)])
        await pilot.pause()
        widest = max(line_width(line) for line in (_line(wide), _line(hostile)))
        assert view.virtual_size.width >= widest >= len(format_line(_line(wide))) + 50
        view.scroll_to(x=view.max_scroll_x, y=0, animate=False)
        await pilot.pause()
        tail = "".join(seg.text for seg in view.render_line(1))
        assert "界" in tail  # the end of the wide line can be scrolled to
        assert "\x1b" not in "".join(_screen_text(view))


async def test_selection_copies_the_formatted_text() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.write([_line("first"), _line("second")])
        await pilot.pause()
        text, ending = view.get_selection(Selection(Offset(0, 0), Offset(999, 1))) or ("", "")
        assert text.splitlines()[0] == format_line(_line("first"))
        assert "second" in text and ending == "\n"


async def test_a_tab_reaches_the_screen_as_spaces() -> None:
    """A raw tab would move the terminal's cursor to its next tab stop and shift the row."""
    app = ViewApp()
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(LogView)
        frame = "\tat com.example.pool.Pool.borrow(Pool.java:42)"
        view.write([_line("java.sql.SQLTransientConnectionException: timeout"), _line(frame)])
        await pilot.pause()
        rows = _screen_text(view)
        assert not any("\t" in row for row in rows)
        assert rows[1].endswith("    at com.example.pool.Pool.borrow(Pool.java:42)")
        assert view.virtual_size.width >= len(rows[1].rstrip())
