"""docs/config.md is generated from the schema and must not drift from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_config_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("config_reference",
                                                  REPO / "scripts" / "config_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    assert (REPO / "docs" / "config.md").read_text() == expected, \
        "run: python scripts/config_reference.py"
    assert "`prometheus.url`" in expected and "`alertmanager.resolve_grace_s`" in expected
