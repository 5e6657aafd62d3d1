"""inert(): hostile terminal sequences are shown, never executed."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cockpit.safe_text import has_unsafe, inert

HOSTILE = {
    "clear screen (CSI 2J)": ("\x1b[2J\x1b[H", "␛[2J␛[H"),
    "cursor up and erase line": ("ok\x1b[1A\x1b[2Kfaked", "ok␛[1A␛[2Kfaked"),
    "SGR colour": ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
    "OSC 0 window title (BEL)": ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
    "OSC 0 window title (ST)": ("\x1b]0;pwned\x1b\\", "␛]0;pwned␛\\"),
    "OSC 8 hyperlink": (
        "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
        "␛]8;;https://evil.example/␛\\click␛]8;;␛\\",
    ),
    "OSC 52 clipboard write": ("\x1b]52;c;cm0gLXJmIH4=\x07", "␛]52;c;cm0gLXJmIH4=␇"),
    "DCS": ("\x1bP1$r0m\x1b\\", "␛P1$r0m␛\\"),
    "bracketed paste markers": ("\x1b[200~rm -rf /\x1b[201~", "␛[200~rm -rf /␛[201~"),
    "lone ESC at end": ("tail\x1b", "tail␛"),
    "C1 CSI": ("\x9b2J", "\\x9b2J"),
    "C1 OSC and ST": ("\x9d0;title\x9c", "\\x9d0;title\\x9c"),
    "NUL, CR, LF, DEL": ("a\x00b\rc\nd\x7f", "a␀b␍c␊d␡"),
    "backspace overwrite": ("safe\x08\x08\x08\x08evil", "safe␈␈␈␈evil"),
    "bidi override": ("user\u202eexe.txt", "user\\u202eexe.txt"),
    "bidi isolates": ("\u2066a\u2067b\u2068c\u2069", "\\u2066a\\u2067b\\u2068c\\u2069"),
    "bidi embeddings": ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
    "zero-width chars": (
        "p\u200ba\u200cs\u200ds\u2060\ufeff",
        "p\\u200ba\\u200cs\\u200ds\\u2060\\ufeff",
    ),
    "tag characters": ("hi\U000e0041\U000e0042", "hi\\U000e0041\\U000e0042"),
    "lone surrogate": ("bad\udcffbyte", "bad\ufffdbyte"),
    "tab kept": ("col1\tcol2", "col1\tcol2"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_sequence_is_shown_inert(name: str) -> None:
    raw, shown = HOSTILE[name]
    assert inert(raw) == shown
    assert has_unsafe(raw) == (raw != shown)


def test_plain_and_unicode_text_unchanged() -> None:
    for text in ["GET /api 200 12ms", "Größe → 5 Ω", "日本語ログ", "emoji 🔥 ok", ""]:
        assert inert(text) is text or inert(text) == text


def test_every_format_character_of_this_python_is_escaped() -> None:
    """The hard-coded ranges still cover Cf/Zl/Zp in this Python's Unicode tables."""
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp") and inert(chr(code)) == chr(code)
    ]
    assert missed == []


def _is_bad(char: str) -> bool:
    return char != "\t" and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_output_has_no_control_or_invisible_char(text: str) -> None:
    shown = inert(text)
    assert not any(_is_bad(c) for c in shown)


@given(st.text())
def test_idempotent(text: str) -> None:
    once = inert(text)
    assert inert(once) == once


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_unchanged(text: str) -> None:
    assert inert(text) == text


@given(st.text(alphabet=st.sampled_from(["\t", "a", " ", "é", "\x1b", "\x9b", "\u202e", "["])))
def test_only_unsafe_characters_change(text: str) -> None:
    shown = inert(text)
    kept = [c for c in text if not _is_bad(c)]
    # every safe character survives in order
    it = iter(shown)
    assert all(any(c == s for s in it) for c in kept)
