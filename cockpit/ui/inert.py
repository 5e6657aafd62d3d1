"""Showing text that came from outside (logs, alerts, pod names, notes) as inert.

Never markup, never raw control sequences: an ESC, OSC 52 or bidi override in
a log line is shown as a visible escape instead of reaching the terminal.
"""

from __future__ import annotations

from rich.text import Text

from cockpit.incident.markdown import visible_controls


def inert(text: object, limit: int = 4096) -> str:
    """``text`` with control and direction characters made visible, capped at ``limit``."""
    value = visible_controls(str(text))
    return value if len(value) <= limit else value[:limit] + "…"


def inert_text(text: object, style: str = "", limit: int = 4096) -> Text:
    """A Rich ``Text`` of untrusted ``text`` (no markup is ever parsed)."""
    return Text(inert(text, limit), style=style)
