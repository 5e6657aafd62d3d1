"""FileFollower behaves like tail -F on real files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.sources.logs.files import FileFollower, tail_offset
from tests.unit.logs.follow_helpers import Collector


@pytest.fixture
def follow_file(tmp_path: Path) -> Iterator[tuple[Path, FileFollower, Collector]]:
    path = tmp_path / "app.log"
    path.write_text("old 1\nold 2\nold 3\n")
    follower = FileFollower([path], poll_interval=0.02)
    collector = Collector(follower.follow)
    assert follower.started.wait(10)  # positioned at the end: appends from now on are seen
    yield path, follower, collector
    follower.stop()
    collector.thread.join(5)
    assert not collector.thread.is_alive()


def append(path: Path, text: str) -> None:
    with path.open("a") as f:
        f.write(text)


def data_lines(collector: Collector) -> list[str]:
    return [t for t in collector.texts() if not t.startswith("cockpit:")]


def test_starts_at_end_and_follows_appends(follow_file: tuple[Path, FileFollower, Collector]
                                           ) -> None:
    path, _, collector = follow_file
    append(path, "new 1\nnew ")
    collector.wait_text("new 1")
    append(path, "2\n")
    collector.wait_text("new 2")
    assert data_lines(collector) == ["new 1", "new 2"]
    assert all(line.source == str(path) for line in collector.lines)


def test_rename_rotation_reads_old_tail_then_new_file(
        follow_file: tuple[Path, FileFollower, Collector]) -> None:
    path, _, collector = follow_file
    append(path, "before rotation\n")
    collector.wait_text("before rotation")
    with path.open("a") as old:
        path.rename(path.with_name("app.log.1"))
        old.write("written to the renamed file\n")  # the app has not reopened yet
        old.flush()
        collector.wait_text("vanished")
        path.write_text("first in new file\n")
    collector.wait_text("first in new file")
    assert data_lines(collector) == [
        "before rotation", "written to the renamed file", "first in new file"]
    assert any("rotated" in t for t in collector.texts())


def test_copytruncate(follow_file: tuple[Path, FileFollower, Collector]) -> None:
    path, _, collector = follow_file
    append(path, "line before truncate\n")
    collector.wait_text("line before truncate")
    with path.open("r+") as f:
        f.truncate(0)
    collector.wait_text("truncated")
    append(path, "after truncate\n")
    collector.wait_text("after truncate")
    assert data_lines(collector) == ["line before truncate", "after truncate"]


def test_file_created_later_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "late.log"
    follower = FileFollower([path], poll_interval=0.02)
    collector = Collector(follower.follow)
    try:
        collector.wait_text("does not exist yet")
        path.write_text("hello\nworld\n")
        collector.wait_text("world")
        assert data_lines(collector) == ["hello", "world"]
        assert follower.health().state == "ok"
    finally:
        follower.stop()
        collector.thread.join(5)


def test_deleted_file_is_reported(follow_file: tuple[Path, FileFollower, Collector]) -> None:
    path, follower, collector = follow_file
    path.unlink()
    collector.wait_text("vanished")
    health = follower.health()
    assert health.state == "degraded" and "vanished" in health.last_error


def test_tail_lines_at_start(tmp_path: Path) -> None:
    path = tmp_path / "t.log"
    path.write_text("".join(f"l{i}\n" for i in range(10)))
    follower = FileFollower([path], tail_lines=3, poll_interval=0.02)
    collector = Collector(follower.follow)
    try:
        assert collector.wait_for(lambda t: len(t) >= 3) == ["l7", "l8", "l9"]
    finally:
        follower.stop()
        collector.thread.join(5)


def test_tail_offset(tmp_path: Path) -> None:
    path = tmp_path / "x"
    for content, n, expected in [(b"a\nb\nc\n", 2, 2), (b"a\nb\nc", 2, 2), (b"a\nb\n", 5, 0),
                                 (b"", 3, 0), (b"a\nb\n", 0, 4)]:
        path.write_bytes(content)
        fd = os.open(path, os.O_RDONLY)
        try:
            assert tail_offset(fd, len(content), n) == expected, (content, n)
        finally:
            os.close(fd)


def test_stop_is_prompt_with_slow_polling(tmp_path: Path) -> None:
    path = tmp_path / "quiet.log"
    path.write_text("")
    follower = FileFollower([path], poll_interval=60)
    collector = Collector(follower.follow)
    follower.stop()
    collector.thread.join(5)
    assert not collector.thread.is_alive()
