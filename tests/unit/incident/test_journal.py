"""The journal keeps every acknowledged event, whatever happens to the writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.incident.journal import FORMAT_VERSION, Journal, JournalError, JournalWriteError
from cockpit.incident.model import Event, EventKind, Incident, Severity, Status
from cockpit.incident.store import IncidentStore
from tests.support.disks import read_only_dir, tiny_disk

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


def opened(ts: datetime = T0) -> Event:
    return Event(ts, EventKind.INCIDENT_OPENED, "alice", "Incident opened",
                 {"title": "5xx", "severity": "SEV2", "services": ["api-gateway"]})


def test_replay_rebuilds_the_incident_exactly(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    events = [
        opened(),
        Event(T0 + timedelta(seconds=1, milliseconds=250), EventKind.ACKNOWLEDGED, "alice", "ack"),
        Event(T0 + timedelta(minutes=2), EventKind.STATUS_CHANGED, "alice", "identified",
              {"from": "investigating", "to": "identified"}),
        Event(T0 + timedelta(minutes=3), EventKind.SEVERITY_CHANGED, "bob", "sev1",
              {"from": "SEV2", "to": "SEV1"}),
        Event(T0 + timedelta(minutes=4), EventKind.NOTE, "bob", "ünïcode ✓ and \"quotes\"\n2nd",
              {"nested": {"list": [1, 2.5, None, True]}}),
    ]
    for event in events:
        assert journal.append(event)
    replay = Journal(journal.path).replay()
    assert replay.warnings == []
    assert replay.events == events
    incident = Incident.from_events("x", replay.events)
    assert incident.status is Status.IDENTIFIED
    assert incident.severity is Severity.SEV1
    assert incident.events == tuple(events)


def test_file_is_jsonl_with_version_and_millisecond_utc(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(opened(T0 + timedelta(microseconds=123456)))
    line = json.loads(journal.path.read_text().splitlines()[0])
    assert line["v"] == FORMAT_VERSION
    assert line["ts"] == "2024-01-15T10:30:00.123Z"


def test_torn_last_line_is_skipped_with_a_warning_and_next_append_survives(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(opened())
    journal.append(Event(T0, EventKind.NOTE, "alice", "before the crash"))
    with journal.path.open("ab") as handle:
        handle.write(b'{"v":1,"ts":"2024-01-15T10:31:00.000Z","kind":"no')  # crash mid-write
    replay = Journal(journal.path).replay()
    assert [e.text for e in replay.events] == ["Incident opened", "before the crash"]
    assert len(replay.warnings) == 1 and "torn last line" in replay.warnings[0]
    Journal(journal.path).append(Event(T0, EventKind.NOTE, "alice", "after the crash"))
    replay = Journal(journal.path).replay()
    assert [e.text for e in replay.events][-1] == "after the crash"
    assert len(replay.events) == 3 and len(replay.warnings) == 1


def test_newer_format_is_refused_not_half_read(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(opened())
    with journal.path.open("a") as handle:
        handle.write(json.dumps({"v": FORMAT_VERSION + 1, "ts": "x", "kind": "note"}) + "\n")
    with pytest.raises(JournalError, match="newer cockpit"):
        Journal(journal.path).replay()


def test_keyed_events_are_written_once_even_by_two_journal_objects(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    first, second = Journal(path), Journal(path)
    first.append(opened())
    alert = Event(T0, EventKind.ALERT_FIRED, "cockpit", "HighErrorRate", key="fp1:start:firing")
    assert first.append(alert) is True
    assert second.append(alert) is False  # another process, same key: refused
    assert first.append(alert) is False
    assert len(Journal(path).replay().events) == 2


def test_unwritable_location_raises_a_clear_error(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "missing-dir" / "j.jsonl")
    with pytest.raises(JournalWriteError, match="cannot open"):
        journal.append(opened())


def test_read_only_data_dir_is_refused_before_an_incident_starts(tmp_path: Path) -> None:
    with read_only_dir(tmp_path) as ro:
        store = IncidentStore(ro / "incidents")
        with pytest.raises(JournalWriteError, match="cannot write incidents"):
            store.create("x", Severity.SEV2, commander="alice")


def test_full_disk_loses_no_acknowledged_event(tmp_path: Path) -> None:
    with tiny_disk(tmp_path, 64) as disk:
        journal = Journal(disk / "j.jsonl")
        journal.append(opened())
        written = 0
        with pytest.raises(JournalWriteError) as caught:
            for i in range(10_000):
                journal.append(Event(T0, EventKind.NOTE, "a", f"{i} " + "y" * 500))
                written += 1
        assert caught.value.disk_full
        replay = Journal(journal.path).replay()
        assert len(replay.events) == 1 + written  # everything acknowledged is there


WRITER = """
import sys
from datetime import UTC, datetime
from cockpit.incident.journal import Journal
from cockpit.incident.model import Event, EventKind
journal = Journal(__import__("pathlib").Path(sys.argv[1]))
name = sys.argv[2]
for i in range(int(sys.argv[3])):
    journal.append(Event(datetime.now(UTC), EventKind.NOTE, name, f"{name} {i} " + "x" * 300))
    print(i, flush=True)  # acknowledged: the append returned
"""


def _writer(path: Path, name: str, count: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                            stdout=subprocess.PIPE, text=True, env=env)


def test_every_acknowledged_append_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    Journal(path).append(opened())
    writer = _writer(path, "w", 1_000_000)
    assert writer.stdout is not None
    acknowledged = -1
    deadline = time.monotonic() + 30
    while acknowledged < 300 and time.monotonic() < deadline:
        acknowledged = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)  # mid-stream, no chance to clean up
    writer.wait()
    replay = Journal(path).replay()
    texts = {e.text.split(" ")[1] for e in replay.events[1:]}
    assert {str(i) for i in range(acknowledged + 1)} <= texts
    assert len(replay.warnings) <= 1  # at most the line being written when killed


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    Journal(path).append(opened())
    writers = [_writer(path, f"w{n}", 200) for n in range(4)]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    replay = Journal(path).replay()
    assert replay.warnings == []
    assert len(replay.events) == 1 + 4 * 200
    for n in range(4):
        mine = [int(e.text.split(" ")[1]) for e in replay.events if e.actor == f"w{n}"]
        assert mine == list(range(200))  # each writer's events complete and in order


texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=200)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, st.sampled_from(list(EventKind)), st.integers(0, 10**6)),
                max_size=20))
def test_append_then_replay_is_identity(tmp_path_factory: pytest.TempPathFactory,
                                        items: list[tuple[str, EventKind, int]]) -> None:
    path = tmp_path_factory.mktemp("prop") / "j.jsonl"
    journal = Journal(path)
    events = [opened()] + [
        Event(T0 + timedelta(milliseconds=ms), EventKind.NOTE if kind in (
            EventKind.STATUS_CHANGED, EventKind.SEVERITY_CHANGED, EventKind.INCIDENT_OPENED)
            else kind, "a", text, {"t": text}) for text, kind, ms in items
    ]
    for event in events:
        journal.append(event)
    assert Journal(path).replay().events == events
