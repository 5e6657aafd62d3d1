"""scripts/screenshots.py, run as the README says, writes the five pictures of the demo."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from tests.support.cli import REPO

SCRIPT = REPO / "scripts" / "screenshots.py"


def screen_text(svg: str) -> str:
    """What a reader sees in the picture: the text of the SVG, entities and tags gone."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def test_script_writes_every_shot_with_what_it_should_show(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    shots = {p.name: screen_text(p.read_text(encoding="utf-8")) for p in out.glob("*.svg")}
    assert sorted(shots) == ["01-calm.svg", "02-alert-firing.svg", "03-analysis.svg",
                             "04-remediation.svg", "05-recovered.svg", "06-timeline.svg"]
    assert result.stdout.split() == [str(out / name) for name in sorted(shots)]

    calm = shots["01-calm.svg"]
    assert "10:25:00 UTC" in calm and "Alerts (0)" in calm and "HighErrorRate" not in calm
    firing = shots["02-alert-firing.svg"]
    assert "10:31:00 UTC" in firing and "HighErrorRate" in firing and "critical" in firing
    assert "Alert firing" in firing
    analysis = shots["03-analysis.svg"]
    assert "Acknowledged by alice" in analysis and "Analysis" in analysis
    assert "Remediation" in shots["04-remediation.svg"]
    recovered = shots["05-recovered.svg"]
    assert "Alerts (0)" in recovered and "10:40:00 UTC" in recovered
    timeline = shots["06-timeline.svg"]
    assert "Alert resolved" in timeline and "Acknowledged by alice" in timeline
    assert "Deploy detected: api-gateway revision 42 →" in timeline  # → 43, wrapped
    assert "api-gateway:9f8e7d6" in timeline and "Rolled back api-gateway" in timeline


def test_bad_size_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path),
                             "--size", "wide"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "expected COLUMNSxROWS" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.svg"))
