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
from itertools import repeat

# What each class becomes. Pod suffixes keep their deployment: api-gateway-<*>.
# The separator before a token stays, except a path's slash and a string's opening quote.
PLACEHOLDERS: dict[str, str] = {
    "TS": "<TS>", "UUID": "<UUID>", "URL": "<URL>", "EMAIL": "<EMAIL>",
    "IP6": "<IP>", "IP4": "<IP>", "POD": "<*>", "HEX": "<HEX>", "DUR": "<DUR>",
    "NUM": "<NUM>", "PATH": "<PATH>", "QUOTED": "<STR>",
}

_H = "[0-9a-fA-F]"
_K8S = "[bcdfghjklmnpqrstvwxz2456789]"  # the alphabet of pod-template hashes and suffixes
_DATE = r"\d{4}[-/]\d\d[-/]\d\d"
_TIME = r"\d\d:\d\d:\d\d(?:[.,]\d+)?"
_ZONE = r"(?:Z|[+-]\d\d:?\d\d)?"
_NUMBER = r"\d+(?:[.,]\d+)*"
_R = r"(?!\w)"  # no word character right after

# Classes that start a token, grouped by their first character so that one look-ahead
# rules out a whole group at a position.
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
# Classes right after a separator that belongs to them: ``-`` of a pod name, the ``/`` of a
# path, the opening quote.
_AFTER_SEP = [
    ("POD", rf"(?<=[a-z0-9]-)(?:{_K8S}{{6,10}}-{_K8S}{{5}}|(?=[a-z]*\d)(?=\d*[a-z]){_K8S}{{5}})"
            rf"(?![\w-])"),
    ("PATH", r"(?<=/)(?<![\w.:/]/)[\w.@%+~-]+(?:/[\w.@%+~-]+)+/?"),
    ("QUOTED", r"(?:(?<=\")(?<![\w\"\\]\")[^\"\s]*\d[^\"\s]*\""
               r"|(?<=')(?<![\w']')[^'\s]*\d[^'\s]*')(?!\w)"),
]
_EATS_SEPARATOR = frozenset({"PATH", "QUOTED"})


def _alternatives(classes: list[tuple[str, str]]) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in classes)


def _compile(url: bool, email: bool) -> re.Pattern[str]:
    """One regex; every match starts with the separator before its token.

    Consuming that separator (any character but a word character or a dot) makes the
    pattern start with a character class, so ``re`` skips the inside of words in C
    instead of trying every alternative at every position: ~3x faster than look-behinds.
    """
    # a URL or an e-mail address first: it swallows the ids, ports and paths in it
    words = ([_URL] if url else []) + ([_EMAIL] if email else [])
    # hex first: a UUID or an id may start with digits, and needs a letter to match at all
    token = (f"(?=[0-9a-fA-F:\\[])(?:{_alternatives(_HEX_FIRST)})"
             f"|(?=[-+\\d])(?:{_alternatives(_DIGIT_FIRST)})")
    alternatives = _alternatives(_AFTER_SEP) + "|" + (_alternatives(words) + "|" if words else "")
    return re.compile(f"(?P<sep>[^\\w.])(?:{alternatives}{token})")


_PATTERNS: dict[tuple[bool, bool], re.Pattern[str]] = {
    (url, email): _compile(url, email) for url in (False, True) for email in (False, True)
}


