"""The log process leaves httpx's command-line client (click, rich, pygments) unloaded."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from cockpit.sources.logs.process_child import skip_httpx_cli
skip_httpx_cli()
import httpx
with httpx.Client(timeout=1) as client:  # the client is whole: it reports a refused port
    try:
        client.get("http://127.0.0.1:9/api/v2/alerts")
    except httpx.ConnectError:
        pass
print(sorted(m for m in ("click", "rich", "pygments") if m in sys.modules))
"""


def test_httpx_works_without_its_cli_modules() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_without_the_guard_httpx_would_load_them() -> None:
    """What the guard saves: plain ``import httpx`` pulls in its CLI's modules here."""
    probe = "import sys, httpx; print('rich' in sys.modules and 'click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "True"
