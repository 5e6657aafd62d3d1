"""The app module pulls in no client library: the first frame never waits for one.

Nor for what only a later screen needs: plotext (metric plots, once panels exist) and
the TextArea of the LLM payload dialog cost tens of milliseconds each at start.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = (f"import sys; {statement}; "
            f"print(','.join(m for m in {modules!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


def test_importing_the_app_loads_no_client_library() -> None:
    clients = ("kubernetes", "openai", "prometheus_api_client", "httpx", "drain3")
    assert _loaded_after("import cockpit.ui.app", clients) == []


def test_the_open_command_loads_neither_plots_nor_the_payload_editor() -> None:
    later = ("plotext", "textual_plotext", "textual.widgets._text_area", "jsonschema",
             "kubernetes", "openai", "httpx")
    statement = "import cockpit.cli.ui_cmds, cockpit.ui.app, cockpit.ui.wiring"
    assert _loaded_after(statement, later) == []
