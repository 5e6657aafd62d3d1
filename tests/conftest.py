"""Fixtures every suite shares: a private COCKPIT_HOME and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cockpit_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every location (config, data, state) under a fresh temporary folder."""
    home = tmp_path / "cockpit-home"
    monkeypatch.setenv("COCKPIT_HOME", str(home))
    monkeypatch.delenv("COCKPIT_CONFIG", raising=False)
    yield home


def cockpit_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["COCKPIT_HOME"] = str(home)
    env.pop("COCKPIT_CONFIG", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_cockpit(home: Path, *args: str, input: str | None = None, timeout: float = 60,
                **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``cockpit`` command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        env=cockpit_env(home, **env), capture_output=True, text=True, input=input,
        timeout=timeout,
    )