def _replacer(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    eats = _EATS_SEPARATOR

    def replace(match: re.Match[str]) -> str:
        name = match.lastgroup or "NUM"
        return table[name] if name in eats else match.group(1) + table[name]

    return replace


_placeholder = _replacer(PLACEHOLDERS)


def mask(text: str) -> str:
    """``text`` with every variable part replaced by its placeholder (``<NUM>``, ``<IP>``...)."""
    # a leading space gives a token at the start of the line its separator
    return _PATTERNS["://" in text, "@" in text].sub(_placeholder, " " + text)[1:]


def masker(placeholders: dict[str, str] | None = None) -> Callable[[str], str]:
    """A ``mask`` with other placeholders (``{"NUM": "<*>"}``), e.g. for Drain-style output."""
    replace = _replacer({**PLACEHOLDERS, **(placeholders or {})})

    def run(text: str) -> str:
        return _PATTERNS["://" in text, "@" in text].sub(replace, " " + text)[1:]

    return run


_HEX_DIGITS = "0123456789abcdef"  # for str.strip: all hex when nothing is left


def _plain_value(token: str) -> str | None:
    """``mask(token)`` without the regex for the commonest new tokens, else None.

    New tokens are mostly ``key=<number>``, ``key=<hex id>`` or a bare number or hex id
    (trace ids, order ids, user ids). For a ``key`` of ASCII letters and ``_`` nothing
    can match inside it or across the ``=``, so only the value decides: all ASCII
    digits is ``<NUM>``; 6+ lowercase hex characters with a digit and a letter is
    ``<HEX>``, exactly as the regex would say (tests compare the two on random tokens).
    """
    key, equals, value = token.partition("=")
    if not equals:
        value = token
    if not (value.isalnum() and value.isascii()):  # most tokens leave here
        return None
    if value.isdigit():
        masked = "<NUM>"
    elif len(value) >= 6 and not value.isalpha() and not value.strip(_HEX_DIGITS):
        masked = "<HEX>"
    else:
        return None
    if equals and not (key.isascii() and (key.isalpha() or key.replace("_", "").isalpha())):
        return None
    return f"{key}={masked}" if equals else masked


# bytes: ``bytes.translate`` is a table look-up in C, ``str.translate`` a dict look-up per
# character (~10x slower on a JSON token). In UTF-8 the bytes of an ASCII digit appear
# nowhere else, so the shape of the encoded token is the encoded shape of the token.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def _digit_blind(token: str) -> bool:
    """Whether the regex cannot tell one ASCII digit from another anywhere in ``token``.

    Only two parts of it look at which digit it is: the pod-suffix alphabet (no 0, 1,
    3), which needs a ``-`` before the suffix, and the ``0x`` of a hex number. Without
    ``-``, ``x`` and ``X`` in the token, every digit can be read as ``0``: the matches
    are the same, so the placeholders are the same.
    """
    return "-" not in token and "x" not in token and "X" not in token


_MISSED = repeat("")  # dict.get's default, one per token


class TokenMasker:
    """``mask`` per whitespace-separated token, with a bounded cache of masked tokens.

    Most tokens of a stream repeat (words, small numbers, ``status=200``), so most lines
    cost a split, a few dict look-ups and a join; only new tokens meet the regex, and the
    commonest new ones not even that: a number or a hex id (alone or as ``key=value``)
    is recognised directly, and a token that differs from one seen before only in its
    digits (a JSON line with other numbers) reuses that token's shape.
    The output is ``mask(text)`` with runs of whitespace made single spaces (Drain splits
    on whitespace anyway), except that a date and a time separated by a space become two
    ``<TS>``.
    """

    def __init__(self, cache_size: int = 100_000) -> None:
        self._cache: dict[str, str] = {}
        self._shapes: dict[bytes, str] = {}  # token with its digits as 0 -> mask of that
        self._cache_size = cache_size

    def __call__(self, text: str) -> str:
        tokens = text.split()
        # the look-ups run in C (``map``); only the misses, found by ``index``, in Python.
        # A miss is "" (no token masks to nothing), which C compares faster than None.
        masked = list(map(self._cache.get, tokens, _MISSED))
        if "" in masked:
            for _ in range(masked.count("")):
                at = masked.index("")
                masked[at] = self._miss(tokens[at])
        return " ".join(masked)

    def _miss(self, token: str) -> str:
        """Mask a token not in the cache, and keep it there if it is likely to come back.

        Ids, large numbers and long digit-laden tokens (a JSON object, a path with an id)
        seldom repeat: kept, they would only grow the cache past the CPU's caches and
        flush it. Small values (``status=200``) and short tokens (``(rtt=9ms)``) do."""
        masked = _plain_value(token)
        if masked is not None:
            if len(token) - token.rfind("=") > 4:
                return masked
        elif _digit_blind(token) and (masked := self._by_shape(token)) is not None:
            if len(token) > 12:
                return masked
        else:
            masked = mask(token)
        cache = self._cache
        if len(cache) >= self._cache_size:
            cache.clear()
        cache[token] = masked
        return masked

    def _by_shape(self, token: str) -> str | None:
        """``q_len":7,"hits":354`` and ``q_len":18,"hits":40`` share a shape (digits as 0);
        its mask is the token's when every digit went into a placeholder (no 0 left)."""
        encoded = token.encode()
        shape = encoded.translate(_DIGITS_TO_ZERO)
        if shape == encoded:
            return None
        shapes = self._shapes
        masked = shapes.get(shape)
        if masked is None:
            if len(shapes) >= self._cache_size:
                shapes.clear()
            masked = shapes[shape] = mask(shape.decode())
        return None if "0" in masked else masked
