"""Disk trouble: a read-only data directory is refused up front; a full disk loses nothing.

Real filesystems (tests/support/disks.py mounts a read-only or a 64 KiB tmpfs).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.incident.journal import Journal, JournalWriteError
from cockpit.incident.model import Event, EventKind, Severity
from cockpit.incident.pending import BufferedJournal
from cockpit.incident.store import IncidentStore
from tests.reliability.tally import Tally
from tests.support.cli import run_cockpit
from tests.support.disks import read_only_dir, tiny_disk

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="tiny_disk mounts a tmpfs (root)")


@pytest.mark.parametrize("args", [("new", "--title", "db down", "--service", "api"), ("demo",)])
def test_read_only_data_dir_is_refused_before_the_incident(tmp_path: Path, tally: Tally,
                                                           args: tuple[str, ...]) -> None:
    with read_only_dir(tmp_path) as ro:
        result = run_cockpit(ro / "home", *args, timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("cockpit: ") and "COCKPIT_HOME" in lines[0]
    tally.fault(f"read-only data dir ({args[0]})")


def _fill(folder: Path) -> Path:
    """Write until the filesystem says ENOSPC."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (4096, 256, 1):  # down to the last byte
            try:
                while True:
                    os.write(fd, b"x" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


@needs_root
def test_full_disk_keeps_events_in_order_and_writes_them_later(tmp_path: Path,
                                                               tally: Tally) -> None:
    with tiny_disk(tmp_path, size_kib=256) as disk:
        store = IncidentStore(disk / "incidents")
        loaded = store.create("disk fills", Severity.SEV2, ["api"], commander="alice",
                              opened_at=T0)
        journal = BufferedJournal(loaded.journal)
        filler = _fill(disk)
        events = [Event(T0 + timedelta(seconds=i), EventKind.NOTE, "alice",
                        f"note {i} " + "y" * 5000) for i in range(20)]
        keyed = Event(T0, EventKind.ALERT_FIRED, "cockpit", "Alert firing: X", {}, "alert:x")
        for event in events[:10]:
            assert journal.append(event)
        assert journal.append(keyed) and not journal.append(keyed)  # pending keys stay unique
        for event in events[10:]:
            assert journal.append(event)
        assert journal.pending == 21 and "No space" in journal.last_error
        assert journal.flush() == 0  # still full: nothing written, nothing dropped
        filler.unlink()
        assert journal.flush() == 21 and journal.pending == 0
        replayed = Journal(loaded.journal.path).replay()
    texts = [e.text for e in replayed.events if e.kind in (EventKind.NOTE, EventKind.ALERT_FIRED)]
    expected = [e.text for e in events[:10]] + [keyed.text] + [e.text for e in events[10:]]
    assert texts == expected
    tally.fault("disk full (ENOSPC)")
    tally.events(len(expected), lost=len(expected) - len(texts))


@needs_root
async def test_app_shows_a_banner_while_events_wait_for_space(tmp_path: Path,
                                                              tally: Tally) -> None:
    from cockpit.ui.app import create_app
    from tests.ui.fakes import cockpit_config, fixed_clock

    with tiny_disk(tmp_path, size_kib=64) as disk:
        store = IncidentStore(disk / "incidents")
        loaded = store.create("disk fills", Severity.SEV2, ["api"], commander="alice",
                              opened_at=T0)
        app = create_app(cockpit_config(), loaded, clock=fixed_clock)
        async with app.run_test(size=(120, 35)) as pilot:
            filler = _fill(disk)
            big = Event(T0, EventKind.NOTE, "cockpit", "pasted stack trace " + "s" * 8000)
            assert app.record(big)  # shown on the timeline, held in memory
            await pilot.press("n", *"written on a full disk", "enter")
            await pilot.pause()
            banners = [n.message for n in app._notifications]
            assert any("DISK FULL" in m for m in banners), banners
            assert app.journal.pending == 2
            filler.unlink()
            app.flush_pending()
            await pilot.pause()
            assert app.journal.pending == 0
            assert any("saved in order" in n.message for n in app._notifications)
        notes = [e.text for e in Journal(loaded.journal.path).replay().events
                 if e.kind is EventKind.NOTE]
    assert notes == [big.text, "written on a full disk"]
    tally.fault("disk full (app banner)")
    tally.events(2)


@needs_root
def test_a_failed_append_leaves_no_torn_line(tmp_path: Path) -> None:
    with tiny_disk(tmp_path, size_kib=64) as disk:
        journal = Journal(disk / "journal.jsonl")
        journal.append(Event(T0, EventKind.NOTE, "alice", "first"))
        filler = _fill(disk)
        with pytest.raises(JournalWriteError):
            journal.append(Event(T0, EventKind.NOTE, "alice", "z" * 20000))
        filler.unlink()
        journal.append(Event(T0, EventKind.NOTE, "alice", "after"))
        assert Journal(disk / "journal.jsonl").replay().warnings == []
