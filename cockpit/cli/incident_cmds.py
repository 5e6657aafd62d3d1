"""Incident commands for scripts and second terminals: new, note, ack, status, list.

They load no UI and no network client, so a deploy pipeline or a colleague's
shell can stamp the shared journal in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from cockpit.cli.common import CockpitUsageError, config_option, load
from cockpit.cli.incidents import open_incident, store
from cockpit.config import Config
from cockpit.incident.journal import JournalError, format_ts
from cockpit.incident.markdown import visible_controls
from cockpit.incident.metrics import format_duration
from cockpit.incident.model import Event, EventKind, Severity, Status, utcnow
from cockpit.incident.store import LoadedIncident, default_actor

incident_option = click.option("--incident", "incident_id", metavar="ID",
                               help="Incident id (default: the most recent open one).")


def _record(loaded: LoadedIncident, config: Config, kind: EventKind, text: str,
            data: dict[str, Any] | None = None) -> Event:
    event = Event(utcnow(), kind, default_actor(config.engineer.name), text, data or {})
    try:
        loaded.journal.append(event)
    except JournalError as exc:
        raise CockpitUsageError(f"not recorded: {exc}") from None
    return event


def _which(loaded: LoadedIncident, incident_id: str | None) -> str:
    return "" if incident_id else \
        f" (most recent open incident: {visible_controls(loaded.incident.title)})"


@click.command()
@config_option
@click.option("--title", required=True, help="What is wrong, in a few words.")
@click.option("--severity", type=click.Choice([s.value for s in Severity]),
              help="Default from config (incident.default_severity).")
@click.option("--service", "services", multiple=True, help="Affected service (repeatable).")
@click.option("--namespace", default="", help="Kubernetes namespace of the service.")
@click.option("--json", "as_json", is_flag=True, help="Print the new incident as JSON.")
@click.pass_context
def new(ctx: click.Context, title: str, severity: str | None, services: tuple[str, ...],
        namespace: str, as_json: bool) -> None:
    """Open a new incident and print its id."""
    config = load(ctx)
    services = services or ((config.incident.service,) if config.incident.service else ())
    try:
        loaded = store().create(
            title, Severity(severity or config.incident.default_severity), services,
            commander=default_actor(config.engineer.name),
            namespace=namespace or config.kubernetes.namespace,
        )
    except JournalError as exc:
        raise CockpitUsageError(str(exc)) from None
    inc = loaded.incident
    if as_json:
        click.echo(json.dumps({"id": inc.id, "title": inc.title, "severity": inc.severity.value,
                               "status": inc.status.value, "path": str(loaded.journal.path)}))
    else:
        click.echo(inc.id)


@click.command()
@config_option
@incident_option
@click.argument("text", nargs=-1, required=True)
@click.pass_context
def note(ctx: click.Context, incident_id: str | None, text: tuple[str, ...]) -> None:
    """Add a note to the incident's timeline."""
    config = load(ctx)
    loaded = open_incident(incident_id)
    message = " ".join(text).strip()
    if not message:
        raise CockpitUsageError("empty note; say what you saw or did")
    _record(loaded, config, EventKind.NOTE, message)
    click.echo(f"note added to {loaded.incident.id}{_which(loaded, incident_id)}")


@click.command()
@config_option
@incident_option
@click.pass_context
def ack(ctx: click.Context, incident_id: str | None) -> None:
    """Acknowledge the incident (you are on it)."""
    config = load(ctx)
    loaded = open_incident(incident_id)
    actor = default_actor(config.engineer.name)
    _record(loaded, config, EventKind.ACKNOWLEDGED, f"Acknowledged by {actor}")
    click.echo(f"acknowledged {loaded.incident.id}{_which(loaded, incident_id)}")


def _change(kind: EventKind, choices: list[str], label: str,
            current: Callable[[LoadedIncident], str]) -> click.Command:
    @click.command(help=f"Change the incident's {label} ({', '.join(choices)}).")
    @config_option
    @incident_option
    @click.argument("value", type=click.Choice(choices, case_sensitive=False))
    @click.pass_context
    def command(ctx: click.Context, incident_id: str | None, value: str) -> None:
        config = load(ctx)
        loaded = open_incident(incident_id)
        value = next(c for c in choices if c.lower() == value.lower())
        before = current(loaded)
        if before == value:
            raise CockpitUsageError(f"{loaded.incident.id} is already {value}")
        _record(loaded, config, kind, f"{label.capitalize()} changed: {before} → {value}",
                {"from": before, "to": value})
        click.echo(f"{loaded.incident.id}: {label} {before} → {value}"
                   f"{_which(loaded, incident_id)}")

    return command


status = _change(EventKind.STATUS_CHANGED, [s.value for s in Status], "status",
                 lambda item: item.incident.status.value)
severity = _change(EventKind.SEVERITY_CHANGED, [s.value for s in Severity], "severity",
                   lambda item: item.incident.severity.value)


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def incidents(ctx: click.Context, as_json: bool) -> None:
    """List incidents, newest first."""
    load(ctx)
    items = list(reversed(store().all()))
    now = utcnow()
    if as_json:
        for item in items:
            inc = item.incident
            click.echo(json.dumps({
                "id": inc.id, "title": inc.title, "severity": inc.severity.value,
                "status": inc.status.value, "opened_at": format_ts(inc.opened_at),
                "duration_s": round(inc.duration(now), 3), "events": len(inc.events),
            }))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("ID", "Title", "Severity", "Status", "Started (UTC)", "Duration")
    for item in items:
        inc = item.incident
        table.add_row(inc.id, Text(visible_controls(inc.title)), inc.severity.value,
                      inc.status.value,
                      f"{inc.opened_at:%Y-%m-%d %H:%M}", format_duration(inc.duration(now)))
    if not items:
        click.echo("no incidents yet; start one with `cockpit new --title ...`")
        return
    Console().print(table)
