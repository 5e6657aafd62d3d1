"""Incident folders on disk: creating, finding and listing incidents.

Each incident lives in ``<data>/incidents/<id>/`` (private, 0700) holding its
``journal.jsonl`` (0600) and, once written, ``postmortem.md``. Ids sort by
time and read like ``20240115-1030-api-gateway-5xx``.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from cockpit.incident.journal import Journal, JournalError, JournalWriteError
from cockpit.incident.model import (
    Event,
    EventKind,
    Incident,
    Severity,
    Status,
    utcnow,
)
from cockpit.paths import ensure_private_dir

JOURNAL_NAME = "journal.jsonl"
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 40) -> str:
    slug = _SLUG_DROP.sub("-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "incident"


def make_id(opened_at: datetime, title: str, services: Iterable[str]) -> str:
    services = list(services)
    slug = slugify(title)
    if services and slugify(services[0]) not in slug:
        slug = slugify(f"{services[0]} {title}")
    return f"{opened_at:%Y%m%d-%H%M}-{slug}"


def default_actor(configured: str = "") -> str:
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "engineer")


class LoadedIncident(Struct, frozen=True):
    incident: Incident
    journal: Journal
    warnings: tuple[str, ...]

    @property
    def folder(self) -> Path:
        return self.journal.path.parent


class IncidentNotFound(JournalError):
    pass


class IncidentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def check_writable(self) -> None:
        """Refuse a read-only or unusable data directory before an incident starts."""
        try:
            ensure_private_dir(self.root)
            probe = self.root / ".write-probe"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"ok\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            probe.unlink()
        except OSError as exc:
            raise JournalWriteError(
                f"cannot write incidents to {self.root}: {exc.strerror}; free space or fix "
                "permissions, or set COCKPIT_HOME to a writable folder",
                errno_=exc.errno,
            ) from None

    def create(
        self,
        title: str,
        severity: Severity,
        services: Iterable[str] = (),
        *,
        commander: str,
        namespace: str = "",
        opened_at: datetime | None = None,
        extra: dict[str, object] | None = None,
    ) -> LoadedIncident:
        """Open a new incident; its first event is ``incident_opened``."""
        self.check_writable()
        opened_at = opened_at or utcnow()
        services = tuple(services)
        base = make_id(opened_at, title, services)
        incident_id, folder = base, self.root / base
        suffix = 2
        while True:
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:
                incident_id, suffix = f"{base}-{suffix}", suffix + 1
                folder = self.root / incident_id
        data: dict[str, object] = {
            "title": title,
            "severity": severity.value,
            "status": Status.INVESTIGATING.value,
            "services": list(services),
            "commander": commander,
            "namespace": namespace,
            **(extra or {}),
        }
        opened = Event(opened_at, EventKind.INCIDENT_OPENED, commander,
                       f"Incident opened: {title}", data)
        journal = Journal(folder / JOURNAL_NAME)
        journal.append(opened)
        return LoadedIncident(Incident.from_events(incident_id, [opened]), journal, ())

    def path_of(self, incident_id: str) -> Path:
        return self.root / incident_id / JOURNAL_NAME

    def load(self, incident_id: str) -> LoadedIncident:
        path = self.path_of(incident_id)
        if not path.is_file():
            raise IncidentNotFound(
                f"no incident {incident_id!r} under {self.root} (see `cockpit incidents`)"
            )
        journal = Journal(path)
        replay = journal.replay()
        try:
            incident = Incident.from_events(incident_id, replay.events)
        except (ValueError, KeyError) as exc:
            raise JournalError(f"{path}: cannot rebuild the incident: {exc}") from None
        return LoadedIncident(incident, journal, tuple(replay.warnings))

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{JOURNAL_NAME}"))

    def all(self) -> list[LoadedIncident]:
        """Every readable incident, oldest first (unreadable ones are skipped)."""
        loaded = []
        for incident_id in self.ids():
            try:
                loaded.append(self.load(incident_id))
            except JournalError:
                continue
        return loaded

    def most_recent_open(self) -> LoadedIncident:
        for incident_id in reversed(self.ids()):
            try:
                item = self.load(incident_id)
            except JournalError:
                continue
            if item.incident.is_open:
                return item
        raise IncidentNotFound("no open incident; start one with `cockpit new --title ...`")

    def resolve(self, incident_id: str | None) -> LoadedIncident:
        return self.load(incident_id) if incident_id else self.most_recent_open()
