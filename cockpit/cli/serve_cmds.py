"""``cockpit serve``: the same screen in a browser, for a second responder.

textual-serve starts one app process per browser tab, running ``cockpit resume
ID`` with this process's config and COCKPIT_HOME, so every tab shows the same
incident journal. With ``--demo`` the simulator runs here, once, and every tab
reads the same simulated world.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from pathlib import Path

import click

from cockpit.cli.common import CockpitUsageError, config_option, load
from cockpit.cli.web_server import TOKEN_ENV, bind_problem, port_problem
from cockpit.config import Config


@click.command()
@config_option
@click.argument("incident_id", required=False)
@click.option("--demo", "demo_name", is_flag=False, flag_value="api-gateway", default=None,
              metavar="[NAME]", help="Serve a built-in incident replayed by the simulator.")
@click.option("--start-at", metavar="OFFSET", help="With --demo: scenario time to start at.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs a token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
              help="Secret the browser must present (?token=...); required off loopback.")
@click.pass_context
def serve(ctx: click.Context, incident_id: str | None, demo_name: str | None,
          start_at: str | None, host: str, port: int, token: str | None) -> None:
    """Serve the cockpit screen to a browser (the open incident, ID, or --demo)."""
    problem = bind_problem(host, token) or port_problem(host, port)
    if problem:
        raise CockpitUsageError(problem)
    if demo_name and incident_id:
        raise CockpitUsageError("give an incident ID or --demo, not both")
    config = load(ctx)
    os.environ.pop(TOKEN_ENV, None)  # the app processes have no use for it
    home = os.environ.get("COCKPIT_HOME")
    if home:  # the app processes must find the same incidents, whatever their cwd
        os.environ["COCKPIT_HOME"] = str(Path(home).expanduser().resolve())
    base = [sys.executable, "-m", "cockpit", *_config_args(ctx)]
    if demo_name is None:
        from cockpit.cli.incidents import open_incident

        loaded = open_incident(incident_id)
        _serve([*base, "resume", loaded.incident.id], loaded.incident.id, host, port, token)
        return
    _serve_demo(config, base, demo_name, start_at, host, port, token)


def _config_args(ctx: click.Context) -> list[str]:
    explicit = (ctx.find_root().obj or {}).get("config_path") or os.environ.get("COCKPIT_CONFIG")
    return ["--config", str(Path(explicit).expanduser().resolve())] if explicit else []


def _serve_demo(config: Config, base: list[str], name: str, start_at: str | None, host: str,
                port: int, token: str | None) -> None:
    from cockpit.cli.incidents import store
    from cockpit.cli.sim_cmds import _load, _offset
    from cockpit.incident.journal import JournalError
    from cockpit.incident.model import Severity
    from cockpit.incident.store import default_actor
    from cockpit.scenario.sim import Simulator

    scenario = _load(name)
    # Speed 1 anchored on now: the simulated clock is the wall clock the app processes use.
    sim = Simulator(scenario, start_at=_offset(scenario, start_at), anchor="now")
    sim.start()
    try:
        with tempfile.TemporaryDirectory(prefix="cockpit-serve-") as tmp:
            sim_config = Path(tmp) / "simulator.toml"
            sim_config.write_text(sim.config_toml(sim.write_kubeconfig(Path(tmp) / "kubeconfig")))
            try:
                loaded = store().create(
                    f"DEMO: {scenario.title}", Severity.SEV2, (sim.main_service,),
                    commander=default_actor(config.engineer.name),
                    namespace=scenario.namespace, opened_at=sim.clock.now_datetime(),
                    extra={"scenario": scenario.name})
            except JournalError as exc:
                raise CockpitUsageError(str(exc)) from None
            ident = loaded.incident.id
            _serve([*base, "resume", ident, "--sim-config", str(sim_config)],
                   f"{ident} (demo {scenario.name})", host, port, token)
    finally:
        sim.stop()


def _serve(argv: list[str], what: str, host: str, port: int, token: str | None) -> None:
    from cockpit.cli.web_server import CockpitWebServer

    server = CockpitWebServer("exec " + shlex.join(argv), host=host, port=port,
                              title=f"cockpit {what}", token=token)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + ("?token=<your token>" if token else "")

    def announce() -> None:
        click.echo(f"cockpit: serving incident {what} on {url} (Ctrl+C to stop)", err=True)

    server.announce = announce
    try:
        server.serve()
    except OSError as exc:
        raise CockpitUsageError(f"cannot listen on {host}:{port}: {exc.strerror}; "
                                "pick another --port") from None
