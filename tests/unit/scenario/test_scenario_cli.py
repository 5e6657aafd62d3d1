"""``cockpit scenario`` as a user runs it: list, show, validate, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cockpit


def test_list_shows_titles_not_causes(cockpit_home: Path) -> None:
    result = run_cockpit(cockpit_home, "scenario", "list")
    assert result.returncode == 0, result.stderr
    assert "api-gateway" in result.stdout and "production" in result.stdout
    assert "bad-deploy" not in result.stdout
    rows = json.loads(run_cockpit(cockpit_home, "scenario", "list", "--json").stdout)
    assert {r["name"] for r in rows} >= {"api-gateway", "oom-crashloop", "payments-db-outage",
                                         "config-rollout", "traffic-surge"}
    assert all("truth" not in r for r in rows)


def test_show_text_hides_truth_and_json_has_path_and_truth(cockpit_home: Path) -> None:
    text = run_cockpit(cockpit_home, "scenario", "show", "api-gateway")
    assert text.returncode == 0, text.stderr
    assert "abc123: new pooling library" in text.stdout and "bad-deploy" not in text.stdout
    data = json.loads(run_cockpit(cockpit_home, "scenario", "show", "api-gateway",
                                  "--json").stdout)
    assert data["path"].endswith("api-gateway.yaml") and Path(data["path"]).exists()
    assert data["truth"] == {"cause": "bad-deploy", "culprit": "deployment/api-gateway@42",
                             "remedy": "rollback", "summary": data["truth"]["summary"]}


def test_validate_reports_each_file(cockpit_home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\x00\xff\xfe not yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad Name\ntitle: x\n")
    result = run_cockpit(cockpit_home, "scenario", "validate", "api-gateway", str(junk),
                         str(bad), str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    assert "api-gateway: ok (" in result.stdout
    assert "Traceback" not in result.stderr
    assert f"{junk}: not UTF-8 text" in result.stderr
    assert f"{bad}:1: name: 'Bad Name' is not a lowercase DNS-style name" in result.stderr
    assert f"{bad}:1: (top): 'namespace' is a required property" in result.stderr
    assert f"{tmp_path / 'missing.yaml'}: no such file" in result.stderr


def test_validate_all_builtins_ok(cockpit_home: Path) -> None:
    from cockpit.scenario import builtin_names
    result = run_cockpit(cockpit_home, "scenario", "validate", *builtin_names())
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(builtin_names())
