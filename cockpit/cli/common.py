"""Helpers every subcommand shares: ``--config``, loading it, one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cockpit.config import Config, ConfigError, load_config
from cockpit.paths import config_file

F = TypeVar("F", bound=Callable[..., Any])


def _remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(dict)
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj["config_path"] = value


def config_option(func: F) -> F:
    """Accept ``--config FILE`` after the subcommand too (``cockpit note --config F …``)."""
    return click.option(
        "--config",
        "_config",
        type=click.Path(dir_okay=False),
        expose_value=False,
        is_eager=True,
        callback=_remember,
        help="Config file to use (env COCKPIT_CONFIG).",
    )(func)


def config_path(ctx: click.Context) -> Path:
    obj = ctx.find_root().obj or {}
    return config_file(obj.get("config_path"))


def load(ctx: click.Context) -> Config:
    """The validated config, or a one-line error and exit status 2."""
    path = config_path(ctx)
    explicit = bool((ctx.find_root().obj or {}).get("config_path"))
    try:
        return load_config(path, missing_ok=not explicit)
    except ConfigError as exc:
        raise CockpitUsageError(str(exc)) from None


class CockpitUsageError(click.ClickException):
    """A failure the user can fix; printed as one line, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"cockpit: {self.format_message()}", err=True)
