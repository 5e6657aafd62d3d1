"""Showing text that came from outside (logs, alerts, pod names, notes) as inert.

Never markup, never raw control sequences: an ESC, OSC 52 or bidi override in
a log line is shown as a visible escape instead of reaching the terminal, and a
tab is expanded to spaces.
"""

from __future__ import annotations

from rich.text import Text

from cockpit.incident.markdown import visible_controls

TAB_SIZE = 4


def inert(text: object, limit: int = 4096) -> str:
    """``text`` with control and direction characters made visible, capped at ``limit``.

    Tabs (a Java stack frame starts with one) become spaces: written raw, a tab moves
    the terminal's cursor to its next tab stop and shifts the rest of the row.
    """
    value = visible_controls(str(text))
    if "\t" in value:
        value = value.expandtabs(TAB_SIZE)
    return value if len(value) <= limit else value[:limit] + "…"


def inert_text(text: object, style: str = "", limit: int = 4096) -> Text:
    """A Rich ``Text`` of untrusted ``text`` (no markup is ever parsed)."""
    return Text(inert(text, limit), style=style)
