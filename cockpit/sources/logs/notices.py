"""Lines cockpit itself adds to a log stream (file rotated, command exited).

They travel with the data they explain, so the engineer sees "file truncated"
right where the gap is. ``container == NOTICE`` marks them for the UI.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cockpit.sources.base import LogLine

NOTICE = "cockpit"


def notice(source: str, text: str, level: str = "info") -> LogLine:
    """A cockpit-made line about ``source``."""
    return LogLine(datetime.now(UTC), source, f"cockpit: {text}", level, NOTICE)


def is_notice(line: LogLine) -> bool:
    return line.container == NOTICE
