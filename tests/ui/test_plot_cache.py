"""The metrics plot is built once per change: repaints reuse it, a redraw or a resize rebuilds."""

from __future__ import annotations

from textual.app import App, ComposeResult

from cockpit.ui.widgets.plot import CachedPlot


class PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CachedPlot()


def plot_text(plot: CachedPlot) -> str:
    return "\n".join(strip.text for strip in plot.render_lines(plot.region.reset_offset))


async def test_repaints_reuse_the_figure_and_redraw_shows_new_data() -> None:
    app = PlotApp()
    async with app.run_test(size=(60, 12)) as pilot:
        plot = app.query_one(CachedPlot)
        builds = 0
        build = plot.plt.build

        def counted() -> str:
            nonlocal builds
            builds += 1
            return build()

        plot.plt.build = counted  # type: ignore[method-assign]
        plot.plt.plot([0, 1, 2], [1, 1, 1])
        plot.redraw()
        await pilot.pause()
        flat = plot_text(plot)
        built = builds
        assert built >= 1
        for _ in range(3):  # repaints of an unchanged figure (what a screen layout asks for)
            plot.refresh()
            await pilot.pause()
        assert builds == built, "a repaint rebuilt an unchanged figure"
        plot.plt.clear_data()
        plot.plt.plot([0, 1, 2], [0, 5, 10])
        plot.redraw()
        await pilot.pause()
        assert builds == built + 1
        assert plot_text(plot) != flat, "the redrawn plot still shows the old data"
        await pilot.resize_terminal(80, 14)
        await pilot.pause()
        assert builds == built + 2, "a resized plot was not rebuilt at its new size"
