"""``cockpit analyze``: the offline root-cause analyzer on a scenario, from the command line.

It starts the simulator in-process at the chosen scenario time, collects through the
real sources (Prometheus, Alertmanager and Kubernetes clients, pod logs over the pod-log
API), and prints the ranked hypotheses. This is how the analyzer is scored and how a
rule change is tried out without opening the screen.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cockpit.cli.common import CockpitUsageError, config_option
from cockpit.scenario import Scenario, ScenarioError, load_scenario
from cockpit.scenario.durations import format_duration, offset_to_datetime, parse_offset

if TYPE_CHECKING:
    from cockpit.scenario.sim import Simulator

AFTER_ALERT_S = 300.0


@dataclass(frozen=True)
class ScenarioAnalysis:
    scenario: str
    offset: float
    at: str  # ISO time analyzed
    hypotheses: list[dict[str, Any]]
    problems: list[str]
    log_lines: int


def first_alert_offset(sim: Simulator) -> float | None:
    """When the scenario's first alert fires after its demo start (rule evaluation, not
    truth). The simulator's clock must stand at or after that time (e.g. at the end)."""
    scenario = sim.scenario
    step = sim.rules.eval_interval
    start = sim.clock.to_unix(scenario.demo_start)
    end = min(sim.clock.now(), sim.clock.to_unix(scenario.duration))
    already = {a.fingerprint for a in sim.rules.firing_at(start)}
    t = start
    while t <= end:
        for alert in sim.rules.firing_at(t):
            if alert.fingerprint not in already and alert.fired_at is not None:
                return sim.clock.to_offset(alert.fired_at)
        t += step
    return None


def default_offset(sim: Simulator) -> float:
    fired = first_alert_offset(sim)
    if fired is None:
        return min(sim.scenario.duration, sim.scenario.demo_start + 600)
    return min(sim.scenario.duration, fired + AFTER_ALERT_S)


def analyze_scenario(scenario: Scenario, offset: float | None = None) -> ScenarioAnalysis:
    """Serve ``scenario`` at ``offset`` (default: 5 minutes after the first alert fires),
    collect through the real sources, analyze."""
    from cockpit.analysis.collect import collect
    from cockpit.analysis.offline import analyze
    from cockpit.config.schema import (
        AlertmanagerConfig,
        Config,
        IncidentConfig,
        KubernetesConfig,
        PrometheusConfig,
    )
    from cockpit.scenario.sim import CONTEXT, Simulator

    sim = Simulator(scenario, start_at=scenario.duration, anchor="origin")
    if offset is None:
        offset = default_offset(sim)  # the rules' evaluations are then cached for the API
    sim.clock.jump_to(offset)
    with tempfile.TemporaryDirectory(prefix="cockpit-analyze-") as tmp, sim:
        kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
        service = sim.main_service
        config = Config(
            incident=IncidentConfig(service=service),
            prometheus=PrometheusConfig(url=sim.prometheus.url),
            alertmanager=AlertmanagerConfig(url=sim.alertmanager.url),
            kubernetes=KubernetesConfig(kubeconfig=str(kubeconfig), context=CONTEXT,
                                        namespace=scenario.namespace, deployment=service),
        )
        got = collect(config, sim.clock.now, service=service)
        hypotheses = analyze(got.inputs)
    at = offset_to_datetime(scenario.origin, offset)
    return ScenarioAnalysis(scenario.name, offset, at.isoformat().replace("+00:00", "Z"),
                            [h.to_data() for h in hypotheses], got.problems, got.log_lines)


def _print_table(result: ScenarioAnalysis) -> None:
    from cockpit.safe_text import inert

    click.echo(f"scenario {result.scenario} at {result.at} "
               f"(+{format_duration(result.offset)}), {result.log_lines} log lines mined")
    for problem in result.problems:
        click.echo(f"  note: {inert(problem)}")
    click.echo(f"{'#':>2}  {'conf':>5}  {'cause':<18} {'culprit':<36} remedy")
    for rank, h in enumerate(result.hypotheses, 1):
        click.echo(f"{rank:>2}  {float(str(h['confidence'])):>5.0%}  {h['cause']!s:<18} "
                   f"{inert(str(h['culprit'])):<36} {h['remedy']}")
        for fact in h["evidence"]:
            click.echo(f"      - {inert(str(fact))}")


@click.command("analyze")
@click.option("--scenario", "name", required=True, metavar="NAME|FILE",
              help="A builtin scenario (cockpit scenario list) or a scenario file.")
@click.option("--at", "at", default=None, metavar="OFFSET",
              help="Scenario time: a duration from the origin (2h35m) or a time (10:35). "
                   "Default: 5 minutes after the first alert fires.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@config_option
def analyze(name: str, at: str | None, as_json: bool) -> None:
    """Rank root-cause hypotheses for a scenario at one moment."""
    try:
        scenario = load_scenario(name)
    except ScenarioError as exc:
        raise CockpitUsageError("; ".join(exc.errors)) from None
    offset: float | None = None
    if at is not None:
        try:
            offset = parse_offset(at, scenario.origin)
        except ValueError as exc:
            raise CockpitUsageError(f"--at: {exc}") from None
    if offset is not None and not 0 <= offset <= scenario.duration:
        raise CockpitUsageError(
            f"--at {at}: outside the scenario (0 to {format_duration(scenario.duration)} "
            f"from {scenario.origin:%H:%M}); pick a time inside it")
    result = analyze_scenario(scenario, offset)
    if as_json:
        click.echo(json.dumps(result.__dict__, indent=2))
    else:
        _print_table(result)
