"""A log view that costs nothing per line until the line is on screen.

Textual's ``Log`` keeps formatted strings and measures every new line's width
(``cell_len`` after a control-character pass) in a thread worker: under a
flood of 50k lines a second that per-line work, not drawing, was most of the
UI's time, and it shared the GIL with the readers. This view keeps the
:class:`LogLine` objects themselves in a bounded deque, formats only the
lines a frame shows (about one screenful), caches those strips, and measures
width a batch at a time with a cheap ``widest`` (the pane's is ``len`` for
printable ASCII, the common case, measured in C over the whole batch; other
lines are formatted and measured once). Scrolling,
following, selection and the ``lines`` / ``line_count`` reading API behave
like ``Log``'s.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import overload

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from cockpit.sources.base import LogLine

Formatter = Callable[[LogLine], str]


class FormattedLines(Sequence[str]):
    """Read-only, formatted-on-access view of the held lines (what ``Log.lines`` gives)."""

    def __init__(self, lines: deque[LogLine], formatter: Formatter) -> None:
        self._lines, self._format = lines, formatter

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._format(line) for line in list(self._lines)[index]]
        return self._format(self._lines[index])

    def __iter__(self) -> Iterator[str]:
        return (self._format(line) for line in list(self._lines))


class LogView(ScrollView, can_focus=True):
    """Scrollable, bounded, lazily formatted view of log lines."""

    ALLOW_SELECT = True
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $text;
        overflow: scroll;
        &:focus { background-tint: $foreground 5%; }
    }
    """

    auto_scroll: var[bool] = var(True)
    """Follow new lines (only while the view is at the end, like ``Log``)."""

    def __init__(self, formatter: Formatter, *, max_lines: int,
                 widest: Callable[[Sequence[LogLine]], int] | None = None,
                 highlighter: Highlighter | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.formatter = formatter
        self.max_lines = max_lines
        self.highlighter = highlighter
        # the widest of a batch of lines on screen, cheaper than formatting and measuring
        self.widest = widest or (lambda batch: max(cell_len(formatter(ln)) for ln in batch))
        self._lines: deque[LogLine] = deque(maxlen=max_lines)
        self._appended = 0  # lines ever appended: a line's key survives pruning
        self._width = 0
        self._cache: LRUCache[tuple[int, int, int, int], Strip] = LRUCache(512)
        self._frame_style: Style | None = None

    @property
    def lines(self) -> Sequence[str]:
        return FormattedLines(self._lines, self.formatter)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def log_lines(self) -> Sequence[LogLine]:
        return self._lines

    def write(self, batch: Sequence[LogLine], scroll_end: bool | None = None) -> None:
        """Append ``batch``; the oldest lines beyond ``max_lines`` fall out.

        ``scroll_end=None`` follows only while the view is at the end (``auto_scroll``);
        True always scrolls to the newest line (a pane that is following says so even
        when a modal or a prune left the view a line short); False stays put.
        """
        if not batch:
            return
        at_end = self.is_vertical_scroll_end
        if len(batch) > self.max_lines:
            batch = batch[-self.max_lines:]
        self._lines.extend(batch)
        self._appended += len(batch)
        self._width = max(self._width, self.widest(batch))
        self.virtual_size = Size(self._width, len(self._lines))
        follow = self.auto_scroll and at_end if scroll_end is None else scroll_end
        if follow and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        self._lines.clear()
        self._cache.clear()
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def replace(self, lines: Sequence[LogLine], scroll_end: bool | None = None) -> None:
        self._lines.clear()
        self._cache.clear()
        self._width = 0
        self.write(lines, scroll_end)
        if not lines:
            self.virtual_size = Size(0, 0)

    def restyle(self, highlighter: Highlighter | None) -> None:
        self.highlighter = highlighter
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._frame_style = None
        self._cache.clear()

    # -- drawing ---------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # the widget's style walks every ancestor: once a frame, not once a row
        self._frame_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self._frame_style or self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        selection = self.text_selection
        # a line's strip is cached as drawn: same line, position, scroll and width
        key = (self._appended - len(self._lines) + index, index, scroll_x, width)
        if selection is None and (cached := self._cache.get(key)) is not None:
            return cached
        text = Text(self.formatter(self._lines[index]), no_wrap=True, end="")
        text.stylize(style)
        if self.highlighter is not None:
            self.highlighter.highlight(text)
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text.stylize(self.screen.get_component_rich_style("screen--selection"),
                         start, len(text) if end == -1 else end)
        strip = Strip(text.render(self.app.console), text.cell_len)
        strip = strip.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, index)
        if selection is None:
            self._cache[key] = strip
        return strip

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(self.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()
