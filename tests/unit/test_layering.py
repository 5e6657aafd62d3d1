"""DESIGN.md's import rule: the core never imports the UI framework."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = ["sources", "incident", "analysis", "actions", "scenario"]
PACKAGE = Path(__file__).resolve().parents[2] / "cockpit"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_packages_never_import_textual_or_the_ui() -> None:
    offenders = []
    checked = 0
    for package in CORE:
        for path in (PACKAGE / package).rglob("*.py"):
            checked += 1
            for name in imported_modules(path):
                if name.split(".")[0] in ("textual", "rich") or name.startswith("cockpit.ui"):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert checked > 5
    assert offenders == []
