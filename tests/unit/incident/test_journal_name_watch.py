"""A journal kept open follows its path, now that fstat is asked only after a name event.

The name watch (cockpit.name_watch) replaced an fstat before every append; these
tests pin that no event goes to a deleted or replaced file however the change
is noticed: by another process, with another journal draining the shared queue
first, without inotify at all, and in a forked child.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.incident.journal import Journal, encode_event
from cockpit.incident.model import Event, EventKind
from cockpit.name_watch import NAMES, NameWatch

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


def note(text: str) -> Event:
    return Event(T0, EventKind.NOTE, "alice", text)


def texts(path: Path) -> list[str]:
    return [e.text for e in Journal(path).replay().events]


def replace_from_another_process(path: Path, text: str) -> None:
    line = encode_event(note(text)).decode()
    script = ("import os, sys; p = sys.argv[1]; open(p + '.new', 'w').write(sys.argv[2]); "
              "os.replace(p + '.new', p)")
    subprocess.run([sys.executable, "-c", script, str(path), line], check=True)


def test_a_file_replaced_by_another_process_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(note("one"))
    journal.append(note("two"))  # past the first append's own look
    replace_from_another_process(path, "restored")
    journal.append(note("three"))
    assert texts(path) == ["restored", "three"]


def test_another_journal_draining_the_queue_does_not_hide_our_replacement(
        tmp_path: Path) -> None:
    ours, theirs = Journal(tmp_path / "ours.jsonl"), Journal(tmp_path / "theirs.jsonl")
    for journal in (ours, theirs, ours, theirs):
        journal.append(note("before"))
    replace_from_another_process(ours.path, "restored")
    theirs.append(note("theirs"))  # reads the shared queue, our event included
    ours.append(note("after"))
    assert texts(ours.path) == ["restored", "after"]
    assert texts(theirs.path) == ["before", "before", "theirs"]


def test_attribute_changes_that_keep_the_name_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(note("one"))
    path.chmod(0o640)  # an inotify event, but the file keeps its name
    os.utime(path)
    journal.append(note("two"))
    assert texts(path) == ["one", "two"]


def test_without_inotify_every_append_looks(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cockpit.incident.journal.NAMES", NameWatch())
    monkeypatch.setattr(NameWatch, "_start", lambda self: False)
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(note("one"))
    journal.append(note("two"))
    path.unlink()
    journal.append(note("three"))
    assert texts(path) == ["three"]


def test_closing_journals_on_one_file_keeps_the_other_watched(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    first, second = Journal(path), Journal(path)
    first.append(note("one"))
    second.append(note("two"))
    first.close()  # the watch is shared by inode: it must stay for `second`
    second.append(note("three"))
    replace_from_another_process(path, "restored")
    second.append(note("four"))
    assert texts(path) == ["restored", "four"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_never_drains_the_parents_queue(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(note("parent"))
    journal.append(note("parent again"))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        try:
            path.unlink()
            journal.append(note("child"))  # looks (no queue here), follows the path
            os._exit(0 if NAMES.pending(0) else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    journal.append(note("parent after"))  # the unlink event is still ours to see
    assert texts(path) == ["child", "parent after"]
