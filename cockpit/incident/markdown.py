"""Making journal text safe inside Markdown and on a terminal.

Anything in the journal may come from a log line or an alert annotation, so
it is untrusted: control sequences are made visible, and Markdown syntax is
escaped so a note can never add a heading, break a table or open a link.
"""

from __future__ import annotations

import re

from cockpit.safe_text import inert

_NEWLINES = re.compile(r"\r\n?|\n")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_LEADING = re.compile(r"^(\s*)([-=>]|\d+[.)])")


def visible_controls(text: str) -> str:
    """One line, with control and invisible format characters made visible (safe_text)."""
    return inert(_NEWLINES.sub(" ", text))


def md_inline(text: str, limit: int = 2000) -> str:
    """One line of untrusted text as inert Markdown (escaped, controls visible, capped)."""
    text = visible_controls(str(text))
    if len(text) > limit:
        text = text[:limit] + f"… [{len(text) - limit} more characters]"
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def md_code(text: str, limit: int = 500, *, in_table: bool = False) -> str:
    """Untrusted text inside an inline code span (a command, an image name).

    In a table, ``|`` still splits cells inside a code span; GFM reads ``\\|``
    there as a literal bar.
    """
    text = visible_controls(str(text))[:limit]
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
