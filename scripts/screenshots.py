"""Regenerate screenshots/*.svg: the demo incident at fixed scenario times, fixed size.

The README's pictures must show what the code draws today, so they are taken
from the real app fed by the real sources against the in-process simulator,
never drawn by hand. The simulated clock sits on the scenario's own date and is
frozen between shots (it only moves when this script moves it), so running the
script twice gives the same files.

    python scripts/screenshots.py [--out screenshots] [--size 140x42]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from msgspec.structs import replace  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Log, RichLog  # noqa: E402

from cockpit.cli.ui_cmds import demo_config  # noqa: E402
from cockpit.config import Config, config_from_dict  # noqa: E402
from cockpit.incident.model import EventKind, Severity  # noqa: E402
from cockpit.incident.store import IncidentStore  # noqa: E402
from cockpit.scenario import load_scenario  # noqa: E402
from cockpit.scenario.durations import parse_offset  # noqa: E402
from cockpit.scenario.sim import Simulator  # noqa: E402
from cockpit.sources.base import HealthState  # noqa: E402
from cockpit.ui.app import CockpitApp, create_app  # noqa: E402
from cockpit.ui.widgets.cluster import ClusterPane  # noqa: E402
from cockpit.ui.widgets.header import HeaderBar  # noqa: E402
from cockpit.ui.widgets.logs import LogsPane  # noqa: E402
from cockpit.ui.widgets.metrics import MetricsPane  # noqa: E402
from cockpit.ui.widgets.pane import Pane  # noqa: E402
from cockpit.ui.widgets.timeline import TimelinePane  # noqa: E402
from cockpit.ui.wiring import build_sources  # noqa: E402

SCENARIO = "api-gateway"
ENGINEER = "alice"
POLL_S = 0.5
LOG_BUFFER = 50_000
STEADY_S = 1.5  # nothing new on screen for this long (three polls): settled
SETTLE_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Shot:
    file: str
    at: str  # scenario time of day
    keys: tuple[str, ...]
    title: str
    focus: str = ""  # the pane (by id) to focus before the keys, as tab would


SHOTS = (
    Shot("01-calm.svg", "10:25:00", (), "calm before: 10:25"),
    Shot("02-alert-firing.svg", "10:31:00", (), "HighErrorRate firing: 10:31"),
    Shot("03-analysis.svg", "10:32:00", ("a", "i"), "acknowledged, analysis asked (i): 10:32"),
    Shot("04-remediation.svg", "10:33:00", ("r",), "remediation (r): 10:33"),
    Shot("05-recovered.svg", "10:40:00", (), "after the rollback to revision 41: 10:40"),
    Shot("06-timeline.svg", "10:40:00", ("z",), "the timeline, zoomed (z): 10:40",
         focus="timeline"),
)
ROLLBACK = ("10:34:00", 41)  # kubectl rollout undo between shots 4 and 5
ROLLBACK_BEFORE = "05-recovered.svg"


def screenshot_config(sim: Simulator, kubeconfig: Path) -> Config:
    """The demo's config with quick polls (each shot settles in about a second) and room
    for the log lines a jump of the clock brings at once (nothing shown as dropped)."""
    config = demo_config(config_from_dict({"engineer": {"name": ENGINEER}}),
                         sim.config_toml(kubeconfig))
    return replace(config, prometheus=replace(config.prometheus, refresh_s=POLL_S),
                   # the clock only jumps here: "gone for 90 s" would never come true
                   alertmanager=replace(config.alertmanager, refresh_s=POLL_S,
                                        resolve_grace_s=0),
                   kubernetes=replace(config.kubernetes, refresh_s=POLL_S),
                   logs=replace(config.logs, buffer_lines=LOG_BUFFER))


async def _settle(pilot: Pilot[Any], app: CockpitApp) -> None:
    """Wait until the four sources have reported and nothing changed for a moment."""
    def state() -> tuple[object, ...] | None:
        screen = app.main_screen
        if screen is None:
            return None
        header = screen.query_one(HeaderBar)
        if header.now != app.clock():  # the clock jumped and the header has not ticked yet
            return None
        health = header.health
        cluster = screen.query_one(ClusterPane)
        panels = screen.query_one(MetricsPane).panels
        snap = cluster.snapshot
        if len(health) < 4 or any(h.state is not HealthState.OK for h in health.values()) \
                or not panels or snap is None:
            return None
        return (len(app.incident.events), screen.query_one(Log).line_count, cluster.alerts,
                [(p.series, round(p.end)) for p in panels], snap.deployments, snap.pods,
                len(app.screen_stack))

    last, since, deadline = None, time.monotonic(), time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        now = state()
        if now is None or now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= STEADY_S:
            if app.screen is app.main_screen:
                _in_time_order(app)
            app.clear_notifications()  # toasts time out in real time: never in a picture
            await pilot.pause(0.2)
            return
    raise RuntimeError(f"the app never settled at {app.clock():%H:%M:%S}")


def _in_time_order(app: CockpitApp) -> None:
    """Sources report in parallel, so arrival order varies: show logs and timeline in time
    order (then kind) for a picture that does not change from run to run.

    The log sort is stable, so each pod's lines (a stack trace) keep their own order.
    """
    screen = app.main_screen
    assert screen is not None
    timeline = screen.query_one(TimelinePane)
    timeline.query_one(RichLog).clear()
    timeline.add_events(sorted(app.incident.events, key=lambda e: (e.ts, e.kind.value, e.text)))
    focused = screen.focused  # set_filter focuses the log; the picture keeps the user's focus
    pane = screen.query_one(LogsPane)
    ordered = sorted(pane.lines, key=lambda line: (line.ts, line.source))
    pane.lines.clear()
    pane.lines.extend(ordered)
    pane.set_filter("")
    pane.by_pod = Counter(dict(sorted(pane.by_pod.items())))  # equal counts: by name
    pane.append([])  # redraws the counts
    screen.set_focus(focused)


def rollback(kubeconfig: Path, cache: Path, revision: int) -> None:
    """A real PATCH through kubectl, as the engineer would type it."""
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), KUBECACHEDIR=str(cache))
    argv = ["kubectl", "rollout", "undo", f"deployment/{SCENARIO}", f"--to-revision={revision}"]
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"{' '.join(argv)} did not run: {exc}; is kubectl installed?") from None
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()}")


async def regenerate(out: Path, size: tuple[int, int]) -> list[Path]:
    """One app, one incident: the clock jumps from shot to shot, the timeline grows."""
    scenario = load_scenario(SCENARIO)
    at = partial(parse_offset, origin=scenario.origin)
    sim = Simulator(scenario, start_at=at(SHOTS[0].at), anchor="origin")
    # Frozen: only jump_to moves it. Even a crawl would leak into the picture (pod names
    # hash their creation time, rate windows land on scrape instants).
    sim.clock.speed = 0.0
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="cockpit-shots-") as tmp, sim:
        kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
        loaded = IncidentStore(Path(tmp) / "incidents").create(
            f"DEMO: {scenario.title}", Severity.SEV2, (sim.main_service,), commander=ENGINEER,
            namespace=scenario.namespace, opened_at=sim.clock.now_datetime(),
            extra={"scenario": scenario.name})
        config = screenshot_config(sim, kubeconfig)
        clock = sim.clock.now_datetime
        app = create_app(config, loaded, build_sources(config, clock), clock=clock)
        async with app.run_test(size=size) as pilot:
            base = len(app.screen_stack)
            for shot in SHOTS:
                if shot.file == ROLLBACK_BEFORE:
                    when, revision = ROLLBACK
                    sim.clock.jump_to(at(when))
                    await asyncio.to_thread(rollback, kubeconfig, Path(tmp) / "cache", revision)
                    app.record_by_engineer(EventKind.NOTE, f"Rolled back {SCENARIO} to "
                                           f"revision {revision} (kubectl rollout undo)")
                    await _settle(pilot, app)  # the deploy is seen when it happened
                sim.clock.jump_to(at(shot.at))
                await _settle(pilot, app)
                if shot.focus:
                    app.main_screen.query_one(f"#{shot.focus}", Pane).focus_target().focus()
                for key in shot.keys:
                    await pilot.press(key)
                await _settle(pilot, app)
                path = out / shot.file
                path.write_text(app.export_screenshot(title=f"cockpit: {shot.title}"),
                                encoding="utf-8")
                written.append(path)
                while len(app.screen_stack) > base:  # close what the keys opened
                    await pilot.press("escape")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", default="140x42", help="columns x rows (default 140x42)")
    args = parser.parse_args(argv)
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size {args.size!r}: expected COLUMNSxROWS such as 140x42")
    try:
        written = asyncio.run(regenerate(args.out, (width, height)))
    except (RuntimeError, OSError) as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
