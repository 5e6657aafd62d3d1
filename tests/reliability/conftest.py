"""Reliability suite fixtures: a frozen-clock simulator with faults, and the tally plugin.

The run's totals go to ``$COCKPIT_RELIABILITY_JSON`` (default
build/reliability.json); ``scripts/reliability_report.py`` renders them.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from cockpit.config import Config, config_from_dict
from cockpit.scenario import load_scenario
from cockpit.scenario.sim import Simulator
from tests.reliability.tally import Tally

REPO = Path(__file__).resolve().parents[2]
_TOTAL = Tally()
_OUTCOMES = {"passed": 0, "failed": 0, "xfailed": 0}


@pytest.fixture
def tally() -> Tally:
    return Tally()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[
        None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and report.failed):
        if hasattr(report, "wasxfail"):
            _OUTCOMES["xfailed"] += 1  # a known gap, documented by its reason
            return
        _OUTCOMES["passed" if report.passed else "failed"] += 1
        mine = getattr(item, "funcargs", {}).get("tally")
        excinfo = call.excinfo
        if report.failed and excinfo is not None and not excinfo.errisinstance(AssertionError):
            _TOTAL.crashes += 1  # an exception escaped: a crash, not a failed expectation
        if report.passed and isinstance(mine, Tally):
            _TOTAL.merge(mine)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _OUTCOMES["passed"] and not _OUTCOMES["failed"]:
        return
    target = Path(os.environ.get("COCKPIT_RELIABILITY_JSON", REPO / "build" / "reliability.json"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_TOTAL.as_json(**_OUTCOMES),
                                 indent=2) + "\n")


SimFactory = Callable[..., Simulator]


@pytest.fixture
def make_sim(tmp_path: Path) -> Iterator[SimFactory]:
    """Start the api-gateway scenario with faults; its clock stands still until a test moves it."""
    started: list[Simulator] = []

    def build(*faults: str, name: str = "api-gateway", at: str = "10:25") -> Simulator:
        scenario = load_scenario(name)
        sim = Simulator(scenario, speed=1.0, anchor="origin", faults=faults)
        sim.clock.set_speed(1e-9)
        move(sim, at)
        sim.start()
        started.append(sim)
        return sim

    yield build
    for sim in started:
        sim.stop()


def move(sim: Simulator, at: str) -> None:
    """Jump the simulator's scenario time to ``at`` (a clock time or an offset)."""
    from cockpit.scenario.durations import parse_offset

    sim.clock.jump_to(parse_offset(at, sim.scenario.origin))


def sim_config(sim: Simulator, tmp_path: Path, refresh_s: float = 0.5) -> Config:
    """A cockpit config pointing at ``sim`` with fast polling."""
    kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
    raw = tomllib.loads(sim.config_toml(kubeconfig))
    for section in ("prometheus", "alertmanager", "kubernetes"):
        raw[section]["refresh_s"] = refresh_s
    return config_from_dict(raw, source="<reliability>")
