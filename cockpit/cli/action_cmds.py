"""``cockpit rollback | restart | scale``: the remediation engine from a shell.

Same engine and journal as the UI: preview, server dry run, ``Proceed? [y/N]``,
execute, watch, verify. Exit codes let scripts tell outcomes apart:
0 done, 1 failed, 2 usage/config, 3 declined, 4 refused by dry run or read-only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from msgspec.structs import replace

from cockpit.cli.common import CockpitUsageError, config_option, load
from cockpit.config import Config
from cockpit.incident.journal import JournalError
from cockpit.incident.model import Event
from cockpit.incident.store import IncidentNotFound, IncidentStore, LoadedIncident, default_actor
from cockpit.paths import locations

EXIT_DONE, EXIT_FAILED, EXIT_USAGE, EXIT_DECLINED, EXIT_REFUSED = 0, 1, 2, 3, 4
MAX_REPREVIEWS = 3
F = TypeVar("F", bound=Callable[..., Any])


def _options(func: F) -> F:
    for option in reversed([
        config_option,
        click.option("-n", "--namespace", default="", help="Namespace (default: from config)."),
        click.option("--context", default="", help="Kubeconfig context (default: from config)."),
        click.option("--read-only", is_flag=True, help="Preview and dry run only; never execute."),
        click.option("--dry-run", "dry_run", is_flag=True,
                     help="Stop after the preview and the server dry run."),
        click.option("--yes", is_flag=True, help="Do not ask (scripts); still journalled."),
        click.option("--incident", "incident_id", metavar="ID",
                     help="Incident to journal to (default: the most recent open one)."),
    ]):
        func = option(func)
    return func


def _deployment(target: str) -> str:
    kind, slash, name = target.partition("/")
    if not slash:
        kind, name = "deployment", target
    if kind not in ("deployment", "deployments", "deploy") or not name:
        raise CockpitUsageError(f"{target!r}: give deployment/NAME (only deployments are "
                                f"supported here)")
    return name


def _incident(incident_id: str | None) -> LoadedIncident | None:
    store = IncidentStore(locations().incidents_dir)
    try:
        loaded = store.resolve(incident_id)
    except IncidentNotFound:
        if incident_id:
            raise CockpitUsageError(f"no incident {incident_id!r} (see `cockpit incidents`)"
                                    ) from None
        return None
    except JournalError as exc:
        raise CockpitUsageError(str(exc)) from None
    for warning in loaded.warnings:
        click.echo(f"cockpit: warning: {warning}", err=True)
    return loaded


def _recorder(loaded: LoadedIncident | None) -> Callable[[Event], object] | None:
    if loaded is None:
        return None

    def record(event: Event) -> object:
        try:
            return loaded.journal.append(event)
        except JournalError as exc:
            click.echo(f"cockpit: warning: NOT journalled ({event.kind.value}): {exc}", err=True)
            return False

    return record


def _engine(config: Config, namespace: str, context: str, read_only: bool,
            loaded: LoadedIncident | None, name: str) -> Any:
    from cockpit.actions.engine import ActionEngine
    from cockpit.actions.verify import triggering_panel
    from cockpit.sources import k8s_client

    kcfg = replace(config.kubernetes, namespace=namespace,
                   context=context or config.kubernetes.context)
    try:
        api = k8s_client.make_api_client(kcfg)
    except k8s_client.KubeSetupError as exc:
        raise CockpitUsageError(str(exc)) from None
    metrics = panel = None
    if config.prometheus.url:
        from cockpit.sources.prometheus import PrometheusSource

        source = PrometheusSource(config.prometheus, config.incident.service or name, namespace)
        panel = triggering_panel(source.panels, loaded.incident.events if loaded else ())
        metrics = source.query
    return ActionEngine(api, config.actions, actor=default_actor(config.engineer.name),
                        record=_recorder(loaded), read_only=read_only, metrics=metrics,
                        panel=panel, request_timeout_s=kcfg.timeout_s)


def _ask() -> str:
    click.echo("Proceed? [y/N] ", nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo("")
    return line


def run_action(ctx: click.Context, kind: str, target: str, namespace: str, context: str,
               read_only: bool, dry_run: bool, yes: bool, incident_id: str | None,
               to_revision: int | None = None, replicas: int | None = None) -> None:
    from cockpit.actions.engine import Outcome
    from cockpit.actions.plans import ActionKind, Plan, Refusal

    config = load(ctx)
    name = _deployment(target)
    namespace = namespace or config.kubernetes.namespace
    context = context or config.kubernetes.context
    loaded = _incident(incident_id)
    where = f"journalled to {loaded.incident.id}" if loaded else \
        "no open incident: nothing was journalled"
    engine = _engine(config, namespace, context, read_only, loaded, name)
    plan = Plan(ActionKind(kind), name, namespace, to_revision, replicas, context=context)
    prepared = engine.prepare(plan)
    for _attempt in range(MAX_REPREVIEWS):
        if isinstance(prepared, Refusal):
            click.echo(f"cockpit: cannot {kind} {target}: {prepared.reason}", err=True)
            ctx.exit(EXIT_FAILED)
        click.echo("\n".join(prepared.lines()))
        if not prepared.dry_run_ok or prepared.blocked:
            click.echo(f"Not executed: {prepared.blocked or 'refused by the server dry run'} "
                       f"({where}).")
            ctx.exit(EXIT_REFUSED)
        if dry_run:
            click.echo(f"Dry run only: nothing was changed ({where}).")
            ctx.exit(EXIT_DONE)
        answer = "y" if yes else _ask()
        if not engine.confirm(prepared, answer, via="--yes" if yes else "prompt"):
            click.echo(f"Declined: nothing was changed ({where}).")
            ctx.exit(EXIT_DECLINED)
        result = engine.carry_out(prepared, lambda line: click.echo(f"  … {line}"))
        if result.outcome is not Outcome.CONFLICT:
            break
        click.echo(result.message, err=True)
        if yes:
            click.echo("Stopped: review the new plan and run again without --yes.", err=True)
            ctx.exit(EXIT_FAILED)
        prepared = result.prepared or Refusal(result.message)
    else:
        ctx.exit(EXIT_FAILED)
    if result.outcome is Outcome.DONE:
        click.echo(f"Done: {result.message} ({where}).")
        if result.suggest_status:
            click.echo(f"Suggested: cockpit status {result.suggest_status}")
        ctx.exit(EXIT_DONE)
    click.echo(f"Failed: {result.message} ({where}).", err=True)
    if result.undo is not None:
        click.echo(f"To undo: {result.undo.kubectl()}", err=True)
    ctx.exit(EXIT_REFUSED if result.outcome is Outcome.REFUSED else EXIT_FAILED)


@click.command()
@_options
@click.argument("target", metavar="deployment/NAME")
@click.option("--to-revision", type=click.IntRange(min=1), default=None,
              help="Revision to go back to (default: the previous one).")
@click.pass_context
def rollback(ctx: click.Context, /, target: str, to_revision: int | None, **opts: Any) -> None:
    """Roll a deployment back (kubectl rollout undo), guarded and journalled."""
    run_action(ctx, "rollback", target, to_revision=to_revision, **opts)


@click.command()
@_options
@click.argument("target", metavar="deployment/NAME")
@click.pass_context
def restart(ctx: click.Context, /, target: str, **opts: Any) -> None:
    """Restart a deployment's pods (kubectl rollout restart), guarded and journalled."""
    run_action(ctx, "restart", target, **opts)


@click.command()
@_options
@click.argument("target", metavar="deployment/NAME")
@click.option("--replicas", type=click.IntRange(min=0), required=True, help="Replica count.")
@click.pass_context
def scale(ctx: click.Context, /, target: str, replicas: int, **opts: Any) -> None:
    """Scale a deployment (kubectl scale), guarded and journalled."""
    run_action(ctx, "scale", target, replicas=replicas, **opts)
