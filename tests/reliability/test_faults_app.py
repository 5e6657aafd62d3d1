"""The app against a faulty simulator: it stays usable, journals the outage once, loses nothing.

Real sources (wiring.build_sources) against the simulator; the simulator's
clock stands still and the test moves it into and out of the fault windows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cockpit.cli.report_cmds import targets_of
from cockpit.incident.model import EventKind, Severity
from cockpit.incident.postmortem import render_markdown
from cockpit.incident.store import IncidentStore
from cockpit.sources.alertmanager import AlertmanagerSource
from cockpit.ui.app import create_app
from cockpit.ui.wiring import build_sources
from tests.reliability.conftest import SimFactory, move, sim_config
from tests.reliability.tally import Tally
from tests.ui.waiting import journal_events, until

DOWN = ("prometheus:down@10:31-10:33", "alertmanager:down@10:31-10:33", "k8s:down@10:31-10:33")
HTTP_500 = ("prometheus:500@10:31-10:33", "alertmanager:500@10:31-10:33")
SOURCE_OF = {"prometheus": "prometheus", "alertmanager": "alertmanager", "k8s": "kubernetes"}


@pytest.mark.parametrize("faults, reason", [(DOWN, ""), (HTTP_500, "HTTP 500")],
                         ids=["down", "http-500"])
async def test_outage_is_journalled_once_and_keys_work_meanwhile(
        make_sim: SimFactory, tmp_path: Path, tally: Tally, faults: tuple[str, ...],
        reason: str) -> None:
    """A refused connection and an HTTP 5xx are both monitoring gaps: journalled, in the
    post-mortem."""
    watched = tuple(SOURCE_OF[spec.split(":")[0]] for spec in faults)
    sim = make_sim(*faults, at="10:30:30")
    config = sim_config(sim, tmp_path)
    store = IncidentStore(tmp_path / "incidents")
    clock = sim.clock.now_datetime
    loaded = store.create("api-gateway 5xx", Severity.SEV2, ["api-gateway"], commander="alice",
                          namespace=sim.scenario.namespace, opened_at=clock())
    path = loaded.journal.path
    app = create_app(config, loaded, build_sources(config, clock), clock=clock)

    def kinds(kind: EventKind) -> list[str]:
        return [str(e.data.get("source", e.key)) for e in journal_events(path, kind)]

    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: bool(kinds(EventKind.ALERT_FIRED)), "the alert fired")
        fired_before = sorted(e.key or "" for e in journal_events(path, EventKind.ALERT_FIRED))
        move(sim, "10:32")
        await until(pilot, lambda: set(watched) <= set(kinds(EventKind.SOURCE_DOWN)),
                    "every source journalled down")
        await pilot.press("n", *"pool exhausted", "enter")
        await until(pilot, lambda: bool(journal_events(path, EventKind.NOTE)), "the note")
        move(sim, "10:34")
        # a source that was down retries with a doubling delay (1, 2, 4, 8 s...): on a
        # busy machine the outage above lasts long enough for a retry to be 16 s away
        await until(pilot, lambda: set(watched) <= set(kinds(EventKind.SOURCE_RECOVERED)),
                    "every source journalled back", timeout=40)
        await pilot.pause(0.3)
        incident = app.incident
    events = journal_events(path)
    keyed = Counter(e.key for e in events if e.key)
    assert [k for k, n in keyed.items() if n > 1] == []
    fired_after = [e for e in events if e.kind is EventKind.ALERT_FIRED]
    assert set(fired_before) <= {e.key for e in fired_after}
    firing_now = await AlertmanagerSource(config.alertmanager, clock=sim.clock.now).fetch()
    # every alert firing after the reconnect was journalled exactly once, none lost
    assert sorted(str(e.data["fingerprint"]) for e in fired_after) == \
        sorted(a.fingerprint for a in firing_now)
    assert Counter(kinds(EventKind.SOURCE_DOWN)) == Counter(watched)
    assert [n.text for n in journal_events(path, EventKind.NOTE)] == \
        ["pool exhausted"]
    report = render_markdown(incident, targets_of(config.targets), now=clock())
    gaps = report.split("### Monitoring gaps", 1)[1]
    for source in watched:
        assert f"{source} down from" in gaps and "back at" in gaps
    downs = journal_events(path, EventKind.SOURCE_DOWN)
    assert all(reason in e.text for e in downs), [e.text for e in downs]
    for spec in faults:
        tally.fault(spec.split("@")[0] + " (app)")
    tally.events(len(events))
