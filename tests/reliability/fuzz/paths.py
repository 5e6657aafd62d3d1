"""The two text paths an attacker reaches, as functions of raw bytes that assert their invariants.

Shared by the atheris entry points (``log_lines``, ``event_text``) and the tests
that replay the hostile samples through them. Every check raises AssertionError
with the offending output when an invariant breaks:

* log lines: bytes → LineSplitter → LogIngest (timestamps, levels, truncation) →
  the logs pane's ``format_line`` → the row on screen holds no raw ESC, C0/C1
  control or bidi/format character, is a fixed point of ``safe_text.inert``, and
  no line is lost between the splitter and the pane;
* event text: bytes → title, actor and notes → Events → journal append/replay →
  post-mortem Markdown: replay equals what was appended, the Markdown has the same
  shape (headings, table cells, list items) as the same incident with plain text,
  and holds no raw control or bidi character.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cockpit.incident.journal import Journal
from cockpit.incident.model import Event, EventKind, Incident
from cockpit.incident.postmortem import render_markdown
from cockpit.safe_text import inert
from cockpit.sources.base import LogLine
from cockpit.sources.logs.ingest import LogIngest
from cockpit.sources.logs.split import LineSplitter
from cockpit.ui.widgets.logs import format_line
from tests.reliability.hostile_samples import all_samples

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
MAX_LINE = 256
# C0 (except tab), DEL, C1, bidi embeddings/overrides/isolates, marks, line/paragraph separators
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                    "\u202a-\u202e\u2066-\u2069]")
SAMPLES = [text for _klass, text in all_samples()]
_PIPE = re.compile(r"(?<!\\)\|")
# journal fsyncs every event: on tmpfs that costs nothing, so the fuzzer stays fast
_SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def _pieces(data: bytes, parts: int) -> list[bytes]:
    """``data`` cut into ``parts`` pieces at positions its own bytes choose."""
    if parts <= 1 or len(data) < 2:
        return [data]
    cuts = sorted({b % len(data) for b in data[:parts - 1]})
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


def _mix(data: bytes) -> str:
    """Decoded text with one hostile sample spliced in, chosen by the data."""
    text = data.decode("utf-8", "surrogateescape")
    if not data:
        return text
    sample = SAMPLES[data[0] % len(SAMPLES)]
    at = data[-1] % (len(text) + 1)
    return text[:at] + sample + text[at:]


def check_log_bytes(data: bytes) -> int:
    """Feed ``data`` as a pod's log stream; returns the number of rows checked."""
    head, _, body = data.partition(b"\n")
    pod = _mix(head[:80]) or "pod"
    splitter = LineSplitter(MAX_LINE)
    split: list[tuple[str, bool]] = []
    for chunk in _pieces(body, 1 + (len(body) % 5)):
        split += splitter.feed(chunk)
    split += splitter.flush()
    assert len(split) <= body.count(b"\n") + 1, (len(split), body)
    assert all(len(text) <= MAX_LINE and ("\n" not in text) for text, _cut in split), split
    ingest = LogIngest(capacity=10_000, max_line_length=MAX_LINE)
    ingest.put(LogLine(T0, pod, text, truncated=cut) for text, cut in split)
    lines = ingest.drain()
    assert len(lines) == len(split), "a line was lost between the splitter and the pane"
    for line in lines:
        row = format_line(line)
        assert not UNSAFE.search(row), repr(row)
        assert inert(row) == row, repr(row)
    return len(lines)


def _skeleton(markdown: str) -> list[tuple[str, int]]:
    """The document's shape: each line's kind (heading level, table cells, item, text)."""
    shape: list[tuple[str, int]] = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            shape.append(("heading", len(line) - len(line.lstrip("#"))))
        elif line.startswith("|"):
            shape.append(("row", len(_PIPE.findall(line))))
        elif line.startswith(("- ", "* ", "1. ", "```", ">")):
            shape.append((line[:2], 0))
        else:
            shape.append(("text" if line.strip() else "blank", 0))
    return shape


def _incident(title: str, actor: str, notes: list[str]) -> list[Event]:
    opened = Event(T0, EventKind.INCIDENT_OPENED, actor, "Incident opened",
                   {"title": title, "severity": "SEV2", "services": ["api"],
                    "commander": actor})
    return [opened, *(Event(T0 + timedelta(seconds=1 + i), EventKind.NOTE, actor, note)
                      for i, note in enumerate(notes))]


def _markdown(events: list[Event]) -> str:
    return render_markdown(Incident.from_events("fuzz", events), now=T0 + timedelta(hours=1))


@lru_cache(maxsize=16)
def _plain_shape(notes: int) -> tuple[list[tuple[str, int]], list[str]]:
    """Shape and headings of the same incident written in plain text."""
    plain = _markdown(_incident("plain title", "alice", ["plain note"] * notes))
    return _skeleton(plain), [line for line in plain.splitlines() if line.startswith("#")]


def check_event_bytes(data: bytes) -> int:
    """Title, actor and notes from ``data`` → journal → post-mortem; returns events checked."""
    fields = data.split(b"\x00\x00")
    title, actor = _mix(fields[0][:200]), _mix(fields[1][:60]) if len(fields) > 1 else "alice"
    notes = [_mix(raw) for raw in fields[2:8]] or [_mix(data[-40:])]
    events = _incident(title, actor, notes)
    with tempfile.TemporaryDirectory(dir=_SCRATCH, prefix="cockpit-fuzz-") as tmp:
        journal = Journal(Path(tmp) / "journal.jsonl")
        for event in events:
            assert journal.append(event)
        replay = Journal(journal.path).replay()
    assert replay.warnings == [], replay.warnings
    assert replay.events == events, "replay differs from what was appended"
    report = _markdown(replay.events)
    shape, plain_headings = _plain_shape(len(notes))
    assert _skeleton(report) == shape, report
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings[1:] == plain_headings[1:], headings  # only the title line may differ
    assert not UNSAFE.search(report.replace("\n", "")), repr(UNSAFE.search(report))
    return len(events)
