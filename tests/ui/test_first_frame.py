"""The app module pulls in no client library: the first frame never waits for one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_app_loads_no_client_library() -> None:
    code = ("import sys, cockpit.ui.app; "
            "print(','.join(m for m in ('kubernetes', 'openai', 'prometheus_api_client', "
            "'httpx', 'drain3') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""
