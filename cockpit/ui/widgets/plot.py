"""A plotext plot that builds its figure once per change, not on every repaint.

Why: ``PlotextPlot.render`` runs plotext's ``build`` and parses the ANSI it returns
(~20 ms a plot here) every time Textual asks, and Textual asks on every layout of
the screen: a timeline line, a cluster table growing or a patterns update re-rendered
all four plots (~100 ms on the UI thread, keys waiting behind it). This plot keeps
the rendered text until :meth:`redraw` is called or its size or the theme change.

Imported only where plots are composed: plotext costs ~50 ms to import.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual_plotext import PlotextPlot


class CachedPlot(PlotextPlot):
    """Call :meth:`redraw` after changing ``plt``; repaints reuse the built figure."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._drawn = 0  # bumped by redraw
        self._cached: tuple[tuple[Size, str, int], Any] | None = None

    def redraw(self) -> None:
        """The figure changed: build it on the next render."""
        self._drawn += 1
        self.refresh()

    def render(self) -> Any:
        key = (self.size, self.app.theme, self._drawn)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, super().render())
        text = self._cached[1]
        return text.copy() if isinstance(text, Text) else text
