"""Replace the variable parts of a log line (ids, numbers, addresses, times) in one pass.

Template mining groups lines by their constant words, so everything that changes from
one occurrence to the next must become a placeholder first. Drain3's stock masker runs a
list of look-around regexes one after another (each a full scan of the line), which caps
it near 10k lines/s. Here all classes are alternatives of ONE compiled regex, applied
by a single ``re.sub`` whose callback picks the placeholder from ``lastgroup``; the
URL/e-mail alternatives (whose leading letters would be tried at every word) are only
compiled in when the line contains ``://`` or ``@``.

The rules are general, not tuned per source: they hold for logfmt, JSON, Java, Go,
Python, nginx and kubectl output alike. Quoted strings are masked when they look like
a value (no whitespace, a digit inside): a quoted *message* such as ``msg="request
served"`` is the constant part of a template and must stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What each class becomes. Pod suffixes keep their deployment: api-gateway-<*>.
PLACEHOLDERS: dict[str, str] = {
    "TS": "<TS>", "UUID": "<UUID>", "URL": "<URL>", "EMAIL": "<EMAIL>",
    "IP6": "<IP>", "IP4": "<IP>", "POD": "-<*>", "HEX": "<HEX>", "DUR": "<DUR>",
    "NUM": "<NUM>", "PATH": "<PATH>", "QUOTED": "<STR>",
}

_H = "[0-9a-fA-F]"
_K8S = "[bcdfghjklmnpqrstvwxz2456789]"  # the alphabet of pod-template hashes and suffixes
_DATE = r"\d{4}[-/]\d\d[-/]\d\d"
_TIME = r"\d\d:\d\d:\d\d(?:[.,]\d+)?"
_ZONE = r"(?:Z|[+-]\d\d:?\d\d)?"
_NUMBER = r"\d+(?:[.,]\d+)*"
_R = r"(?!\w)"  # no word character right after

# Classes that start a token (no word character or dot before), grouped by their first
# character so that one look-ahead rules out a whole group at a position.
_DIGIT_FIRST = [
    ("TS", rf"(?:{_DATE}(?:[T ]{_TIME})?|{_TIME}){_ZONE}{_R}"),
    ("IP4", rf"\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d{{1,5}})?(?:/\d{{1,2}})?{_R}"),
    ("DUR", rf"[-+]?(?:{_NUMBER}(?:ns|us|µs|ms|s|m|h|d)){{1,4}}{_R}"),
    ("NUM", rf"[-+]?{_NUMBER}(?:[eE][-+]?\d+)?(?:%|[KMGTPE]i?B?|[kKMG]?bps|[kKMGT]?B|bytes?)?{_R}"),
]
_HEX_FIRST = [
    ("UUID", rf"{_H}{{8}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{12}}{_R}"),
    ("IP6", rf"(?<!:)\[?(?:(?:{_H}{{1,4}}:){{4,7}}{_H}{{1,4}}"
            rf"|(?:{_H}{{1,4}}(?::{_H}{{1,4}}){{0,6}})?::(?:{_H}{{1,4}}(?::{_H}{{1,4}}){{0,6}})?)"
            rf"(?:\](?::\d{{1,5}})?)?(?![\w:])"),
    ("HEX", rf"(?:0[xX]{_H}+|(?=[0-9a-f]*\d)(?=\d*[a-f])[0-9a-f]{{6,}}"
            rf"|(?=[0-9A-F]*\d)(?=\d*[A-F])[0-9A-F]{{6,}}){_R}"),
]
_URL = ("URL", r"[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s\"'<>)\]]+")
_EMAIL = ("EMAIL", r"(?<![+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w-])")
# Classes that start with punctuation: a literal first, so other positions fail at once.
_PUNCT_FIRST = [
    ("POD", rf"-(?<=[a-z0-9]-)(?:{_K8S}{{6,10}}-{_K8S}{{5}}|(?=[a-z]*\d)(?=\d*[a-z]){_K8S}{{5}})"
            rf"(?![\w-])"),
    ("PATH", r"/(?<![\w.:/]/)[\w.@%+~-]+(?:/[\w.@%+~-]+)+/?"),
    ("QUOTED", r"\"(?<![\w\"\\]\")[^\"\s]*\d[^\"\s]*\"(?!\w)|'(?<![\w']')[^'\s]*\d[^'\s]*'(?!\w)"),
]


def _alternatives(classes: list[tuple[str, str]]) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in classes)


def _compile(url: bool, email: bool) -> re.Pattern[str]:
    # a URL or an e-mail address first: it swallows the ids, ports and paths in it
    words = ([_URL] if url else []) + ([_EMAIL] if email else [])
    # hex first: a UUID or an id may start with digits, and needs a letter to match at all
    token = (f"(?=[0-9a-fA-F:\\[])(?:{_alternatives(_HEX_FIRST)})"
             f"|(?=[-+\\d])(?:{_alternatives(_DIGIT_FIRST)})")
    if words:
        token = f"{_alternatives(words)}|{token}"
    return re.compile(f"(?<![\\w.])(?:{token})|{_alternatives(_PUNCT_FIRST)}")


_PATTERNS: dict[tuple[bool, bool], re.Pattern[str]] = {
    (url, email): _compile(url, email) for url in (False, True) for email in (False, True)
}


def _placeholder(match: re.Match[str]) -> str:
    return PLACEHOLDERS[match.lastgroup or "NUM"]


def mask(text: str) -> str:
    """``text`` with every variable part replaced by its placeholder (``<NUM>``, ``<IP>``...)."""
    return _PATTERNS["://" in text, "@" in text].sub(_placeholder, text)


def masker(placeholders: dict[str, str] | None = None) -> Callable[[str], str]:
    """A ``mask`` with other placeholders (``{"NUM": "<*>"}``), e.g. for Drain-style output."""
    table = {**PLACEHOLDERS, **(placeholders or {})}

    def replace(match: re.Match[str]) -> str:
        return table[match.lastgroup or "NUM"]

    def run(text: str) -> str:
        return _PATTERNS["://" in text, "@" in text].sub(replace, text)

    return run
