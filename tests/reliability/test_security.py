"""Secrets never land on disk; incident folders and files are private.

Canary secrets (a kubeconfig bearer token, an LLM API key, a Prometheus bearer
token) are planted in a run against the simulator; afterwards every file under
COCKPIT_HOME and the test's temp dir is searched for them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from cockpit.config import load_config
from cockpit.incident.model import EventKind
from cockpit.incident.store import IncidentStore
from cockpit.ui.app import create_app
from cockpit.ui.wiring import build_sources
from tests.reliability.conftest import SimFactory
from tests.reliability.tally import Tally
from tests.support.cli import run_cockpit
from tests.ui.waiting import journal_events, until

CANARIES = {"CANARY_PROM_TOKEN": "prom-canary-7f3a9c1e",
            "CANARY_LLM_KEY": "sk-llm-canary-51b2d8e4",
            "kube": "kube-canary-token-9d0e44aa"}


def _plant(sim: object, tmp_path: Path) -> Path:
    kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")  # type: ignore[attr-defined]
    doc = yaml.safe_load(kubeconfig.read_text())
    doc["users"][0]["user"] = {"token": CANARIES["kube"]}
    kubeconfig.write_text(yaml.safe_dump(doc))
    config = tmp_path / "cockpit.toml"
    toml = sim.config_toml(kubeconfig)  # type: ignore[attr-defined]
    toml = toml.replace("[prometheus]\n",
                        "[prometheus]\nbearer_token_env = \"CANARY_PROM_TOKEN\"\n")
    toml += ("\n[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\n"
             "api_key_env = \"CANARY_LLM_KEY\"\n")
    config.write_text(toml)
    return config


def _leaks(*roots: Path) -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.name not in ("kubeconfig",):
                data = path.read_bytes()
                found += [f"{path}: {name}" for name, value in CANARIES.items()
                          if value.encode() in data]
    return found


async def test_canaries_never_reach_disk_and_files_are_private(
        make_sim: SimFactory, tmp_path: Path, cockpit_home: Path, tally: Tally,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sim = make_sim(at="10:30:30")
    config_path = _plant(sim, tmp_path)
    env = {k: v for k, v in CANARIES.items() if k.startswith("CANARY")}
    for args in (("new", "--title", "canary run", "--service", "api-gateway"),
                 ("note", "checked dashboards"), ("ack",), ("status", "identified"),
                 ("postmortem",), ("incidents",), ("resume", "--print")):
        result = run_cockpit(cockpit_home, "--config", str(config_path), *args,
                             CANARY_PROM_TOKEN=env["CANARY_PROM_TOKEN"],
                             CANARY_LLM_KEY=env["CANARY_LLM_KEY"])
        assert result.returncode == 0, (args, result.stderr)
        assert not [v for v in CANARIES.values() if v in result.stdout + result.stderr]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = load_config(config_path)
    root = next(cockpit_home.rglob("journal.jsonl")).parent.parent
    loaded = IncidentStore(root).all()[0]
    clock = sim.clock.now_datetime
    app = create_app(config, loaded, build_sources(config, clock), clock=clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: bool(journal_events(loaded.journal.path,
                                                       EventKind.ALERT_FIRED)), "alert")
        await pilot.press("n", *"with sources", "enter")
        await pilot.pause(0.2)
        app.finish()
    assert _leaks(cockpit_home, tmp_path) == []
    folders = [p for p in cockpit_home.rglob("*") if p.is_dir() and (p / "journal.jsonl").exists()]
    assert folders
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        for item in folder.iterdir():
            assert stat.S_IMODE(item.stat().st_mode) == 0o600, item
    tally.hostile_input("canary secrets (kube token, LLM key, Prometheus token)", len(CANARIES))

