"""The journal's fast append path keeps the file format and every guarantee.

The encoder builds lines without json.dumps and the writer keeps its descriptor
between appends; these tests pin what must not change because of that.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.incident.journal import Journal, encode_event, format_ts
from cockpit.incident.model import Event, EventKind

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


def reference_line(event: Event) -> bytes:
    """The line as the journal wrote it before the fast path (json.dumps of a record)."""
    record: dict[str, Any] = {
        "v": 1, "ts": f"{event.ts.isoformat(timespec='milliseconds')[:23]}Z",
        "kind": event.kind.value, "actor": event.actor, "text": event.text,
        "data": dict(event.data),
    }
    if event.key is not None:
        record["key"] = event.key
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode() + b"\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(timezones=st.just(UTC)), st.sampled_from(list(EventKind)),
       st.text(st.characters(blacklist_categories=["Cs"])),
       st.text(st.characters(blacklist_categories=["Cs"])),
       st.dictionaries(st.text(st.characters(blacklist_categories=["Cs"])), json_values,
                       max_size=4),
       st.none() | st.text(st.characters(blacklist_categories=["Cs"])))
def test_lines_are_byte_for_byte_what_json_dumps_wrote(
        ts: datetime, kind: EventKind, actor: str, text: str, data: dict[str, Any],
        key: str | None) -> None:
    event = Event(ts, kind, actor, text, data, key)
    assert encode_event(event) == reference_line(event)


def test_lone_surrogates_still_give_one_valid_ascii_line() -> None:
    event = Event(T0, EventKind.NOTE, "a", "bad \udc80 text", {"x": "\ud800"})
    line = encode_event(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line)["text"] == "bad \udc80 text"


def test_timestamps_in_other_zones_and_far_years_are_utc_milliseconds() -> None:
    plus3 = timezone(timedelta(hours=3))
    assert format_ts(datetime(2024, 1, 15, 13, 30, 0, 999999, tzinfo=plus3)) == \
        "2024-01-15T10:30:00.999Z"
    assert format_ts(datetime(5, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)) == "0005-01-02T03:04:05.006Z"


def test_a_torn_line_from_another_writer_is_repaired_by_a_journal_kept_open(
        tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(Event(T0, EventKind.NOTE, "alice", "first"))
    with journal.path.open("ab") as crashed:  # another process died mid-write
        crashed.write(b'{"v":1,"ts":"2024-01-15T10:31:00.000Z","kind":"no')
    journal.append(Event(T0, EventKind.NOTE, "alice", "after the crash"))
    replay = Journal(journal.path).replay()
    assert [e.text for e in replay.events] == ["first", "after the crash"]
    assert len(replay.warnings) == 1


def test_a_journal_deleted_or_replaced_underneath_is_followed_by_name(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(Event(T0, EventKind.NOTE, "alice", "one"))
    path.unlink()
    journal.append(Event(T0, EventKind.NOTE, "alice", "two"))
    assert [e.text for e in Journal(path).replay().events] == ["two"]
    replacement = tmp_path / "restored.jsonl"
    replacement.write_bytes(encode_event(Event(T0, EventKind.NOTE, "bob", "restored")))
    replacement.replace(path)
    journal.append(Event(T0, EventKind.NOTE, "alice", "three"))
    assert [e.text for e in Journal(path).replay().events] == ["restored", "three"]


def test_threads_sharing_one_journal_neither_interleave_nor_duplicate_keys(
        tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    written: list[bool] = []

    def writer(name: str) -> None:
        for i in range(50):
            journal.append(Event(T0, EventKind.NOTE, name, f"{name} {i} " + "x" * 2000))
            written.append(journal.append(Event(T0, EventKind.ALERT_FIRED, name, "a",
                                                key=f"k{i}")))

    threads = [threading.Thread(target=writer, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replay = Journal(journal.path).replay()
    assert replay.warnings == []
    assert len([e for e in replay.events if e.kind is EventKind.NOTE]) == 200
    assert sorted(e.key or "" for e in replay.events if e.key) == sorted(f"k{i}"
                                                                         for i in range(50))
    assert written.count(True) == 50
