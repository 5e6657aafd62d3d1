"""The incident store as the commands see it: where it is, and opening one incident.

Its own module, not part of ``incident_cmds``: ``open``, ``resume``, ``postmortem`` and
``serve`` need these two helpers and none of the scripting commands' definitions,
which ``cockpit open`` would otherwise import before its first frame.
"""

from __future__ import annotations

import click

from cockpit.cli.common import CockpitUsageError
from cockpit.incident.journal import JournalError
from cockpit.incident.store import IncidentStore, LoadedIncident
from cockpit.paths import locations


def store() -> IncidentStore:
    return IncidentStore(locations().incidents_dir)


def open_incident(incident_id: str | None) -> LoadedIncident:
    """The incident ``incident_id`` (or the most recent open one), its journal's warnings
    printed; a one-line error when it cannot be read."""
    try:
        loaded = store().resolve(incident_id)
    except JournalError as exc:
        raise CockpitUsageError(str(exc)) from None
    for warning in loaded.warnings:
        click.echo(f"cockpit: warning: {warning}", err=True)
    return loaded
