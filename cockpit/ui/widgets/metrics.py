"""Metrics pane: one plot per configured panel, threshold drawn, deploys and alerts marked.

The screen sets ``panels`` and ``markers`` (attributes down); the pane only draws.
The x axis is minutes before now, so the most recent value is always at the right.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.reactive import reactive
from textual.widgets import Label

from cockpit.sources.base import PanelData
from cockpit.ui.detect import breached
from cockpit.ui.inert import inert
from cockpit.ui.widgets.pane import Pane, theme_color, theme_rgb

WINDOWS: tuple[tuple[str, float], ...] = (("15m", 900.0), ("1h", 3600.0), ("3h", 10800.0),
                                           ("6h", 21600.0))
#: (unix seconds, "deploy" | "alert")
Marker = tuple[float, str]


def format_value(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "s":
        return f"{value * 1000:.0f}ms" if abs(value) < 1 else f"{value:.2f}s"
    if unit == "bytes":
        for suffix in ("B", "KiB", "MiB", "GiB"):
            if abs(value) < 1024:
                return f"{value:.0f}{suffix}"
            value /= 1024
        return f"{value:.1f}TiB"
    if unit == "%":
        return f"{value:.1f}%"
    suffix = "/s" if unit == "req/s" else (f" {unit}" if unit else "")
    return f"{value:.4g}{suffix}"


class PanelView(Vertical):
    """One panel: a caption with the current value and change, and its plot."""

    DEFAULT_CSS = "PanelView { height: 1fr; } PanelView > Label { width: 1fr; }"

    def __init__(self, name: str, title: str) -> None:
        super().__init__(classes="panel-view")
        self.panel_name = name
        self.title = title

    def compose(self) -> ComposeResult:
        # plotext costs ~50 ms to import: only a screen with panels pays for it.
        from cockpit.ui.widgets.plot import CachedPlot

        yield Label(Text(inert(self.title, 80)), classes="panel-caption")
        yield CachedPlot()

    def show(self, panel: PanelData | None, markers: Sequence[Marker], window_label: str) -> None:
        caption = self.query_one(".panel-caption", Label)
        from cockpit.ui.widgets.plot import CachedPlot  # imported by compose already

        plot = self.query_one(CachedPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        text = Text(inert(panel.title if panel else self.title, 80), style="bold", no_wrap=True)
        if panel is None or not panel.series or not panel.series[0].points:
            reason = inert(panel.error, 200) if panel and panel.error else "no data yet"
            text.append(f"  {reason}", style=theme_color(self, "foreground-muted"))
            caption.update(text, layout=False)  # one row, always: no screen-wide layout
            plot.redraw()
            return
        points = panel.series[0].points
        value, first = points[-1][1], points[0][1]
        bad = panel.threshold is not None and breached(value, panel.threshold, panel.direction)
        text.append(f"  {format_value(value, panel.unit)}",
                    style=f"bold {theme_color(self, 'error' if bad else 'success')}")
        change = value - first
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        text.append(f" {arrow}{format_value(abs(change), panel.unit)}/{window_label}",
                    style=theme_color(self, "foreground-muted"))
        caption.update(text, layout=False)
        end = panel.end
        xs = [(ts - end) / 60 for ts, _ in points]
        plt.plot(xs, [v for _, v in points], marker="braille", color=theme_rgb(self, "primary"))
        if panel.threshold is not None:
            plt.hline(panel.threshold, color=theme_rgb(self, "error"))
        for ts, kind in markers:
            if panel.start <= ts <= end:
                plt.vline((ts - end) / 60,
                          color=theme_rgb(self, "accent" if kind == "deploy" else "warning"))
        plt.xlim((panel.start - end) / 60, 0)
        plt.xlabel("")
        plot.redraw()


class MetricsPane(Pane):
    """All panels over one selectable window (15m / 1h / 3h / 6h)."""

    PANE_TITLE = "Metrics"

    panels: reactive[tuple[PanelData, ...]] = reactive(tuple, always_update=True)
    #: compared, not always updated: the screen sets it on every journal event, and a
    #: redraw of every plot held keys up for ~100 ms each time (bench keys-under-fault)
    markers: reactive[tuple[Marker, ...]] = reactive(tuple)
    window_index: reactive[int] = reactive(0)

    def __init__(self, panel_titles: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._titles = list(panel_titles)

    @property
    def window_s(self) -> float:
        return WINDOWS[self.window_index][1]

    def compose_contents(self) -> ComposeResult:
        with Grid(id="panel-grid"):
            for name, title in self._titles:
                yield PanelView(name, title)

    def live_subtitle(self) -> str:
        return f"window {WINDOWS[self.window_index][0]} (w)"

    def cycle_window(self) -> None:
        self.window_index = (self.window_index + 1) % len(WINDOWS)

    def watch_stale(self, reason: str) -> None:
        super().watch_stale(reason)
        if reason:  # `w` still works while Prometheus is down: show which window it chose
            self.border_subtitle = f"{self.live_subtitle()} · stale: {reason}"

    def watch_window_index(self) -> None:
        self.watch_stale(self.stale)

    def watch_panels(self) -> None:
        self._redraw()

    def watch_markers(self) -> None:
        self._redraw()

    def after_fill(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted or not self.filled:
            return  # drawn by after_fill
        by_name = {p.name: p for p in self.panels}
        views = {v.panel_name: v for v in self.query(PanelView)}
        for panel in self.panels:
            if panel.name not in views:  # a panel the config did not list
                view = PanelView(panel.name, panel.title)
                self.query_one("#panel-grid", Grid).mount(view)
                views[panel.name] = view
                self.call_after_refresh(self._redraw)
                return
        label = WINDOWS[self.window_index][0]
        for name, view in views.items():
            if view.is_mounted and view.children:
                view.show(by_name.get(name), self.markers, label)
