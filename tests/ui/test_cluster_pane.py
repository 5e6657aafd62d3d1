"""The cluster pane redraws a table only when what it shows changes, and says ages as kubectl."""

from __future__ import annotations

from datetime import timedelta

from msgspec.structs import replace
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from cockpit.ui.widgets.cluster import ClusterPane, age
from tests.ui.fakes import NOW, snapshot


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ClusterPane("api-gateway", id="cluster")

    async def on_mount(self) -> None:
        await self.query_one(ClusterPane).fill()


def _rows(table: DataTable[Text | str]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_poll_with_nothing_new_leaves_the_tables_alone() -> None:
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(ClusterPane)
        pane.now = NOW
        pane.snapshot = snapshot(3)
        await pilot.pause()
        pods: DataTable[Text | str] = pane.query_one("#table-pods", DataTable)
        keys = list(pods.rows)
        pane.snapshot = snapshot(3)  # the next poll: equal data, a new object
        await pilot.pause()
        assert list(pods.rows) == keys  # not rebuilt: the same row keys
        pane.snapshot = snapshot(4)  # a pod crash-loops now
        await pilot.pause()
        assert list(pods.rows) != keys
        assert ["api-gateway-7d9f-fghij", "CrashLoopBackOff", "4", "OOMKilled", "132m"] in \
            _rows(pods)


async def test_a_colour_change_alone_is_shown() -> None:
    """A pod turning ready keeps its phase text: the row must still be redrawn."""
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(ClusterPane)
        pane.now = NOW
        first = snapshot(3)
        unready = replace(first, pods=tuple(
            replace(p, ready=False) for p in first.pods))
        pane.snapshot = unready
        await pilot.pause()
        pods: DataTable[Text | str] = pane.query_one("#table-pods", DataTable)

        def phase_styles() -> list[str]:
            cells = [pods.get_row_at(i)[1] for i in range(pods.row_count)]
            return [str(cell.style) if isinstance(cell, Text) else "" for cell in cells]

        assert all(phase_styles())  # not ready: coloured as an error
        pane.snapshot = first
        await pilot.pause()
        assert not any(phase_styles())


def test_ages_read_like_kubectl() -> None:
    cases = {5: "5s", 119: "119s", 125: "2m5s", 600: "10m", 179 * 60: "179m", 3 * 3600: "3h",
             3 * 3600 + 300: "3h5m", 30 * 3600: "30h", 50 * 3600: "2d2h", 30 * 86400: "30d",
             800 * 86400: "2y70d", 9 * 365 * 86400: "9y"}
    assert {s: age(NOW + timedelta(seconds=s), NOW) for s in cases} == cases
    assert age(NOW - timedelta(seconds=5), NOW) == "0s"  # a clock a little behind: not negative
