"""The first frame waits for nothing it does not show.

The app module pulls in no client library, nor what only a later screen needs:
plotext (metric plots, once panels exist), the TextArea of the LLM payload dialog,
the modals and the patterns view. And the first frame painted is the header and six
titled, empty panes: their contents are mounted right after it.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable, Footer, Log, RichLog

from cockpit.ui.screens.main import MainScreen
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.analysis import ActionsPane, AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.metrics import PanelView
from cockpit.ui.widgets.pane import Pane
from cockpit.ui.widgets.timeline import TimelinePane
from tests.ui.conftest import AppFactory
from tests.ui.fakes import PANELS, ScriptedMetrics
from tests.ui.waiting import filled

ROOT = Path(__file__).resolve().parents[2]
TITLES = ("Metrics", "Logs", "Cluster & alerts", "Timeline (UTC)", "Analysis", "Actions")


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
             "kubernetes", "openai", "httpx", "cockpit.ui.screens.modals",
             "cockpit.ui.widgets.patterns_view", "cockpit.analysis.pattern_snapshot",
             "textual.widgets._data_table", "textual.widgets._tabbed_content",
             "textual.widgets._rich_log", "textual.widgets._log")
    statement = "import cockpit.cli.ui_cmds, cockpit.ui.app, cockpit.ui.wiring"
    assert _loaded_after(statement, later) == []


async def test_the_first_frame_is_titled_empty_panes_filled_right_after(
        make_app: AppFactory) -> None:
    """The skeleton is cheap to compose, so it is what Textual paints first; the panes'
    tables, logs and plots (and the footer) are mounted once that frame is out."""
    app = make_app(SourceSet(metrics=ScriptedMetrics()))
    first: list[tuple[list[bool], str]] = []

    def on_display() -> None:  # Textual calls it after every frame it paints
        screen = app.screen
        if not first and isinstance(screen, MainScreen):
            shown = [pane.filled or bool(pane.children) for pane in screen.query(Pane)]
            first.append(([*shown, bool(screen.query(Footer))], _plain(app.export_screenshot())))

    app.post_display_hook = on_display  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)):
        await filled(app)
        screen = app.screen
        assert first, "no frame painted"
        mounted_at_first_frame, text = first[0]
        assert not any(mounted_at_first_frame)
        assert all(title in text for title in TITLES)
        assert "Press r to choose a remediation action." not in text
        assert len(screen.query(PanelView)) == len(PANELS)  # one plot per configured panel
        assert screen.query_one(LogsPane).query(LogView)
        assert len(screen.query_one(ClusterPane).query(DataTable)) == 5  # a table per tab
        assert screen.query_one(TimelinePane).query(RichLog)
        assert screen.query_one(AnalysisPane).query(DataTable)
        assert screen.query_one(ActionsPane).query(Log)
        assert screen.query(Footer)


def _plain(svg: str) -> str:
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")
