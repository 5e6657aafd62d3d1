"""Team runbook actions from config: typed parameters, validated, run as an argv.

The command is a list of arguments with ``{param}`` placeholders; a value can
only ever fill one argument, never add one, and no shell sees it. Bad values
are refused before anything runs.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from cockpit.config.schema import RunbookAction, RunbookParam

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
OUTPUT_LIMIT = 4000


class RunbookError(Exception):
    """A runbook action or parameter is not acceptable (one clear sentence)."""


@dataclass(frozen=True)
class RunResult:
    argv: tuple[str, ...]
    returncode: int
    output: str  # stdout and stderr, truncated

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def find(actions: list[RunbookAction], name: str) -> RunbookAction:
    for action in actions:
        if action.name == name:
            return action
    have = ", ".join(a.name for a in actions) or "none configured"
    raise RunbookError(f"no runbook action {name!r} ([[actions.runbook]] has: {have})")


def check_param(param: RunbookParam, raw: str) -> str:
    """The value as it will be substituted, or RunbookError saying why not."""
    where = f"parameter {param.name}"
    if param.type == "int":
        if not re.fullmatch(r"-?\d{1,18}", raw.strip()):
            raise RunbookError(f"{where} must be a whole number, not {raw!r}")
        value = int(raw)
        if param.min is not None and value < param.min:
            raise RunbookError(f"{where} must be at least {param.min}, not {value}")
        if param.max is not None and value > param.max:
            raise RunbookError(f"{where} must be at most {param.max}, not {value}")
        return str(value)
    if param.type == "bool":
        lowered = raw.strip().lower()
        if lowered not in ("true", "false"):
            raise RunbookError(f"{where} must be true or false, not {raw!r}")
        return lowered
    if param.type == "choice":
        if raw not in param.choices:
            raise RunbookError(f"{where} must be one of {', '.join(param.choices)}, not {raw!r}")
        return raw
    if "\x00" in raw or "\n" in raw:
        raise RunbookError(f"{where} must be one line of text")
    if param.pattern and not re.fullmatch(param.pattern, raw):
        raise RunbookError(f"{where} must match {param.pattern!r}, not {raw!r}")
    return raw


def render(action: RunbookAction, values: Mapping[str, str]) -> tuple[str, ...]:
    """The argv with every placeholder filled by a validated value."""
    if not action.command:
        raise RunbookError(f"runbook action {action.name!r} has no command")
    declared = {p.name: p for p in action.params}
    unknown = set(values) - set(declared)
    if unknown:
        raise RunbookError(f"runbook action {action.name!r} takes no parameter "
                           f"{', '.join(sorted(unknown))} (takes: "
                           f"{', '.join(declared) or 'none'})")
    checked: dict[str, str] = {}
    for name, param in declared.items():
        if name not in values:
            raise RunbookError(f"runbook action {action.name!r} needs {name}=VALUE")
        checked[name] = check_param(param, values[name])

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in checked:
            raise RunbookError(f"runbook action {action.name!r}: command uses {{{key}}}, "
                               f"which is not a declared parameter")
        return checked[key]

    return tuple(PLACEHOLDER.sub(fill, arg) for arg in action.command)


def run(argv: tuple[str, ...], timeout_s: float) -> RunResult:
    """Run the argv (never through a shell); output captured, truncated."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout_s,
                              shell=False, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        return RunResult(argv, 127, f"{argv[0]}: command not found")
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return RunResult(argv, 124, f"{out[-OUTPUT_LIMIT:]}\ntimed out after {timeout_s:g}s")
    output = (done.stdout or "") + (done.stderr or "")
    if len(output) > OUTPUT_LIMIT:
        output = output[:OUTPUT_LIMIT] + f"\n… ({len(output) - OUTPUT_LIMIT} more characters)"
    return RunResult(argv, done.returncode, output)
