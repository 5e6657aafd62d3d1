"""The incident commands as a script or a second terminal would use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cockpit.incident.journal import Journal
from tests.support.cli import cockpit_env, run_cockpit


def test_full_incident_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    created = run_cockpit(home, "new", "--title", "HTTP 5xx spike", "--severity", "SEV1",
                          "--service", "api-gateway", "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    incident_id = info["id"]
    assert incident_id.endswith("-api-gateway-http-5xx-spike")
    folder = Path(info["path"]).parent
    assert folder.stat().st_mode & 0o777 == 0o700
    assert Path(info["path"]).stat().st_mode & 0o777 == 0o600

    ack = run_cockpit(home, "ack")
    assert ack.returncode == 0 and f"acknowledged {incident_id}" in ack.stdout
    assert "most recent open incident" in ack.stdout  # says which one it picked
    assert run_cockpit(home, "note", "pool", "at", "100/100").returncode == 0
    assert run_cockpit(home, "status", "--incident", incident_id, "mitigated").returncode == 0
    same = run_cockpit(home, "status", "mitigated")
    assert same.returncode == 2 and "already mitigated" in same.stderr
    assert run_cockpit(home, "severity", "sev2").returncode == 0

    listed = [json.loads(line) for line in run_cockpit(home, "incidents", "--json").stdout.split(
        "\n") if line]
    assert listed[0]["id"] == incident_id
    assert listed[0]["status"] == "mitigated" and listed[0]["severity"] == "SEV2"

    events = Journal(Path(info["path"])).replay().events
    assert [e.kind.value for e in events] == [
        "incident_opened", "acknowledged", "note", "status_changed", "severity_changed"]
    assert events[2].text == "pool at 100/100"
    assert all(e.ts.tzinfo is not None for e in events)

    assert run_cockpit(home, "status", "resolved").returncode == 0
    nothing_open = run_cockpit(home, "note", "late")
    assert nothing_open.returncode == 2 and "no open incident" in nothing_open.stderr

    written = run_cockpit(home, "postmortem", incident_id)
    assert written.returncode == 0, written.stderr
    md_path = Path(written.stdout.strip())
    assert md_path == folder / "postmortem.md"
    text = md_path.read_text()
    assert "pool at 100/100" in text and "## Metrics" in text
    as_json = run_cockpit(home, "postmortem", incident_id, "--format", "json", "-o", "-")
    assert json.loads(as_json.stdout)["id"] == incident_id
    # same journal, same bytes
    again = run_cockpit(home, "postmortem", incident_id, "-o", "-").stdout
    assert again.split("## Executive Summary")[1] == text.split("## Executive Summary")[1]

    resumed = run_cockpit(home, "resume", incident_id, "--print")
    assert resumed.returncode == 0 and "pool at 100/100" in resumed.stdout


def test_unknown_incident_and_stats(tmp_path: Path) -> None:
    home = tmp_path / "home"
    missing = run_cockpit(home, "note", "--incident", "nope", "x")
    assert missing.returncode == 2 and "no incident 'nope'" in missing.stderr
    run_cockpit(home, "new", "--title", "a")
    run_cockpit(home, "ack")
    run_cockpit(home, "status", "resolved")
    stats = json.loads(run_cockpit(home, "stats", "--json").stdout)
    assert stats["windows"]["all"]["count"] == 1
    assert stats["windows"]["7d"]["mtta_s"] is not None
    table = run_cockpit(home, "stats")
    assert table.returncode == 0 and "MTTR" in table.stdout


def test_hostile_title_is_shown_inert(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cockpit(home, "new", "--title", "evil \x1b]0;pwned\x07 \x1b[2J title")
    out = run_cockpit(home, "resume", "--print").stdout + run_cockpit(home, "incidents").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "␛]0;pwned" in out


def test_scripting_commands_do_not_import_the_ui(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cockpit(home, "new", "--title", "a")
    code = ("import sys; from cockpit.cli import main\n"
            "try:\n    main(['note', 'hello'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('textual', 'kubernetes', 'openai', 'prometheus_api_client')"
            " if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], env=cockpit_env(home), capture_output=True,
                         text=True, timeout=60).stdout
    assert "HEAVY []" in out
