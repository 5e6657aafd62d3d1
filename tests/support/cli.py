"""Run the real ``cockpit`` command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


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
