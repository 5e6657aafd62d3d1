"""Fixtures for the UI tests: a fresh incident on disk and the app built by ``create_app``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from msgspec.structs import replace

from cockpit.config import Config
from cockpit.incident.model import Severity
from cockpit.incident.store import IncidentStore, LoadedIncident
from cockpit.ui.app import CockpitApp, create_app
from cockpit.ui.sources import SourceSet
from tests.ui.fakes import T0, cockpit_config, fixed_clock


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents")


@pytest.fixture
def loaded(store: IncidentStore) -> LoadedIncident:
    return store.create("api-gateway 5xx errors", Severity.SEV2, ["api-gateway"],
                        commander="alice", namespace="shop", opened_at=T0)


AppFactory = Callable[..., CockpitApp]


@pytest.fixture
def make_app(loaded: LoadedIncident, store: IncidentStore) -> AppFactory:
    def build(sources: SourceSet | None = None, config: Config | None = None,
              reload: bool = True) -> CockpitApp:
        item = store.load(loaded.incident.id) if reload else loaded
        cfg = config or cockpit_config()
        cfg = replace(cfg, engineer=replace(cfg.engineer, name="alice"))
        return create_app(cfg, item, sources or SourceSet(), clock=fixed_clock)

    return build
