"""Hypothesis-driven fuzz of the two text paths an attacker reaches:
log line → LogIngest → format_line (the screen), and event text → journal → post-mortem.

The coverage-guided (atheris) targets for the same paths are log_lines.py and
event_text.py (checks in paths.py, run by test_atheris.py); these hypothesis
tests keep the properties checked with hostile samples mixed in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.incident.journal import Journal
from cockpit.incident.markdown import md_inline
from cockpit.incident.model import Event, EventKind, Severity
from cockpit.incident.postmortem import render_markdown
from cockpit.incident.store import IncidentStore
from cockpit.safe_text import inert
from cockpit.sources.base import LogLine
from cockpit.sources.logs.ingest import LogIngest
from cockpit.ui.widgets.logs import format_line
from tests.reliability.hostile_samples import all_samples
from tests.reliability.tally import Tally

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
# C0 (except tab), DEL, C1, bidi and line/paragraph separators
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069]")
hostile = st.sampled_from([t for _k, t in all_samples()])
text = st.lists(st.one_of(st.text(max_size=40), hostile), max_size=6).map("".join)
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(lines=st.lists(st.tuples(text, text), min_size=1, max_size=20))
def test_log_lines_reach_the_screen_inert(lines: list[tuple[str, str]], tally: Tally) -> None:
    """Pod names and log text with every hostile class: the formatted row is inert."""
    ingest = LogIngest(capacity=100, max_line_length=200)
    ingest.put(LogLine(T0, source, body) for source, body in lines)
    shown = [format_line(line) for line in ingest.drain()]
    assert len(shown) == len(lines)
    for row in shown:
        assert not _UNSAFE.search(row), repr(row)
    tally.hostile_input("fuzzed log lines and pod names (LogIngest → format_line)", len(lines))


@FUZZ
@given(value=text)
def test_inert_and_md_inline_leave_nothing_raw(value: str, tally: Tally) -> None:
    assert not _UNSAFE.search(inert(value))
    inline = md_inline(value)
    assert not _UNSAFE.search(inline) and "\n" not in inline
    tally.hostile_input("fuzzed text (inert, md_inline)")


def _report(texts: list[str]) -> tuple[str, list[str], list[str]]:
    """The post-mortem of an incident whose notes are ``texts``; replayed notes; warnings."""
    with TemporaryDirectory() as tmp:
        store = IncidentStore(Path(tmp))
        loaded = store.create("fuzz", Severity.SEV2, ["api"], commander="alice", opened_at=T0)
        for i, value in enumerate(texts):
            assert loaded.journal.append(Event(T0 + timedelta(seconds=i), EventKind.NOTE,
                                               "alice", value))
        replay = Journal(loaded.journal.path).replay()
        notes = [e.text for e in replay.events if e.kind is EventKind.NOTE]
        incident = store.load(loaded.incident.id).incident
        return render_markdown(incident, now=T0 + timedelta(hours=1)), notes, replay.warnings


def _headings(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("#")]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(text, min_size=1, max_size=8))
def test_event_text_survives_journal_and_keeps_postmortem_shape(texts: list[str],
                                                                tally: Tally) -> None:
    report, notes, warnings = _report(texts)
    assert warnings == [] and notes == texts
    plain, _, _ = _report(["plain note"] * len(texts))
    assert _headings(report) == _headings(plain)  # no injected heading, none swallowed
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", report)
    tally.hostile_input("fuzzed event texts (journal → post-mortem)", len(texts))
    tally.events(len(texts), lost=len(texts) - len(notes))
