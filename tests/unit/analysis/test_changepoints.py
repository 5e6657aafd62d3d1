"""Change points: onset of a sustained departure, robust to spikes; recovery."""

from __future__ import annotations

import random

from cockpit.analysis.changepoints import detect, format_value
from cockpit.analysis.revision_diff import PodTemplate, diff, quantity


def _series(values: list[float], step: float = 15.0) -> list[tuple[float, float]]:
    return [(1000.0 + i * step, v) for i, v in enumerate(values)]


def test_step_up_is_found_at_its_first_point_with_baseline_and_level() -> None:
    rng = random.Random(1)
    values = [0.001 * (1 + rng.uniform(-0.05, 0.05)) for _ in range(40)] + [0.47] * 20
    found = detect(_series(values))
    assert found is not None
    onset, baseline, level, _peak, direction, _score, recovered = found
    assert onset == 1000.0 + 40 * 15 and direction == "up" and recovered is None
    assert abs(baseline - 0.001) < 0.0001 and level == 0.47


def test_a_single_spike_is_not_an_onset_and_flat_noise_has_none() -> None:
    rng = random.Random(2)
    noisy = [300 * (1 + rng.uniform(-0.04, 0.04)) for _ in range(120)]
    assert detect(_series(noisy)) is None
    noisy[60] = 3000.0
    assert detect(_series(noisy)) is None


def test_recovery_is_reported() -> None:
    values = [1.0] * 30 + [5.0] * 10 + [1.0] * 10
    found = detect(_series(values))
    assert found is not None and found[6] == 1000.0 + 40 * 15


def test_values_read_like_an_engineer_writes_them() -> None:
    assert format_value(0.001, "ratio") == "0.1%"
    assert format_value(0.47, "ratio") == "47%"
    assert format_value(0.25, "s") == "250 ms"


def test_template_diff_tells_image_from_env_from_a_lowered_limit() -> None:
    base = PodTemplate(("app:1",), {"A": "x"}, {"app/memory": "512Mi"}, {})
    image = diff(base, PodTemplate(("app:2",), {"A": "x"}, {"app/memory": "512Mi"}, {}))
    env = diff(base, PodTemplate(("app:1",), {"B": "x"}, {"app/memory": "512Mi"}, {}))
    limit = diff(base, PodTemplate(("app:1",), {"A": "x"}, {"app/memory": "256Mi"}, {}))
    assert image.image_changed and not env.image_changed
    assert env.kinds == {"env"} and env.details == ("env A removed", "env B added")
    assert limit.kinds == {"limits"} and limit.limit_lowered
    assert limit.details == ("memory limit 512Mi -> 256Mi",)
    assert quantity("500m") == 0.5 and quantity("1Gi") == 1024**3
