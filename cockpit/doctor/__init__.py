"""``cockpit doctor``'s check registry: each integration registers its own checks.

A check is a function from the loaded :class:`Config` to result rows. Modules
named ``*_checks.py`` in this package are imported on first use, so adding the
Kubernetes or LLM checks is one new file calling :func:`register_check`; nothing
here needs editing. No Rich and no Textual: the CLI renders the rows.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from cockpit.config.schema import Config


class CheckStatus(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    NOT_CONFIGURED = "not configured"


@dataclass(frozen=True)
class CheckResult:
    check: str
    status: CheckStatus
    detail: str
    next_step: str = ""


CheckFn = Callable[[Config], list[CheckResult]]


@dataclass(frozen=True)
class _Registered:
    name: str
    fn: CheckFn
    order: int


_REGISTRY: dict[str, _Registered] = {}
_discovered = False


def register_check(name: str, fn: CheckFn, *, order: int = 100) -> None:
    """Add (or replace) the check ``name``; lower ``order`` runs and prints first."""
    _REGISTRY[name] = _Registered(name, fn, order)


def registered_checks() -> list[str]:
    _discover()
    return [r.name for r in sorted(_REGISTRY.values(), key=lambda r: (r.order, r.name))]


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for module in pkgutil.iter_modules(__path__):
        if module.name.endswith("_checks"):
            importlib.import_module(f"{__name__}.{module.name}")


def run_checks(cfg: Config) -> list[CheckResult]:
    """Every registered check's rows; a check that crashes is one failed row, not a traceback."""
    rows: list[CheckResult] = []
    for name in registered_checks():
        try:
            rows.extend(_REGISTRY[name].fn(cfg))
        except Exception as exc:  # a broken check must not hide the others
            rows.append(CheckResult(name, CheckStatus.FAIL,
                                    f"check crashed: {type(exc).__name__}: {exc}",
                                    "report this as a cockpit bug"))
    return rows


def all_green(rows: list[CheckResult]) -> bool:
    return all(r.status in (CheckStatus.OK, CheckStatus.NOT_CONFIGURED) for r in rows)
