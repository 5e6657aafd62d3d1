"""The console script's entry point loads nothing until it is called.

pip's ``cockpit`` script imports its entry point at top level, and multiprocessing's
spawn runs that script again in every child (the log process, the pattern miner): what
the import loads, each child carries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).parents[2]


def _entry() -> tuple[str, str]:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, function = scripts["cockpit"].partition(":")
    return module, function


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_importing_the_entry_point_loads_no_cli() -> None:
    module, function = _entry()
    done = _python(f"import sys; from {module} import {function}\n"
                   "print(sorted(m for m in sys.modules if m.split('.')[0] in "
                   "('click', 'textual', 'msgspec') or m.startswith('cockpit.')))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr([module])  # the entry's own module, nothing else


def test_the_entry_point_runs_the_cli() -> None:
    module, function = _entry()
    done = _python(f"import sys; from {module} import {function}\n"
                   f"sys.exit({function}(['--version']))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cockpit, version ")
