"""Deploys and alerts mark the plots; other journal events leave the plots alone.

Every journal event refreshes the incident view; the plots are redrawn only when their
marks change, since redrawing every plot held the keys up for ~100 ms each time.
"""

from __future__ import annotations

import pytest

from cockpit.incident.model import EventKind
from cockpit.ui.sources import SourceSet
from cockpit.ui.widgets.metrics import MetricsPane
from tests.ui.conftest import AppFactory
from tests.ui.fakes import ScriptedCluster
from tests.ui.waiting import until


async def test_plots_redrawn_for_a_new_mark_only(make_app: AppFactory,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    redraws: list[tuple[tuple[float, str], ...]] = []
    watch = MetricsPane.watch_markers

    def counted(self: MetricsPane) -> None:
        redraws.append(self.markers)
        watch(self)

    monkeypatch.setattr(MetricsPane, "watch_markers", counted)
    cluster = ScriptedCluster(revision=3)
    app = make_app(SourceSet(cluster=cluster))
    async with app.run_test(size=(120, 35)) as pilot:
        await until(pilot, lambda: cluster.calls >= 2, "two snapshots at revision 3")
        pane = app.screen.query_one(MetricsPane)
        assert pane.markers == ()
        before = len(redraws)
        await pilot.press("a")  # acknowledged: a journal event that marks no plot
        await until(pilot, lambda: any(e.kind is EventKind.ACKNOWLEDGED
                                       for e in app.incident.events), "acknowledged")
        await pilot.pause(0.2)
        assert len(redraws) == before, "an acknowledgement redrew the plots"
        cluster.revision = 4
        await until(pilot, lambda: any(kind == "deploy" for _, kind in pane.markers),
                    "the deploy marked on the plots")
        assert len(redraws) == before + 1
        deploy = next(e for e in app.incident.events if e.kind is EventKind.DEPLOY_DETECTED)
        assert pane.markers == ((deploy.ts.timestamp(), "deploy"),)
