"""The ``cockpit`` command line.

Subcommands live in their own modules and are imported only when invoked, so
scripting commands such as ``cockpit note`` start in milliseconds and never
load Textual or the heavy clients.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from cockpit import __version__

# command name -> "module:attribute"; each module owns its commands.
COMMANDS: dict[str, str] = {
    "config": "cockpit.cli.config_cmds:config_group",
    "doctor": "cockpit.cli.doctor_cmds:doctor",
    "new": "cockpit.cli.incident_cmds:new",
    "note": "cockpit.cli.incident_cmds:note",
    "ack": "cockpit.cli.incident_cmds:ack",
    "status": "cockpit.cli.incident_cmds:status",
    "severity": "cockpit.cli.incident_cmds:severity",
    "incidents": "cockpit.cli.incident_cmds:incidents",
    "resume": "cockpit.cli.ui_cmds:resume",
    "open": "cockpit.cli.ui_cmds:open_cmd",
    "demo": "cockpit.cli.ui_cmds:demo",
    "serve": "cockpit.cli.serve_cmds:serve",
    "postmortem": "cockpit.cli.report_cmds:postmortem",
    "stats": "cockpit.cli.report_cmds:stats",
    "scenario": "cockpit.cli.scenario_cmds:scenario_group",
    "patterns": "cockpit.cli.patterns_cmds:patterns",
    "rollback": "cockpit.cli.action_cmds:rollback",
    "restart": "cockpit.cli.action_cmds:restart",
    "scale": "cockpit.cli.action_cmds:scale",
    "analyze": "cockpit.cli.analyze_cmds:analyze",
}

#: The commands that open the screen (None: no command, which is ``open``): garbage
#: collection stays paused through their start-up (cockpit/__main__.py,
#: cockpit/ui/startup.py). Every other command gets it back before it runs, or a long
#: ``serve`` would never collect.
SCREEN_COMMANDS = frozenset({"open", "resume", "demo", None})


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cockpit")
@click.option(
    "--config",
    "config_path",
    envvar="COCKPIT_CONFIG",
    type=click.Path(dir_okay=False),
    help="Config file to use (default: the platform config dir; env COCKPIT_CONFIG).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """cockpit: a terminal incident cockpit for on-call engineers.

    Without a command, opens the cockpit on the most recent open incident
    (or starts one): the same as `cockpit open`.
    """
    if ctx.invoked_subcommand not in SCREEN_COMMANDS:
        gc.enable()
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    if ctx.invoked_subcommand is None:
        command = cli.get_command(ctx, "open")
        assert command is not None
        ctx.invoke(command)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="cockpit")
