"""RFC 3339 stamps at the head of a log line; a repeated stamp is one shared object.

Lines of a burst often carry the same stamp (a writer with millisecond or second
precision, a replay). Pickling a ``datetime`` for the app costs ~2 µs a line, but
pickle writes an object it has already written in the same message as a back
reference: so a line whose stamp text equals the previous line's gets the *same*
``datetime`` object (and skips the parse). A per-second cache with
``datetime.replace`` for the fraction was measured and dropped: on Python 3.11
``replace`` (~2 µs) is slower than ``fromisoformat`` itself (~0.3 µs).
"""

from __future__ import annotations

from datetime import UTC, datetime

_last: tuple[str, datetime] = ("", datetime.min.replace(tzinfo=UTC))


def parse_stamp(stamp: str) -> datetime | None:
    """``fromisoformat``, a zone required, converted to UTC; None when not a stamp."""
    global _last
    last = _last  # one read: other follower threads may replace it meanwhile
    if last[0] == stamp:
        return last[1]
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # no zone: not RFC 3339, leave the text alone
        return None
    if parsed.tzinfo is not UTC:
        parsed = parsed.astimezone(UTC)
    _last = (stamp, parsed)
    return parsed


def split_timestamp(text: str) -> tuple[datetime | None, str]:
    """``(timestamp, rest)`` when ``text`` starts with an RFC 3339(Nano) stamp and a space.

    kubectl/the API with ``timestamps=true`` prefix each line so:
    ``2024-01-15T10:28:45.123456789Z message``. Nanoseconds are cut to micro.
    """
    if text[10:11] != "T" or text[4:5] != "-":
        return None, text
    space = text.find(" ", 19, 40)
    if space < 0:
        return None, text
    stamp = parse_stamp(text[:space])
    if stamp is None:
        return None, text
    return stamp, text[space + 1:]
