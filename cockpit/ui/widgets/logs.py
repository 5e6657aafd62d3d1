"""Logs pane: the live stream in a :class:`LogView`, with filter, pause and patterns.

The pane keeps its own bounded model of lines (``LogsConfig.buffer_lines``) apart
from the view, so a filter can be re-applied to everything still held, and it
counts every line that fell out (buffer overflow or ingest backpressure) so the
engineer knows the view is not the whole story. Every line is made inert before
it reaches the widget; colours come from the theme through a highlighter.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from time import monotonic
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from cockpit.sources.base import LogLine
from cockpit.ui.inert import inert
from cockpit.ui.widgets.log_format import (
    LEVELS,
    LineHighlighter,
    format_line,
    lines_width,
    short_source,
)
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.pane import Pane, theme_color

if TYPE_CHECKING:
    from cockpit.analysis.pattern_snapshot import PatternSnapshot

__all__ = ["LEVELS", "LogsPane", "format_line", "short_source"]

_SOURCE, _LEVEL = itemgetter(1), itemgetter(3)  # LogLine.source, LogLine.level

COUNTS_EVERY_S = 0.5


class LogsPane(Pane):
    """The live log stream and, beside it, its recurring patterns with counts."""

    PANE_TITLE = "Logs"

    following: reactive[bool] = reactive(True)

    def __init__(self, buffer_lines: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer_lines = buffer_lines
        self.lines: deque[LogLine] = deque(maxlen=buffer_lines)
        self.received = 0
        self.dropped = 0
        self.pattern: re.Pattern[str] | None = None
        self.by_level: Counter[str] = Counter()
        self.by_pod: Counter[str] = Counter()
        self.patterns: PatternSnapshot | None = None
        self.patterns_error = ""
        self.since = datetime.now(UTC)
        self._pattern_rows = -1  # rows in the patterns column (its height follows them)
        self._counts_shown_at = 0.0
        self._counts_timer: Timer | None = None

    def compose_contents(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="log-main"):
                field = Input(placeholder="regex filter (case-insensitive), Enter applies, "
                              "empty clears, Esc closes", id="log-filter")
                field.display = False  # opened by `/`
                yield field
                error = Label("", id="log-filter-error")
                error.display = False  # shown for an invalid regex
                yield error
                yield LogView(format_line, max_lines=self.buffer_lines, widest=lines_width,
                              id="log-view")
            yield Static("", id="log-patterns")

    def after_fill(self) -> None:
        self._apply_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        self.watch_following(self.following)  # follows (or not) and shows the counts

    def focus_target(self) -> Widget:
        return self.query_one(LogView) if self.filled else self

    def _apply_theme(self) -> None:
        names = ("primary", "secondary", "accent", "success", "warning", "error")
        colors = {name: theme_color(self, name) for name in names}
        colors["muted"] = theme_color(self, "foreground-muted")
        self.query_one(LogView).restyle(LineHighlighter(colors))

    def _restyle(self) -> None:
        self._apply_theme()

    # -- data in -------------------------------------------------------------

    def append(self, batch: Sequence[LogLine], dropped_upstream: int = 0) -> None:
        overflow = max(0, len(self.lines) + len(batch) - self.buffer_lines)
        self.dropped += overflow + dropped_upstream
        self.received += len(batch) + dropped_upstream
        self.lines.extend(batch)
        levels = Counter(map(_LEVEL, batch))  # in C: this runs for every line of a flood
        unknown = levels.pop("", 0)
        if unknown:
            levels["other"] += unknown
        self.by_level.update(levels)
        self.by_pod.update(map(_SOURCE, batch))
        shown = batch if self.pattern is None else [ln for ln in batch if self._matches(ln)]
        if shown:
            self.query_one(LogView).write(shown, scroll_end=self.following)
        self._counts_changed()

    def _counts_changed(self) -> None:
        """Line counts in the border and the level counts beside the stream, at most
        every COUNTS_EVERY_S: a new border or column dirties the whole pane, and under a
        flood repainting it on every drain cost more than the stream itself."""
        waited = monotonic() - self._counts_shown_at
        if waited >= COUNTS_EVERY_S:
            self._show_counts()
        elif self._counts_timer is None:
            self._counts_timer = self.set_timer(COUNTS_EVERY_S - waited, self._show_counts)

    def _show_counts(self) -> None:
        self._counts_timer = None
        self._counts_shown_at = monotonic()
        self._show_patterns()
        self.refresh_subtitle()

    def _matches(self, line: LogLine) -> bool:
        if self.pattern is None:
            return True
        return bool(self.pattern.search(line.text) or self.pattern.search(line.source))

    def _rewrite(self) -> None:
        self.query_one(LogView).replace([line for line in self.lines if self._matches(line)],
                                        scroll_end=self.following)

    def show_patterns(self, snapshot: PatternSnapshot | None, since: datetime,
                      error: str = "") -> None:
        """New templates from the pattern worker (called on the screen's timer)."""
        self.patterns, self.since, self.patterns_error = snapshot, since, error
        self._show_patterns()

    def _show_patterns(self) -> None:
        from cockpit.ui.widgets.patterns_view import render_patterns  # not before the 1st frame

        names = ("warning", "error", "accent")
        colors = {name: theme_color(self, name) for name in names}
        colors["muted"] = theme_color(self, "foreground-muted")
        view = self.query_one("#log-patterns", Static)
        text = render_patterns(self.patterns, self.since, self.by_level, colors,
                               error=self.patterns_error, width=max(20, view.size.width - 2))
        # the column's width is fixed: a new layout is needed only when its height changes
        rows = text.plain.count("\n")
        view.update(text, layout=rows != self._pattern_rows)
        self._pattern_rows = rows

    def live_subtitle(self) -> str:
        parts = [f"{len(self.lines):,} lines"]
        if self.dropped:
            parts.append(f"{self.dropped:,} dropped")
        if self.pattern is not None:
            parts.append(f"filter /{inert(self.pattern.pattern, 40)}/")
        parts.append("following" if self.following else "PAUSED (space)")
        return " · ".join(parts)

    # -- filter and follow ---------------------------------------------------

    def open_filter(self) -> None:
        field = self.query_one(Input)
        field.display = True
        field.value = self.pattern.pattern if self.pattern else ""
        field.focus()

    @on(Input.Submitted, "#log-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_filter(event.value)

    def set_filter(self, expression: str) -> bool:
        """Apply ``expression`` (empty clears); an invalid regex is shown, not applied."""
        error = self.query_one("#log-filter-error", Label)
        try:
            pattern = re.compile(expression, re.IGNORECASE) if expression else None
        except re.error as exc:
            error.update(Text(f"invalid regex: {exc}", style=theme_color(self, "error")))
            error.display = True
            return False
        error.display = False
        self.pattern = pattern
        self.query_one(Input).display = False
        self.query_one(LogView).focus()
        self._rewrite()
        self.refresh_subtitle()
        return True

    def jump_to(self, text: str) -> str:
        """Scroll to the first shown line at or after ``text`` (UTC time of day) and pause."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", text)
        if match is None:
            return f"not a time: {inert(text, 40)!r} (use HH:MM or HH:MM:SS)"
        shown = [line for line in self.lines if self._matches(line)]
        if not shown:
            return "no log lines to jump in"
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            return f"not a time: {inert(text, 40)!r}"
        newest = shown[-1].ts.astimezone(UTC)
        target = newest.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if target > newest:
            target -= timedelta(days=1)  # 23:50 asked just after midnight: yesterday
        index = next((i for i, line in enumerate(shown) if line.ts >= target), len(shown) - 1)
        log = self.query_one(LogView)
        first_held = len(shown) - log.line_count  # the view holds the newest lines only
        if index < first_held:
            index = first_held
            note = f"; the oldest line still held is {shown[index].ts:%H:%M:%S}"
        else:
            note = ""
        self.following = False
        log.scroll_to(y=index - first_held, animate=False)
        return f"logs at {shown[index].ts:%H:%M:%S} UTC (paused: space follows){note}"

    def close_filter(self) -> None:
        self.query_one(Input).display = False
        self.query_one("#log-filter-error", Label).display = False
        self.query_one(LogView).focus()

    def key_escape(self) -> None:
        if self.query_one(Input).display:
            self.close_filter()

    def toggle_follow(self) -> None:
        self.following = not self.following

    def watch_following(self, following: bool) -> None:
        if not self.filled:
            return  # the view follows from the start
        log = self.query_one(LogView)
        log.auto_scroll = following
        if following:
            log.scroll_end(animate=False)
        self.refresh_subtitle()
