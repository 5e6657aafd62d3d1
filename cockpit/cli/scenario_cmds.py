"""``cockpit scenario``: list, show and validate the incident scenarios behind ``cockpit demo``.

``list`` and the text form of ``show`` never print a scenario's truth (it would spoil the
exercise); ``show --json`` includes it for tooling.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from cockpit.scenario import ScenarioError, builtin_names, load_scenario, scenario_path
from cockpit.scenario.durations import format_duration, offset_to_datetime
from cockpit.scenario.model import Scenario


@click.group("scenario")
def scenario_group() -> None:
    """Incident scenarios for `cockpit demo`: list, show, validate."""


def _summary(s: Scenario) -> str:
    pods = sum(d.replicas for d in s.deployments)
    return (f"{len(s.deployments)} deployments, {pods} pods, {len(s.services)} services, "
            f"{len(s.alerts)} alert rules, {format_duration(s.duration)}")


def _when(s: Scenario, offset: float) -> str:
    return offset_to_datetime(s.origin, offset).strftime("%Y-%m-%d %H:%M:%S UTC")


@scenario_group.command("validate")
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check scenario FILES (or built-in names); print every error with its line."""
    failed = False
    for name in files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            failed = True
            for line in exc.errors:
                click.echo(line, err=True)
            continue
        click.echo(f"{name}: ok ({_summary(scenario)})")
    if failed:
        sys.exit(1)


def _load_all() -> list[Scenario]:
    return [load_scenario(n) for n in builtin_names()]


@scenario_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_cmd(as_json: bool) -> None:
    """The built-in scenarios: name, namespace, duration and title."""
    try:
        scenarios = _load_all()
    except ScenarioError as exc:
        raise click.ClickException("; ".join(exc.errors)) from None
    if as_json:
        click.echo(json.dumps([{
            "name": s.name, "title": s.title, "namespace": s.namespace,
            "duration": format_duration(s.duration), "origin": _when(s, 0.0),
        } for s in scenarios], indent=2))
        return
    width = max(len(s.name) for s in scenarios)
    click.echo(f"{'NAME':<{width}}  {'NAMESPACE':<11} {'DURATION':<8}  TITLE")
    for s in scenarios:
        click.echo(f"{s.name:<{width}}  {s.namespace:<11} {format_duration(s.duration):<8}  "
                   f"{s.title}")


def _as_json(s: Scenario) -> dict[str, Any]:
    return {
        "name": s.name, "title": s.title, "description": s.description,
        "path": str(s.path), "namespace": s.namespace, "origin": _when(s, 0.0),
        "duration": format_duration(s.duration), "demo_start": _when(s, s.demo_start),
        "scrape_interval": s.scrape_interval,
        "deployments": [{
            "name": d.name, "replicas": d.replicas,
            "revisions": [{"revision": r.revision, "image": r.image,
                           "change_cause": r.change_cause, "at": _when(s, r.at)}
                          for r in d.revisions],
        } for d in s.deployments],
        "services": [v.name for v in s.services],
        "alerts": [{"name": a.name, "expr": a.expr, "for": format_duration(a.for_s)}
                   for a in s.alerts],
        "faults": [f.text for f in s.faults],
        "truth": {"cause": s.truth.cause, "culprit": s.truth.culprit,
                  "remedy": s.truth.remedy, "summary": s.truth.summary},
    }


@scenario_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, truth included.")
def show(name: str, as_json: bool) -> None:
    """A readable summary of scenario NAME (a built-in name or a file)."""
    try:
        s = load_scenario(name)
    except ScenarioError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(_as_json(s), indent=2))
        return
    click.echo(f"{s.name}: {s.title}")
    click.echo(f"  file       {scenario_path(name)}")
    click.echo(f"  namespace  {s.namespace}")
    click.echo(f"  window     {_when(s, 0.0)} + {format_duration(s.duration)}")
    click.echo(f"  demo from  {_when(s, s.demo_start)}")
    if s.description:
        click.echo("")
        for line in s.description.strip().splitlines():
            click.echo(f"  {line}")
    click.echo("\n  deployments:")
    for d in s.deployments:
        click.echo(f"    {d.name} ({d.replicas} replicas)")
        for r in d.revisions:
            click.echo(f"      rev {r.revision:<4} {_when(s, r.at)}  {r.image}  {r.change_cause}")
    if s.alerts:
        click.echo("\n  alert rules: " + ", ".join(a.name for a in s.alerts))
    click.echo("\n  (the cause stays hidden; `--json` shows it)")


def _register_simulator_commands() -> None:
    from cockpit.cli.sim_cmds import export_openmetrics_cmd, serve

    scenario_group.add_command(serve)
    scenario_group.add_command(export_openmetrics_cmd)


_register_simulator_commands()
