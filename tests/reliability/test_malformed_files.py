"""Malformed config, scenario and fault specs through the real CLI: one clear line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.tally import Tally
from tests.support.cli import run_cockpit

CONFIGS = {
    "not TOML": "this is [not toml",
    "unknown key": "[prometheus]\nurll = \"http://x\"\n",
    "wrong type": "[prometheus]\nrefresh_s = \"fast\"\n",
    "binary junk": "\x00\x01\x02\xff",
    "huge": "# " + "x" * 2_000_000 + "\n[prometheus]\nurl = 5\n",
}
SCENARIOS = {
    "not YAML": "name: [unclosed\n",
    "a list": "- 1\n- 2\n",
    "missing fields": "name: x\n",
    "bad fault": "name: x\nfaults: [\"prometheus:explode@5m\"]\n",
    "binary junk": "\x00\x01\x02",
}


def _one_clear_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert lines and lines[0].startswith("cockpit:"), stderr


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_malformed_config_gives_one_clear_error(cockpit_home: Path, tmp_path: Path,
                                               tally: Tally, name: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(CONFIGS[name].encode("utf-8", "surrogateescape"))
    result = run_cockpit(cockpit_home, "--config", str(path), "incidents")
    assert result.returncode != 0
    _one_clear_line(result.stderr)
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    tally.hostile_input("malformed config file")


def test_malformed_scenarios_and_faults_give_clear_errors(cockpit_home: Path, tmp_path: Path,
                                                          tally: Tally) -> None:
    for name, body in SCENARIOS.items():
        path = tmp_path / f"{name.replace(' ', '-')}.yaml"
        path.write_text(body)
        result = run_cockpit(cockpit_home, "scenario", "validate", str(path))
        assert result.returncode != 0, name
        assert "Traceback" not in result.stderr + result.stdout, name
    for spec in ("prometheus:explode", "k8s:latency@5m", "alertmanager:down@10:33-10:30"):
        result = run_cockpit(cockpit_home, "scenario", "serve", "api-gateway", "--fault", spec)
        assert result.returncode == 2 and spec in result.stderr
        _one_clear_line(result.stderr)
    tally.hostile_input("malformed scenario file", len(SCENARIOS))
    tally.hostile_input("malformed fault spec (CLI)", 3)
