"""Secrets and identities out before anything leaves the machine; stable placeholders back.

Log lines and events carry tokens, passwords in URLs, keys, e-mail and IP addresses.
Everything bound for an LLM passes through one :class:`Redactor` per incident, which
replaces each distinct value by a stable placeholder (``<IP_3>`` is always the same
address) and keeps the map locally, so the answer shown to the engineer reads with the
real names again. With ``redact_names`` the namespace, pod and host names go too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# Order matters: a private key block before anything inside it, a URL password before
# the e-mail pattern that would eat "user:pass@host", JWTs before generic tokens.
_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("PRIVATE_KEY", re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        re.S), 0),
    ("JWT", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), 0),
    ("PASSWORD", re.compile(r"(?<=://)(?:[^\s:/@]+):([^\s/@]+)(?=@)"), 1),
    ("TOKEN", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})"), 1),
    ("AWS_KEY", re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b"), 0),
    ("API_KEY", re.compile(
        r"\b(?:sk-(?:proj-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|"
        r"xox[abpors]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,}|glpat-[A-Za-z0-9_-]{16,})"), 0),
    ("SECRET", re.compile(
        r"(?i)\b\w*?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
        r"credential)\w*[\"']?\s*[:=]\s*[\"']?([^\s\"',;&<>]{4,})"), 1),
    ("EMAIL", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), 0),
    ("IP", re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}"
                      r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.])"), 0),
    ("IP", re.compile(r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|"
                      r"(?:[0-9a-fA-F]{1,4}:){1,6}(?::[0-9a-fA-F]{1,4}){1,6})(?![\w:])"), 0),
)
_PLACEHOLDER = re.compile(r"<([A-Z_]+)_(\d+)>")


class Redactor:
    """Replace secrets (always) and names (when asked) by stable placeholders."""

    def __init__(self, *, names: Iterable[tuple[str, str]] = ()) -> None:
        self._forward: dict[str, str] = {}  # original -> placeholder
        self._back: dict[str, str] = {}  # placeholder -> original
        self._counts: dict[str, int] = {}
        self._names: list[tuple[str, str]] = []
        self.add_names(names)

    def add_names(self, names: Iterable[tuple[str, str]]) -> None:
        """(kind, name) pairs such as ("POD", "api-gateway-7d9f-abcde"), replaced as words."""
        known = {n for _, n in self._names}
        self._names.extend((k.upper(), n) for k, n in names if n and n not in known)
        self._names.sort(key=lambda kn: -len(kn[1]))  # longest first: pods before deployments
        self._name_re = re.compile("|".join(
            rf"(?<![\w.-]){re.escape(n)}(?![\w-])" for _, n in self._names)) \
            if self._names else None
        self._kind_of = {n: k for k, n in self._names}

    def placeholder(self, kind: str, original: str) -> str:
        found = self._forward.get(original)
        if found is not None:
            return found
        self._counts[kind] = self._counts.get(kind, 0) + 1
        token = f"<{kind}_{self._counts[kind]}>"
        self._forward[original], self._back[token] = token, original
        return token

    def redact(self, text: str) -> str:
        for kind, pattern, group in _SECRET_PATTERNS:
            text = pattern.sub(functools.partial(self._swap, kind=kind, group=group), text)
        if self._name_re is not None:
            text = self._name_re.sub(
                lambda m: self.placeholder(self._kind_of[m.group(0)], m.group(0)), text)
        return text

    def _swap(self, match: re.Match[str], *, kind: str, group: int) -> str:
        whole = match.group(0)
        if group == 0:
            return self.placeholder(kind, whole)
        start, end = match.span(group)
        offset = match.start()
        secret = match.group(group)
        return whole[: start - offset] + self.placeholder(kind, secret) + whole[end - offset:]

    def restore(self, text: str) -> str:
        """Placeholders back to what they stood for (for display on this machine only)."""
        return _PLACEHOLDER.sub(lambda m: self._back.get(m.group(0), m.group(0)), text)

    @property
    def mapping(self) -> dict[str, str]:
        """placeholder -> original (never sent anywhere)."""
        return dict(self._back)
