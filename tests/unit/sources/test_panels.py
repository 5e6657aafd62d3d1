"""Step choice, templating and incremental merging of panel series."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cockpit.config.schema import DEFAULT_PANELS
from cockpit.sources.base import Series, frozen_map
from cockpit.sources.panels import (
    MAX_POINTS,
    NICE_STEPS,
    choose_step,
    merge_tail,
    render_panels,
    render_query,
)


def test_render_replaces_only_the_two_tokens() -> None:
    q = 'sum(rate(x{service="{service}",namespace="{namespace}",code=~"5.."}[1m])) by (le)'
    assert render_query(q, "api", "prod") == (
        'sum(rate(x{service="api",namespace="prod",code=~"5.."}[1m])) by (le)')
    rendered = render_panels(DEFAULT_PANELS, "api", "prod")
    assert all("{service}" not in p.query and "{namespace}" not in p.query for p in rendered)
    assert rendered[0].threshold == DEFAULT_PANELS[0].threshold


def test_step_examples() -> None:
    assert choose_step(180, 240) == 1  # never below one second
    assert choose_step(3 * 3600, 240) == 60  # 45 s rounds up to a nice 60 s
    assert choose_step(3600, 120) == 30
    assert choose_step(24 * 3600, 100_000) == 10  # capped by the 11,000-point limit


@given(st.floats(1, 400 * 86400), st.integers(-5, 50_000))
def test_step_is_nice_and_within_limits(window: float, width: int) -> None:
    step = choose_step(window, width)
    assert step >= 1
    assert window / step <= MAX_POINTS
    assert step in NICE_STEPS or step % 86400 == 0


def series(labels: dict[str, str], *points: tuple[float, float]) -> Series:
    return Series(frozen_map(labels), tuple(points))


def test_merge_replaces_overlap_appends_and_ages_out() -> None:
    a, b = {"code": "200"}, {"code": "500"}
    old = [series(a, (10, 1), (20, 2), (30, 3)), series(b, (10, 9))]
    tail = [series(a, (30, 3.5), (40, 4)), series({"code": "404"}, (40, 1))]
    merged = {s.labels["code"]: s.points for s in merge_tail(old, tail, 30, keep_from=20)}
    assert merged == {"200": ((20, 2), (30, 3.5), (40, 4)), "404": ((40, 1),)}
