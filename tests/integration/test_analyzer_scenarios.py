"""Scoring the offline analyzer on every builtin scenario, through the real sources.

Each scenario is served by the simulator at 5 minutes after its first alert fires (as
``cockpit analyze`` does by default); the top hypothesis must name the scenario's true
cause and culprit. Truth is read here, by the scoring, never by the analyzer.
"""

from __future__ import annotations

from typing import Any

import pytest

from cockpit.analysis.calibration import format_table, reliability
from cockpit.cli.analyze_cmds import ScenarioAnalysis, analyze_scenario
from cockpit.scenario import builtin_names, load_scenario

RESULTS: dict[str, ScenarioAnalysis] = {}


def result_for(name: str) -> ScenarioAnalysis:
    if name not in RESULTS:
        RESULTS[name] = analyze_scenario(load_scenario(name))
    return RESULTS[name]


def _right(h: dict[str, Any], name: str) -> bool:
    truth = load_scenario(name).truth
    return bool(h["cause"] == truth.cause and h["culprit"] == truth.culprit)


@pytest.mark.parametrize("name", builtin_names())
def test_top_hypothesis_is_the_truth(name: str) -> None:
    result = result_for(name)
    assert result.problems == [] or all("logs of" in p for p in result.problems), result.problems
    top = result.hypotheses[0]
    truth = load_scenario(name).truth
    assert (top["cause"], top["culprit"]) == (truth.cause, truth.culprit), top
    assert top["remedy"] == truth.remedy
    assert float(top["confidence"]) >= 0.6
    assert len(top["evidence"]) >= 2
    assert any(ch.isdigit() for fact in top["evidence"] for ch in fact)  # numbers and times


def test_no_rollback_for_the_dependency_outage() -> None:
    result = result_for("payments-db-outage")
    assert all(h["remedy"] != "rollback" for h in result.hypotheses), result.hypotheses
    top = result.hypotheses[0]
    assert any("payments-db" in fact and "none between" in fact for fact in top["evidence"])


@pytest.mark.parametrize("name", ["api-gateway", "payments-db-outage"])
def test_thin_evidence_at_the_calm_start_says_unknown(name: str) -> None:
    scenario = load_scenario(name)
    result = analyze_scenario(scenario, scenario.demo_start)
    top = result.hypotheses[0]
    assert top["cause"] == "unknown"
    assert all(h["remedy"] != "rollback" for h in result.hypotheses)
    confident = [h for h in result.hypotheses if h["cause"] != "unknown"]
    assert all(float(h["confidence"]) < 0.45 for h in confident), confident


def test_confidence_is_calibrated_on_the_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [(float(h["confidence"]), _right(h, name))
             for name in builtin_names() for h in result_for(name).hypotheses
             if h["cause"] != "unknown"]
    table = reliability(pairs)
    with capsys.disabled():
        print("\n" + format_table(table))
    assert all(b.accuracy >= 0.75 for b in table if b.low >= 0.7), format_table(table)
    assert all(c < 0.5 for c, right in pairs if not right), pairs


def test_cli_bad_input_is_one_line(cockpit_home: Any) -> None:
    from tests.support.cli import run_cockpit

    done = run_cockpit(cockpit_home, "analyze", "--scenario", "no-such-scenario")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = run_cockpit(cockpit_home, "analyze", "--scenario", "api-gateway", "--at", "99h")
    assert done.returncode == 2 and "outside the scenario" in done.stderr
