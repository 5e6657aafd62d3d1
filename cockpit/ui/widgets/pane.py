"""What every pane shares: a titled border, zoom, focus, and a stale marker.

A pane whose source failed keeps its last data and says so in its border
(``stale: <reason>``), so the engineer never mistakes old numbers for live ones.
"""

from __future__ import annotations

from typing import Any

from textual.color import Color, ColorParseError
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget


def theme_color(widget: Widget, name: str, fallback: str = "foreground") -> str:
    """A colour from the active theme as ``#rrggbb`` (cockpit never hard-codes colours).

    Translucent theme colours (``foreground-muted``) are blended onto the
    background, since Rich styles take opaque colours only.
    """
    variables = widget.app.theme_variables
    value = variables.get(name) or variables.get(fallback) or "#808080"
    try:
        color = Color.parse(value)
        if color.a < 1:
            color = Color.parse(variables.get("background", "#000000")) + color
    except ColorParseError:
        return ""
    return color.hex6


def theme_rgb(widget: Widget, name: str) -> tuple[int, int, int]:
    """The same colour as an RGB triple (for plotext)."""
    color = Color.parse(theme_color(widget, name) or "#808080")
    return (color.r, color.g, color.b)


class Pane(Vertical, can_focus=True):
    """A bordered, zoomable region of the main screen."""

    ALLOW_MAXIMIZE = True
    PANE_TITLE = ""

    #: Why the data shown is old ("" when it is live).
    stale: reactive[str] = reactive("")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The title is set at construction, not on mount, so it is on the first frame.
        cls.BORDER_TITLE = cls.PANE_TITLE

    def watch_stale(self, reason: str) -> None:
        self.set_class(bool(reason), "-stale")
        self.border_subtitle = f"stale: {reason}" if reason else self.live_subtitle()

    def live_subtitle(self) -> str:
        """What the border shows when the data is live (override per pane)."""
        return ""

    def refresh_subtitle(self) -> None:
        if not self.stale:
            self.border_subtitle = self.live_subtitle()

    def focus_target(self) -> Widget:
        """The widget ``tab`` focuses in this pane."""
        return self
