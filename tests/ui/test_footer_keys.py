"""The footer lists the keys that work where the focus is, and keeps its widgets otherwise."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from cockpit.ui.widgets.analysis import AnalysisPane
from cockpit.ui.widgets.cluster import ClusterPane
from cockpit.ui.widgets.footer import KeysFooter
from cockpit.ui.widgets.logs import LogsPane
from cockpit.ui.widgets.metrics import MetricsPane
from tests.ui.conftest import AppFactory
from tests.ui.waiting import filled, until


async def test_focus_moves_rebuild_the_footer_only_when_its_keys_change(
        make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await filled(app)
        footer = app.screen.query_one(KeysFooter)
        await until(pilot, lambda: bool(footer.query(FooterKey)), "footer keys listed")
        keys = list(footer.query(FooterKey))
        described = {key.description for key in keys}
        assert {"Note", "Remedy"} <= described and "Confirm" not in described
        for pane in (LogsPane, ClusterPane, MetricsPane):  # no pane-specific keys here
            app.screen.query_one(pane).focus_target().focus()
            await pilot.pause()
            assert list(footer.query(FooterKey)) == keys, f"{pane.__name__}: footer rebuilt"
        app.screen.query_one(AnalysisPane).focus_target().focus()
        await until(pilot, lambda: "Confirm" in {k.description for k in footer.query(FooterKey)},
                    "the analysis pane's keys listed")
        app.screen.query_one(MetricsPane).focus_target().focus()
        await until(pilot, lambda: "Confirm" not in {k.description
                                                     for k in footer.query(FooterKey)},
                    "the analysis pane's keys gone again")
