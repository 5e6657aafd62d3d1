"""``cockpit patterns`` as a user runs it: on a file, on stdin, as JSON, with --assign."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cockpit
from tests.unit.analysis.corpus import scenario_lines

LOG = """\
2024-01-15T10:28:45.100Z INFO request served path=/api/v1/users/17 status=200 took 12ms
2024-01-15T10:28:45.200Z INFO request served path=/api/v1/users/99 status=200 took 8ms
2024-01-15T10:28:46.000Z ERROR connection timeout after 5000ms to 10.0.3.17:5432
2024-01-15T10:28:46.100Z INFO request served path=/api/v1/orders/5 status=200 took 30ms
2024-01-15T10:28:47.000Z ERROR connection timeout after 5000ms to 10.0.3.18:5432
"""


def test_table_on_a_file(cockpit_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(LOG)
    result = run_cockpit(cockpit_home, "patterns", str(log))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "app.log: 5 lines, 2 templates"
    assert out[1].split() == ["COUNT", "ID", "LEVEL", "TEMPLATE"]
    first, second = out[2].split(None, 3), out[3].split(None, 3)
    assert first[0] == "3" and first[2] == "info" and "request served" in first[3]
    assert second[0] == "2" and second[2] == "error"
    assert "connection timeout after <DUR> to <IP>" in second[3]


def test_json_on_stdin(cockpit_home: Path) -> None:
    result = run_cockpit(cockpit_home, "patterns", "-", "--json", "--top", "1", input=LOG)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lines"] == 5 and data["source"] == "stdin"
    (top,) = data["templates"]
    assert top["count"] == 3 and top["levels"] == {"info": 3}
    assert top["first_seen"] < top["last_seen"]  # the kubectl-style timestamps were read


def test_assign_gives_one_id_per_line_in_order(cockpit_home: Path, tmp_path: Path) -> None:
    lines = scenario_lines("api-gateway", "10:29", "10:30")
    log = tmp_path / "gateway.log"
    log.write_text("".join(ln.text + "\n" for ln in lines))
    result = run_cockpit(cockpit_home, "patterns", str(log), "--assign")
    assert result.returncode == 0, result.stderr
    ids = [int(x) for x in result.stdout.split()]
    assert len(ids) == len(lines)
    timeout_ids = {i for i, ln in zip(ids, lines, strict=True) if "connection timeout" in ln.text}
    other_ids = {i for i, ln in zip(ids, lines, strict=True) if "connection timeout" not in ln.text}
    assert len(timeout_ids) == 1 and not timeout_ids & other_ids

    as_json = run_cockpit(cockpit_home, "patterns", str(log), "--assign", "--json")
    data = json.loads(as_json.stdout)
    assert data["ids"] == ids
    assert "connection timeout" in data["templates"][str(timeout_ids.pop())]


def test_empty_input(cockpit_home: Path) -> None:
    text = run_cockpit(cockpit_home, "patterns", input="")
    assert text.returncode == 0 and text.stdout.strip() == "stdin: no lines, no templates"
    data = json.loads(run_cockpit(cockpit_home, "patterns", "--json", input="").stdout)
    assert data["lines"] == 0 and data["templates"] == []
    assigned = run_cockpit(cockpit_home, "patterns", "--assign", input="")
    assert assigned.returncode == 0 and assigned.stdout == ""


def test_binary_file_gets_one_clear_line(cockpit_home: Path, tmp_path: Path) -> None:
    blob = tmp_path / "core.gz"
    blob.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    result = run_cockpit(cockpit_home, "patterns", str(blob))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert "core.gz looks binary" in line and "zcat" in line


def test_missing_file_gets_one_clear_line(cockpit_home: Path, tmp_path: Path) -> None:
    result = run_cockpit(cockpit_home, "patterns", str(tmp_path / "nope.log"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"cockpit: cannot read {tmp_path / 'nope.log'}: " \
                                     "No such file or directory"
