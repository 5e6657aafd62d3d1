"""A widened pipe takes a whole chunk of log lines in one non-blocking write."""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

import pytest

from cockpit import pipes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ")
F_GETPIPE_SZ = 1032
CHUNK = 300_000  # a chunk of 2,000 pickled log lines is ~290 KB


def _fits_without_blocking(write_fd: int) -> bool:
    os.set_blocking(write_fd, False)
    try:
        return os.write(write_fd, b"x" * CHUNK) == CHUNK
    except BlockingIOError:
        return False


def test_a_plain_pipe_takes_only_part_of_a_chunk() -> None:
    read_fd, write_fd = os.pipe()
    try:
        assert not _fits_without_blocking(write_fd)  # what the widening is for
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_a_widened_pipe_takes_the_chunk_in_one_write() -> None:
    read_fd, write_fd = os.pipe()
    try:
        size = pipes.widen(write_fd)
        assert size >= min(pipes.PIPE_BYTES, pipes._max_size()) > CHUNK
        assert fcntl.fcntl(read_fd, F_GETPIPE_SZ) == size  # one buffer, both ends
        assert _fits_without_blocking(write_fd)
        assert len(os.read(read_fd, CHUNK + 1)) == CHUNK  # and the reader takes it at once
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_anything_but_a_pipe_is_left_alone(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "file", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        assert pipes.widen(fd) == 0
    finally:
        os.close(fd)
