"""Fixtures every suite shares: a private COCKPIT_HOME and a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def cockpit_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every location (config, data, state) under a fresh temporary folder."""
    home = tmp_path / "cockpit-home"
    monkeypatch.setenv("COCKPIT_HOME", str(home))
    monkeypatch.delenv("COCKPIT_CONFIG", raising=False)
    yield home
