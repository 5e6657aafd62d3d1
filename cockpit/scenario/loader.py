"""Scenario files: YAML → validated :class:`Scenario`, every error with file, line and path.

Structure is checked by the JSON Schema shipped beside this module; meaning (revisions
that exist, times inside the scenario, keyframes in order, unique names) is checked by
:class:`~cockpit.scenario.model_builder.ModelBuilder` as it builds the model.
All problems are collected and raised together in one :class:`ScenarioError`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from cockpit.scenario.model import Scenario
from cockpit.scenario.model_builder import ModelBuilder
from cockpit.scenario.yaml_lines import YamlProblem, dotted, line_of, load_with_lines

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


class ScenarioError(Exception):
    """A scenario that cannot be used; ``errors`` holds every ``FILE:LINE: path: message``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def scenario_path(name_or_path: str | Path) -> Path:
    """A built-in scenario's file, or ``name_or_path`` itself when it names a file."""
    text = str(name_or_path)
    if text in builtin_names():
        return BUILTIN_DIR / f"{text}.yaml"
    path = Path(text)
    if path.exists() or "/" in text or text.endswith((".yaml", ".yml")):
        return path
    known = ", ".join(builtin_names())
    raise ScenarioError(
        [f"{text}: no such scenario file or built-in scenario (built-ins: {known})"])


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("cockpit.scenario").joinpath("schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_scenario(name_or_path: str | Path) -> Scenario:
    path = scenario_path(name_or_path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, not a scenario file"]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror}"]) from None
    return parse_scenario(text, path)


def parse_scenario(text: str, path: Path) -> Scenario:
    try:
        data, lines = load_with_lines(text)
    except YamlProblem as exc:
        raise ScenarioError([f"{path}:{exc.line}: {exc.message}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError([f"{path}:1: a scenario is a mapping of keys (name, title, ...)"])
    errors: list[str] = []
    validator = jsonschema.Draft202012Validator(_schema())
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        where = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = sorted(err.schema.get("properties", {})) if isinstance(err.schema, dict) else []
            for key in sorted(set(err.instance) - set(known)):
                at = (*where, key)
                errors.append(f"{path}:{line_of(lines, at)}: {dotted(at)}: unknown key "
                              f"(known: {', '.join(known)})")
            continue
        errors.append(f"{path}:{line_of(lines, where)}: {dotted(where)}: {_message(err)}")
    builder = ModelBuilder(data, lines, path)
    scenario: Scenario | None = None
    try:
        scenario = builder.build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        if not errors:  # only a structural problem the schema missed could get here
            raise
    errors.extend(e for e in builder.errors if e not in errors)
    if errors or scenario is None:
        raise ScenarioError(errors)
    return scenario


def _message(err: jsonschema.ValidationError) -> str:
    schema = err.schema if isinstance(err.schema, dict) else {}
    if err.validator == "pattern" and "description" in schema:
        return f"{err.instance!r} is not {schema['description']}"
    if err.validator == "enum" and isinstance(err.validator_value, list):
        return f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}"
    if err.validator == "oneOf":
        return f"{err.instance!r} is not a template string or a {{template, weight}} mapping"
    return err.message
