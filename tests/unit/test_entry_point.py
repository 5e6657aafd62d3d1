"""The console script's entry point: it loads nothing until it is called, and it keeps
garbage collection paused only for the commands that open the screen.

pip's ``cockpit`` script imports its entry point at top level, and multiprocessing's
spawn runs that script again in every child (the log process, the pattern miner): what
the import loads, each child carries.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

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


seen_collecting: list[bool] = []


@click.command()
def probe() -> None:
    seen_collecting.append(gc.isenabled())


def test_collection_is_paused_for_the_screen_commands_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen command starts with garbage collection paused (its panes resume it);
    any other command runs with it on, and the entry point always returns with it on."""
    from cockpit.__main__ import main
    from cockpit.cli import COMMANDS

    monkeypatch.setitem(COMMANDS, "open", f"{__name__}:probe")  # stands in for the screen
    monkeypatch.setitem(COMMANDS, "incidents", f"{__name__}:probe")
    seen_collecting.clear()
    for command in ("open", "incidents"):
        with pytest.raises(SystemExit) as done:
            main([command])
        assert done.value.code == 0
        assert gc.isenabled()
    assert seen_collecting == [False, True]
