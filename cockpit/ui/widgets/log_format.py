"""How one log line looks in the pane: ``HH:MM:SS pod L text``, inert, coloured.

``format_line`` runs for every line a frame shows, and ``lines_width`` over every
batch that arrives, so what repeats (pod label, the second, the level) is
computed once, and printable text skips the control-character pass
(``str.isprintable`` is False for every character ``inert`` rewrites, so the
result is the same).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from zlib import crc32

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.text import Text

from cockpit.sources.base import LogLine
from cockpit.ui.inert import inert

LEVELS = ("error", "warn", "info", "debug")
_LINE = re.compile(r"^(\d\d:\d\d:\d\d) (\S+) ([EWID ]) ")
_LEVEL_LETTER = {"E": "error", "W": "warn", "I": "info", "D": "debug", " ": ""}
_POD_COLORS = ("primary", "secondary", "accent", "success", "warning")


_POD_NAME = re.compile(r"^.+-[a-z0-9]{5,10}-([a-z0-9]{5})$")


def short_source(source: str) -> str:
    """``api-gateway-7d9f8c6b5-x2x7q`` → ``x2x7q``; paths and commands by their last part."""
    match = _POD_NAME.match(source)
    if match:
        return match.group(1)
    tail = source.rstrip("/").rsplit("/", 1)[-1]
    return tail if len(tail) <= 24 else "…" + tail[-23:]


_LEVEL_LETTERS = {"": " ", "error": "E", "warn": "W", "info": "I", "debug": "D"}
_CLOCKS: dict[tuple[int, int, int], str] = {}
_INERT_LIMIT = 4096
_SOURCE, _TEXT = itemgetter(1), itemgetter(2)  # LogLine.source, LogLine.text


@lru_cache(maxsize=4096)
def _pod_label(source: str) -> str:
    # shortened first, then made inert: capping a long command source at 80 characters
    # first left labels like "tm…", and the "…" sent every line of it down Rich's slow
    # per-character width path in Log (a third of the UI thread under a flood)
    return inert(short_source(source), 80).replace(" ", "_") or "-"


def _clock(ts: datetime) -> str:
    key = (ts.hour, ts.minute, ts.second)
    text = _CLOCKS.get(key)
    if text is None:
        if len(_CLOCKS) > 4096:
            _CLOCKS.clear()
        text = _CLOCKS[key] = f"{ts:%H:%M:%S}"
    return text


def format_line(line: LogLine) -> str:
    level = _LEVEL_LETTERS.get(line.level) or (line.level or " ")[0].upper()
    text = line.text
    if len(text) > _INERT_LIMIT or not text.isprintable():
        text = inert(text)
    return f"{_clock(line.ts)} {_pod_label(line.source)} {level} {text}"


def line_width(line: LogLine) -> int:
    """Cells ``format_line(line)`` takes, without formatting it when the text is plain ASCII."""
    text = line.text
    if text.isascii() and len(text) <= _INERT_LIMIT and text.isprintable():
        return 12 + len(_pod_label(line.source)) + len(text)  # "HH:MM:SS " label " L "
    return cell_len(format_line(line))


def lines_width(batch: Sequence[LogLine]) -> int:
    """The widest ``line_width`` of ``batch``, in a few C passes when it is plain ASCII.

    Under a flood this runs for every line; a per-line Python call was a third of
    the pane's cost. Exact: the shortcut applies only when every pod label of the
    batch has the same length, otherwise each line is measured.
    """
    texts = list(map(_TEXT, batch))
    joined = "".join(texts)
    longest = max(map(len, texts))
    if joined.isascii() and joined.isprintable() and longest <= _INERT_LIMIT:
        labels = set(map(len, map(_pod_label, set(map(_SOURCE, batch)))))
        if len(labels) == 1:
            return 12 + labels.pop() + longest
    return max(map(line_width, batch))


class LineHighlighter(Highlighter):
    """Colours time, pod (stable colour per pod) and level from the theme's palette."""

    def __init__(self, colors: dict[str, str]) -> None:
        self.colors = colors

    def highlight(self, text: Text) -> None:
        match = _LINE.match(text.plain)
        if match is None:
            return
        text.stylize(self.colors["muted"], *match.span(1))
        pod = match.group(2)
        text.stylize(self.colors[_POD_COLORS[crc32(pod.encode()) % len(_POD_COLORS)]],
                     *match.span(2))
        level = _LEVEL_LETTER[match.group(3)]
        if level in ("error", "warn"):
            style = f"bold {self.colors['error' if level == 'error' else 'warning']}"
            text.stylize(style, match.start(3), len(text))
        elif level == "debug":
            text.stylize(self.colors["muted"], match.start(3))
