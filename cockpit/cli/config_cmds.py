"""``cockpit config path|init|check``: where the config lives and a commented start."""

from __future__ import annotations

import os

import click

from cockpit.cli.common import CockpitUsageError, config_option, config_path, load
from cockpit.config.template import default_config_text


@click.group("config")
def config_group() -> None:
    """Show, create or check the config file."""


@config_group.command("path")
@config_option
@click.pass_context
def path_cmd(ctx: click.Context) -> None:
    """Print the config file's path (it may not exist yet)."""
    click.echo(str(config_path(ctx)))


@config_group.command("init")
@config_option
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def init_cmd(ctx: click.Context, force: bool) -> None:
    """Write a commented default config."""
    path = config_path(ctx)
    if path.exists() and not force:
        raise CockpitUsageError(f"{path} already exists (use --force to overwrite)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(default_config_text())
    click.echo(f"wrote {path}")


@config_group.command("check")
@config_option
@click.pass_context
def check_cmd(ctx: click.Context) -> None:
    """Validate the config file and say which sources it enables."""
    config = load(ctx)
    path = config_path(ctx)
    enabled = [
        name for name, on in (
            ("prometheus", bool(config.prometheus.url)),
            ("alertmanager", bool(config.alertmanager.url)),
            ("kubernetes", config.kubernetes.enabled),
            ("llm", bool(config.llm.base_url)),
        ) if on
    ]
    state = "ok" if path.exists() else "not found, defaults apply"
    click.echo(f"{path}: {state}; sources: {', '.join(enabled) or 'none'}")
