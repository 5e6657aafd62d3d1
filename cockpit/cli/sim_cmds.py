"""``cockpit scenario serve`` and ``export-openmetrics``: the simulator for other terminals.

Registered on the ``scenario`` group (see scenario_cmds); kept apart so listing
and validating scenarios never import the servers.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cockpit.cli.common import CockpitUsageError
from cockpit.scenario import Scenario, ScenarioError, load_scenario
from cockpit.scenario.durations import format_duration, offset_to_datetime, parse_offset

if TYPE_CHECKING:
    from cockpit.scenario.sim import Simulator

FAULT_HELP = ("Inject a fault, e.g. prometheus:down@5m-8m, alertmanager:500@10:30-10:33, "
              "k8s:latency=3s@2m-4m, k8s:watch-drop@6m, logs:disconnect@6m-7m (repeatable).")


def _load(name: str) -> Scenario:
    try:
        return load_scenario(name)
    except ScenarioError as exc:
        raise CockpitUsageError("; ".join(exc.errors)) from None


def _offset(scenario: Scenario, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_offset(text, scenario.origin)
    except ValueError as exc:
        raise CockpitUsageError(f"--start-at: {exc}") from None


def make_simulator(scenario: Scenario, *, speed: float, start_at: str | None, anchor: str,
                   faults: tuple[str, ...] = ()) -> Simulator:
    """The simulator, or one clear error line for a bad ``--start-at`` or fault spec."""
    from cockpit.scenario.faults import FaultError
    from cockpit.scenario.sim import Simulator

    offset = _offset(scenario, start_at)
    try:
        return Simulator(scenario, speed=speed, start_at=offset, anchor=anchor, faults=faults)
    except FaultError as exc:
        raise CockpitUsageError(f"{exc}") from None


@click.command("serve")
@click.argument("name")
@click.option("--speed", type=click.FloatRange(min=0.01, max=10000), default=1.0,
              show_default=True, help="Scenario seconds per real second.")
@click.option("--start-at", metavar="OFFSET",
              help="Where to start: a duration from the origin (2h25m) or a time (10:25).")
@click.option("--anchor", type=click.Choice(["now", "origin"]), default="now", show_default=True,
              help="Serve times relative to now, or on the scenario's own date.")
@click.option("--kubeconfig-out", type=click.Path(dir_okay=False), help="Write a kubeconfig.")
@click.option("--config-out", type=click.Path(dir_okay=False),
              help="Write a cockpit config pointing at the simulator.")
@click.option("--fault", "faults", multiple=True, metavar="SPEC", help=FAULT_HELP)
def serve(name: str, speed: float, start_at: str | None, anchor: str,
          kubeconfig_out: str | None, config_out: str | None, faults: tuple[str, ...]) -> None:
    """Serve a scenario over loopback Prometheus, Alertmanager and Kubernetes APIs."""
    scenario = _load(name)
    sim = make_simulator(scenario, speed=speed, start_at=start_at, anchor=anchor, faults=faults)
    endpoints = sim.start()
    try:
        kubeconfig = Path(kubeconfig_out) if kubeconfig_out else None
        if kubeconfig is not None:
            sim.write_kubeconfig(kubeconfig)
        if config_out:
            if kubeconfig is None:
                kubeconfig = Path(config_out).with_suffix(".kubeconfig")
                sim.write_kubeconfig(kubeconfig)
            Path(config_out).write_text(sim.config_toml(kubeconfig.resolve()))
        start = offset_to_datetime(scenario.origin, sim.clock.offset())
        click.echo(f"scenario {scenario.name}: {scenario.title}")
        click.echo(f"  scenario time {start:%H:%M:%S} (+{format_duration(sim.clock.offset())}), "
                   f"speed {speed:g}x, namespace {scenario.namespace}")
        click.echo(f"  prometheus   {endpoints.prometheus}")
        click.echo(f"  alertmanager {endpoints.alertmanager}")
        click.echo(f"  kubernetes   {endpoints.kubernetes}")
        for fault in sim.faults.faults:
            click.echo(f"  fault        {fault.text}")
        if kubeconfig_out:
            click.echo(f"  kubeconfig   {kubeconfig_out}")
        if config_out:
            click.echo(f"  config       {config_out}  (cockpit --config {config_out} doctor)")
        click.echo("serving; Ctrl-C to stop", nl=True)
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        sim.stop()
        click.echo("stopped")


@click.command("export-openmetrics")
@click.argument("name")
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--anchor", type=click.Choice(["origin", "now"]), default="origin",
              show_default=True, help="Timestamps on the scenario's date, or ending now.")
def export_openmetrics_cmd(name: str, output: str, anchor: str) -> None:
    """Write the scenario's series as OpenMetrics (for promtool tsdb create-blocks-from)."""
    from cockpit.scenario.openmetrics import export_openmetrics as write_openmetrics
    from cockpit.scenario.sim import Simulator

    scenario = _load(name)
    sim = Simulator(scenario, start_at=scenario.duration, anchor=anchor, speed=1.0)
    sim.clock.set_speed(1e-9)  # freeze at the end: the whole scenario exists
    start, end = sim.clock.to_unix(0), sim.clock.to_unix(scenario.duration)
    if output == "-":
        count = write_openmetrics(sim.store, start, end, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8") as out:
            count = write_openmetrics(sim.store, start, end, out)
        click.echo(f"wrote {count} samples to {output}", err=True)
