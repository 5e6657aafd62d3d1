"""Make attacker-controlled text inert before it reaches a terminal or a file.

Log lines, pod names, event messages and LLM answers are written by whoever
controls the workload. Shown raw, an escape sequence could clear the screen,
retitle the window, plant an OSC 8 link, write the clipboard (OSC 52) or fake
a paste; bidi overrides can make ``rm -rf /`` read as something harmless.

Convention (one pass, idempotent):

* C0 controls and DEL become their Unicode *Control Pictures*: ESC -> ``␛``,
  NUL -> ``␀``, LF -> ``␊``, CR -> ``␍``, DEL -> ``␡``. Tab is kept. So
  ``ESC [2J`` shows as ``␛[2J``: one cell per character, readable, inert.
* C1 controls (U+0080-U+009F) and invisible format characters (bidi
  embeddings, overrides and isolates, zero-width space/joiners, word joiner,
  BOM, soft hyphen, line/paragraph separators, tag characters) become a
  backslash escape in Python's spelling: ``\\x9b``, ``\\u202e``, ``\\U000e0041``.
* Lone surrogates (from ``surrogateescape`` decoding) become U+FFFD.

Everything else, including all printable text, passes through unchanged. The
output contains no control character except tab and no invisible format
character, and ``inert(inert(s)) == inert(s)``.
"""

from __future__ import annotations

import re

_PICTURES = {c: chr(0x2400 + c) for c in range(0x20) if c != 0x09}
_PICTURES[0x7F] = "\u2421"

# Unicode format (Cf), line (Zl) and paragraph (Zp) separators as of Unicode 14;
# tests/unit/logs/test_safe_text.py checks this against the running Python.
_FORMAT_RANGES = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f" + _FORMAT_RANGES + "\ud800-\udfff]"
)


def _escape(char: str) -> str:
    code = ord(char)
    picture = _PICTURES.get(code)
    if picture is not None:
        return picture
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_CACHE: dict[str, str] = {}


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    shown = _CACHE.get(char)
    if shown is None:
        shown = _CACHE[char] = _escape(char)
    return shown


def inert(text: str) -> str:
    """``text`` with every terminal-active or invisible character made visible."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_replace, text)


def has_unsafe(text: str) -> bool:
    """True when :func:`inert` would change ``text`` (for counting hostile lines)."""
    return _UNSAFE.search(text) is not None
