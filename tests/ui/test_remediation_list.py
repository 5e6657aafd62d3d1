"""`r` pressed before the cluster was first seen: the list fills in when it is.

At start-up the first cluster snapshot can take seconds (a slow API server, the client
loading); an engineer who pressed `r` at once should not have to close and reopen the
list to find the rollback.
"""

from __future__ import annotations

import threading

from textual.widgets import OptionList

from cockpit.incident.store import LoadedIncident
from cockpit.sources.base import ClusterSnapshot
from cockpit.ui.screens.remediation import RemediationListScreen
from cockpit.ui.sources import SourceSet
from tests.ui.conftest import AppFactory
from tests.ui.fakes import ScriptedCluster
from tests.ui.waiting import filled, until


class GatedCluster(ScriptedCluster):
    """Answers only once the test opens the gate (a slow first poll)."""

    def __init__(self) -> None:
        super().__init__(revision=3)
        self.gate = threading.Event()

    def snapshot(self) -> ClusterSnapshot:
        while not self.gate.wait(0.05):
            pass
        return super().snapshot()


def _text(screen: RemediationListScreen) -> str:
    options = list(screen.query(OptionList))
    if not options:
        return ""
    return "\n".join(str(options[0].get_option_at_index(i).prompt)
                     for i in range(options[0].option_count))


async def test_a_list_opened_before_the_first_snapshot_fills_in(
        make_app: AppFactory, loaded: LoadedIncident) -> None:
    cluster = GatedCluster()
    app = make_app(SourceSet(cluster=cluster))
    async with app.run_test(size=(160, 48)) as pilot:
        await filled(app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RemediationListScreen), "the list")
        listing = app.screen
        assert isinstance(listing, RemediationListScreen)
        assert not listing.catalogue.plans and _text(listing) == ""
        cluster.gate.set()
        await until(pilot, lambda: "rollback api-gateway 3 → 2" in _text(listing),
                    "the rollback in the open list")
        assert app.screen is listing
        # focus is applied after the list is mounted (Textual defers it): wait for it
        await until(pilot, lambda: app.focused is listing.query_one(OptionList),
                    "the filled-in list focused, so Enter previews")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RemediationListScreen),
                    "the list closed")
