"""Scenario files: the built-ins load, broken files get every error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.scenario import ScenarioError, builtin_names, load_scenario, scenario_path
from cockpit.scenario.durations import parse_duration, parse_offset, parse_quantity

MINIMAL = """\
name: tiny
title: Tiny
namespace: default
origin: 2024-01-15T08:00:00Z
duration: 1h
deployments:
  - name: web
    replicas: 2
    revisions:
      - {revision: 1, at: -1d, image: "web:1"}
truth: {cause: capacity, culprit: deployment/web, remedy: scale}
"""


def test_at_least_five_builtins_of_different_causes_all_validate() -> None:
    names = builtin_names()
    assert len(names) >= 5
    causes = {load_scenario(n).truth.cause for n in names}
    remedies = {load_scenario(n).truth.remedy for n in names}
    assert len(causes) >= 5
    assert {"rollback", "scale", "escalate"} <= remedies


def test_clock_times_count_from_origin_and_durations_parse() -> None:
    s = load_scenario("api-gateway")
    assert s.deployment("api-gateway").revisions[1].at == parse_duration("15m")
    assert parse_offset("10:28:45", s.origin) == parse_duration("2h28m45s") == 8925.0
    assert parse_duration("-3d") == -259200.0
    assert parse_quantity("2Gi") == 2 * 1024**3
    assert parse_quantity("500m") == 0.5


def test_a_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL)
    s = load_scenario(path)
    assert s.scrape_interval == 15.0
    assert s.deployment("web").selector == {"app": "web"}
    assert s.path == path


def test_every_error_has_file_line_and_path(tmp_path: Path) -> None:
    broken = MINIMAL.replace('{revision: 1, at: -1d, image: "web:1"}',
                             "{revision: 1, at: -1d, image: \"web:1\"}\n"
                             "      - {revision: 2, at: '25:00', image: \"web:2\"}")
    broken = broken.replace("remedy: scale", "remedy: pray").replace("title: Tiny",
                                                                      "title: Tiny\nbogus: 1")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    errors = caught.value.errors
    assert f"{path}:12: deployments[0].revisions[1].at: '25:00' is not a time or duration" \
        in errors
    assert any(e.startswith(f"{path}:13: truth.remedy: 'pray' is not one of") for e in errors)
    assert any(e.startswith(f"{path}:3: bogus: unknown key (known: alerts,") for e in errors)


def test_meaning_errors_unknown_revision_and_time_outside(tmp_path: Path) -> None:
    text = MINIMAL.replace("truth:", "reactions:\n  - {action: rollback, deployment: web, "
                           "to_revision: 9}\n  - {action: scale, deployment: nope}\ntruth:")
    text = text.replace("image: \"web:1\"}", "image: \"web:1\"}\n"
                        "      - {revision: 2, at: '11:00', image: \"web:2\"}")
    path = tmp_path / "meaning.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    joined = "\n".join(caught.value.errors)
    assert "deployments[0].revisions[1].at: '11:00' is after the scenario ends (1h)" in joined
    assert "reactions[0].to_revision: web has no revision 9" in joined
    assert "reactions[1].deployment: no deployment named 'nope'" in joined


@pytest.mark.parametrize("content, expected", [
    ("name: [unclosed\n", "not valid YAML"),
    ("just a string\n", "a scenario is a mapping"),
    ("", "the file is empty"),
    ("a: 1\na: 2\n", "duplicate key 'a'"),
])
def test_junk_gets_one_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "junk.yaml"
    path.write_text(content)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert any(expected in e and str(path) in e for e in caught.value.errors)


def test_missing_file_and_unknown_name() -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario("/nonexistent/scenario.yaml")
    with pytest.raises(ScenarioError, match="built-ins: api-gateway"):
        scenario_path("no-such-scenario")


def test_faults_are_parsed(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(MINIMAL + 'faults: ["prometheus:down@5m-8m", "logs:slow"]\n')
    s = load_scenario(path)
    assert (s.faults[0].component, s.faults[0].kind, s.faults[0].start, s.faults[0].end) == \
        ("prometheus", "down", 300.0, 480.0)
    assert s.faults[1].start is None


def test_the_documented_full_example_validates(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "scenarios.md").read_text()
    block = doc.split("## A full example\n```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(block)
    scenario = load_scenario(path)
    assert scenario.truth.remedy == "rollback" and scenario.faults[0].component == "prometheus"
