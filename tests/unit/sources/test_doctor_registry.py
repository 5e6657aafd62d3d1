"""Others add doctor checks with register_check alone; a crashing check is one red row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import cockpit.doctor as doctor
from cockpit.config.schema import Config
from cockpit.doctor import CheckResult, CheckStatus, all_green, register_check, run_checks


@pytest.fixture
def registry() -> Iterator[None]:
    saved = dict(doctor._REGISTRY)
    yield
    doctor._REGISTRY.clear()
    doctor._REGISTRY.update(saved)


def test_unconfigured_sources_are_not_failures() -> None:
    rows = run_checks(Config())
    assert [(r.check, r.status) for r in rows][:2] == [
        ("Prometheus", CheckStatus.NOT_CONFIGURED), ("Alertmanager", CheckStatus.NOT_CONFIGURED)]
    assert all_green([r for r in rows if r.check in ("Prometheus", "Alertmanager")])


def test_registered_checks_run_in_order_and_crashes_are_contained(registry: None) -> None:
    def kube(cfg: Config) -> list[CheckResult]:
        return [CheckResult("Kubernetes", CheckStatus.WARN, "context missing", "set one")]

    def broken(cfg: Config) -> list[CheckResult]:
        raise RuntimeError("boom")

    register_check("kubernetes", kube, order=30)
    register_check("llm", broken, order=40)
    rows = run_checks(Config())
    assert [r.check for r in rows] == ["Prometheus", "Alertmanager", "Kubernetes", "llm"]
    assert rows[-1].status is CheckStatus.FAIL and "RuntimeError: boom" in rows[-1].detail
    assert not all_green(rows)
