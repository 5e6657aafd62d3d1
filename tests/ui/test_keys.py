"""Every key does what it says, and what changes the incident is in the journal file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from cockpit.incident.model import EventKind, Hypothesis, Severity, Status
from cockpit.incident.store import LoadedIncident
from cockpit.ui.messages import AnalysisRequested, HypothesesUpdated
from cockpit.ui.screens.modals import HelpScreen, QuitScreen
from cockpit.ui.screens.remediation import RemediationListScreen
from cockpit.ui.widgets.analysis import AnalysisPane
from cockpit.ui.widgets.pane import Pane
from tests.ui.conftest import AppFactory
from tests.ui.waiting import filled, journal_events, until


async def test_acknowledge_is_journalled_once(make_app: AppFactory,
                                              loaded: LoadedIncident) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("a")
        await pilot.press("a")
    acks = journal_events(loaded.journal.path, EventKind.ACKNOWLEDGED)
    assert [e.actor for e in acks] == ["alice"]


async def test_note_enter_saves_and_escape_cancels(make_app: AppFactory,
                                                   loaded: LoadedIncident) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("n")
        await pilot.press(*"rolled back a pod", "enter")
        await pilot.press("n", *"never mind", "escape")
    notes = journal_events(loaded.journal.path, EventKind.NOTE)
    assert [n.text for n in notes] == ["rolled back a pod"]
    assert journal_events(loaded.journal.path, EventKind.ACKNOWLEDGED) == []  # 'a' was typed


async def test_status_and_severity_pickers(make_app: AppFactory, loaded: LoadedIncident) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("s", "2")
        await pilot.press("v", "1")
        await pilot.press("s", "escape")
        assert app.incident.status is Status.IDENTIFIED
        assert app.incident.severity is Severity.SEV1
    status = journal_events(loaded.journal.path, EventKind.STATUS_CHANGED)
    severity = journal_events(loaded.journal.path, EventKind.SEVERITY_CHANGED)
    assert [dict(e.data) for e in status] == [{"from": "investigating", "to": "identified"}]
    assert [dict(e.data) for e in severity] == [{"from": "SEV2", "to": "SEV1"}]


async def test_help_remediation_and_analysis_request(make_app: AppFactory) -> None:
    seen: list[object] = []
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=seen.append) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("r")
        assert isinstance(app.screen, RemediationListScreen)
        texts = [str(label.render()) for label in app.screen.query(Label)]
        assert any("No action available" in t for t in texts)
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
    assert any(isinstance(m, AnalysisRequested) for m in seen)


async def test_zoom_and_tab_between_panes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        first = screen.current_pane()  # type: ignore[attr-defined]
        await pilot.press("tab")
        second = screen.current_pane()  # type: ignore[attr-defined]
        assert isinstance(second, Pane) and second is not first
        await pilot.press("z")
        assert screen.maximized is second
        await pilot.press("z")
        assert screen.maximized is None


async def test_hypotheses_confirm_and_refute(make_app: AppFactory,
                                             loaded: LoadedIncident) -> None:
    bad_deploy = Hypothesis("h1", "Bad deploy of api-gateway 1.5.0", "deployment/api-gateway",
                            0.8, ("errors began 40 s after revision 4",), "rollback")
    oom = Hypothesis("h2", "Memory limit too low", "pod/api-gateway", 0.3, ("OOMKilled",), "")
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await filled(app)  # the table the keys move in
        app.screen.post_message(HypothesesUpdated([oom, bad_deploy]))
        pane = app.screen.query_one(AnalysisPane)
        await until(pilot, lambda: len(pane.hypotheses) == 2, "hypotheses shown")
        pane.focus_target().focus()
        await pilot.press("c")  # the top-ranked one (0.8) is selected first
        await pilot.press(*"errors began with rev 4", "enter")  # the reason
        await pilot.press("down", "x", "escape")  # Esc: no verdict after all
        await pilot.pause()
        assert len(pane.verdicts) == 1
        await pilot.press("x", "enter")  # a verdict without a reason
        await until(pilot, lambda: len(pane.verdicts) == 2, "both verdicts shown")
    confirmed = journal_events(loaded.journal.path, EventKind.HYPOTHESIS_CONFIRMED)
    refuted = journal_events(loaded.journal.path, EventKind.HYPOTHESIS_REFUTED)
    assert [e.data["id"] for e in confirmed] == ["h1"]
    assert confirmed[0].data["reason"] == "errors began with rev 4"
    assert [(e.data["id"], e.data["reason"]) for e in refuted] == [("h2", "")]


async def test_quit_leave_open_writes_postmortem(make_app: AppFactory,
                                                 loaded: LoadedIncident) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")  # stays
        assert not isinstance(app.screen, QuitScreen)
        await pilot.press("q", "o")
    path = app.return_value
    assert isinstance(path, Path) and path == loaded.folder / "postmortem.md"
    assert "# Post-Mortem: api-gateway 5xx errors" in path.read_text()
    assert journal_events(loaded.journal.path, EventKind.POSTMORTEM_WRITTEN)
    assert journal_events(loaded.journal.path, EventKind.STATUS_CHANGED) == []


async def test_quit_resolve_marks_resolved_then_writes_postmortem(
        make_app: AppFactory, loaded: LoadedIncident) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("q", "r")
    assert app.return_value == loaded.folder / "postmortem.md"
    kinds = [e.kind for e in journal_events(loaded.journal.path)]
    assert kinds[-2:] == [EventKind.STATUS_CHANGED, EventKind.POSTMORTEM_WRITTEN]
    assert "**Status**: resolved" in (loaded.folder / "postmortem.md").read_text()


async def test_palette_offers_every_action_and_ctrl_q_asks_first(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Ack", "Note", "Status", "Severity", "Zoom", "Quit"} <= titles
        assert "cockpit-colorblind" in app.available_themes
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
