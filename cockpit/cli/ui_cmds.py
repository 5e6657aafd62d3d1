"""The commands that open the screen: ``cockpit`` (open), ``resume`` and ``demo``.

All three build the app through the same factory (cockpit.ui.app.create_app)
that the UI tests use; only what feeds it differs.
"""

from __future__ import annotations

import shlex
import tempfile
import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from msgspec.structs import replace

from cockpit.cli.common import CockpitUsageError, config_option, load
from cockpit.cli.incidents import open_incident, store
from cockpit.config import Config, config_from_dict
from cockpit.incident.journal import JournalError, format_ts
from cockpit.incident.markdown import visible_controls
from cockpit.incident.model import Severity
from cockpit.incident.store import IncidentNotFound, LoadedIncident, default_actor

F = TypeVar("F", bound=Callable[..., Any])


def log_options(func: F) -> F:
    """``--log-file`` / ``--log-cmd``: the log pane without Kubernetes."""
    func = click.option("--log-cmd", metavar="COMMAND",
                        help="Follow this command's output (split like a shell would, "
                             "run as an argument vector, never through a shell).")(func)
    return click.option("--log-file", "log_files", multiple=True,
                        type=click.Path(dir_okay=False),
                        help="Follow a local log file, rotation-aware (repeatable).")(func)


def with_logs(config: Config, files: tuple[str, ...], command: str | None) -> Config:
    if not files and not command:
        return config
    try:
        argv = shlex.split(command) if command else list(config.logs.command)
    except ValueError as exc:
        raise CockpitUsageError(f"--log-cmd: {exc}") from None
    return replace(config, logs=replace(
        config.logs, files=[*config.logs.files, *files], command=argv))


def _run(config: Config, loaded: LoadedIncident,
         clock: Callable[[], datetime] | None = None) -> None:
    from cockpit import malloc_tune
    from cockpit.ui.startup import pause_gc, resume_gc

    pause_gc()  # until the panes are filled: start-up makes no garbage worth scanning
    malloc_tune.tune()  # the app receives the log process's chunks
    try:
        from cockpit.ui.app import create_app, run_app
        from cockpit.ui.wiring import build_sources

        kwargs = {"clock": clock} if clock else {}
        app = create_app(config, loaded, build_sources(config, clock), **kwargs)
        path = run_app(app)
    finally:
        resume_gc()  # in case the app ended before it filled its panes
    if path is not None:
        click.echo(f"post-mortem draft: {path}")
    click.echo(f"incident {loaded.incident.id} — `cockpit resume {loaded.incident.id}` "
               "to carry on")


@click.command("open")
@config_option
@click.option("--title", help="Title of a new incident (default: the most recent open one).")
@click.option("--severity", type=click.Choice([s.value for s in Severity]))
@click.option("--service", "services", multiple=True)
@log_options
@click.pass_context
def open_cmd(ctx: click.Context, title: str | None, severity: str | None,
             services: tuple[str, ...], log_files: tuple[str, ...],
             log_cmd: str | None) -> None:
    """Open the cockpit on the most recent open incident, or start one."""
    config = with_logs(load(ctx), log_files, log_cmd)
    loaded = None
    if not title:
        try:
            loaded = store().most_recent_open()
        except IncidentNotFound:
            loaded = None
        except JournalError as exc:
            raise CockpitUsageError(str(exc)) from None
    if loaded is None:
        service = services or ((config.incident.service,) if config.incident.service else ())
        title = title or f"Incident on {service[0] if service else 'production'}"
        try:
            loaded = store().create(title, Severity(severity or config.incident.default_severity),
                                    service, commander=default_actor(config.engineer.name),
                                    namespace=config.kubernetes.namespace)
        except JournalError as exc:
            raise CockpitUsageError(str(exc)) from None
    _run(config, loaded)


@click.command()
@config_option
@click.argument("incident_id", required=False)
@click.option("--print", "print_only", is_flag=True,
              help="Print the incident's timeline instead of opening the screen.")
@click.option("--sim-config", type=click.Path(exists=True, dir_okay=False), hidden=True,
              help="Point the sources at a running simulator (cockpit serve --demo).")
@log_options
@click.pass_context
def resume(ctx: click.Context, incident_id: str | None, print_only: bool,
           sim_config: str | None, log_files: tuple[str, ...], log_cmd: str | None) -> None:
    """Reopen an incident where it was left (the most recent open one by default)."""
    config = with_logs(load(ctx), log_files, log_cmd)
    if sim_config:
        config = demo_config(config, Path(sim_config).read_text())
    loaded = open_incident(incident_id)
    if print_only:
        inc = loaded.incident
        click.echo(f"{inc.id}: {visible_controls(inc.title)} [{inc.severity.value}, "
                   f"{inc.status.value}]")
        for event in inc.events:
            click.echo(f"  {format_ts(event.ts)}  {visible_controls(event.actor):<12} "
                       f"{event.kind.value:<20} {visible_controls(event.text)}")
        return
    _run(config, loaded)


@click.command()
@config_option
@click.argument("name", default="api-gateway")
@click.option("--speed", type=click.FloatRange(min=0.1, max=1000), default=1.0,
              show_default=True, help="Scenario seconds per real second.")
@click.option("--start-at", metavar="OFFSET",
              help="Scenario time to start at (default: a few minutes before the first symptom).")
@click.option("--fault", "faults", multiple=True, metavar="SPEC",
              help="Inject a fault into the simulator, e.g. prometheus:down@5m-8m (repeatable).")
@click.pass_context
def demo(ctx: click.Context, name: str, speed: float, start_at: str | None,
         faults: tuple[str, ...]) -> None:
    """Replay a built-in incident through an embedded simulator: no cluster needed."""
    from cockpit.cli.sim_cmds import _load, make_simulator

    user = load(ctx)
    scenario = _load(name)
    sim = make_simulator(scenario, speed=speed, start_at=start_at, anchor="now", faults=faults)
    try:
        store().check_writable()  # refuse a read-only data directory before anything starts
    except JournalError as exc:
        raise CockpitUsageError(str(exc)) from None
    sim.start()
    try:
        with tempfile.TemporaryDirectory(prefix="cockpit-demo-") as tmp:
            kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
            config = demo_config(user, sim.config_toml(kubeconfig))
            clock = sim.clock.now_datetime
            loaded = store().create(
                f"DEMO: {scenario.title}", Severity.SEV2, (sim.main_service,),
                commander=default_actor(user.engineer.name), namespace=scenario.namespace,
                opened_at=clock(), extra={"scenario": scenario.name})
            _run(config, loaded, clock)
    except JournalError as exc:
        raise CockpitUsageError(str(exc)) from None
    finally:
        sim.stop()


def demo_config(user: Config, sim_toml: str) -> Config:
    """The user's own settings (name, theme, targets, ...) pointed at the simulator."""
    sim = config_from_dict(tomllib.loads(sim_toml), source="<demo>")
    return replace(user, incident=sim.incident, prometheus=replace(
        sim.prometheus, panels=user.prometheus.panels), alertmanager=sim.alertmanager,
        kubernetes=sim.kubernetes, logs=replace(user.logs, files=[], command=[]))
