"""What every pane shares: a titled border, zoom, focus, a stale marker, and late contents.

A pane whose source failed keeps its last data and says so in its border
(``stale: <reason>``), so the engineer never mistakes old numbers for live ones.

A pane starts as its titled border alone: composing and styling the tables, logs
and plots inside took ~0.6 s of CPU at start, and Textual writes nothing until
the whole screen is mounted. The screen calls :meth:`Pane.fill` after the first
frame; until then each pane keeps what it is given and shows it once filled.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.color import Color, ColorParseError
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


class Pane(Widget, can_focus=True):
    """A bordered, zoomable region of the main screen."""

    ALLOW_MAXIMIZE = True
    PANE_TITLE = ""

    #: Why the data shown is old ("" when it is live).
    stale: reactive[str] = reactive("")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The title is set at construction, not on mount, so it is on the first frame.
        cls.BORDER_TITLE = cls.PANE_TITLE

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: True once the contents are mounted (see :meth:`fill`).
        self.filled = False
        self._filling = False

    def compose(self) -> ComposeResult:
        if self._filling:
            yield from self.compose_contents()

    def compose_contents(self) -> ComposeResult:
        """The pane's widgets, mounted by :meth:`fill` (override per pane)."""
        yield from ()

    async def fill(self) -> None:
        """Mount the contents (once), then show what the pane was given meanwhile."""
        if self._filling:
            return
        self._filling = True
        await self.recompose()
        if not self.app.is_running or not self.is_attached:
            return  # the app is closing: nothing was mounted
        self.filled = True
        self.after_fill()

    def after_fill(self) -> None:
        """Called once the contents are mounted (override to show held state)."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._mark_stale())

    def watch_stale(self, reason: str) -> None:
        self._mark_stale()
        self.border_subtitle = f"stale: {reason}" if reason else self.live_subtitle()

    def _mark_stale(self) -> None:
        """The border in the theme's error colour while stale.

        Set as the pane's own inline style, not a CSS class: a class change restyles
        every widget inside the pane (the cluster pane's tables: 50-90 ms on the UI
        thread, and a key waited behind it each time a source went down or came back),
        an inline border repaints the border alone.
        """
        styles = self.styles
        if self.stale:
            error = theme_color(self, "error")
            styles.border = ("round", error)
            styles.border_subtitle_color = error
            styles.border_subtitle_style = "bold"
        else:  # back to the stylesheet's border (focused or not)
            styles.border = None
            styles.border_subtitle_color = None
            styles.border_subtitle_style = None

    def live_subtitle(self) -> str:
        """What the border shows when the data is live (override per pane)."""
        return ""

    def refresh_subtitle(self) -> None:
        if not self.stale:
            self.border_subtitle = self.live_subtitle()

    def focus_target(self) -> Widget:
        """The widget ``tab`` focuses in this pane."""
        return self
