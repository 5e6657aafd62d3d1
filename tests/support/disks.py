"""Real unwritable and full filesystems for tests (small tmpfs mounts).

As root (CI), a read-only or tiny tmpfs is mounted in the test's temp dir; as
a normal user, a read-only directory is made with chmod. Mounts are undone on exit.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


def _mount(target: Path, options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                   check=True, capture_output=True)


@contextlib.contextmanager
def read_only_dir(base: Path) -> Iterator[Path]:
    target = base / "ro"
    target.mkdir()
    if os.geteuid() == 0:
        _mount(target, "ro,size=64k")
        try:
            yield target
        finally:
            subprocess.run(["umount", str(target)], check=False)
    else:
        target.chmod(0o500)
        try:
            yield target
        finally:
            target.chmod(0o700)


@contextlib.contextmanager
def tiny_disk(base: Path, size_kib: int = 64) -> Iterator[Path]:
    """A filesystem that fills after ``size_kib`` KiB (root only)."""
    if os.geteuid() != 0:
        raise RuntimeError("tiny_disk needs root to mount a tmpfs")
    target = base / "tiny"
    target.mkdir()
    _mount(target, f"size={size_kib}k,mode=0700")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)
