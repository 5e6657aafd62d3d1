"""The allocator options reach glibc (their effect is measured by bench memory)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_takes_both_options() -> None:
    # in a fresh interpreter: the options are per process, and this one is shared by tests
    done = subprocess.run([sys.executable, "-c",
                           "from cockpit import malloc_tune; print(malloc_tune.tune())"],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "True", done.stderr
