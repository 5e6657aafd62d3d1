"""The scenario world seen as a Prometheus series store (what the PromQL engine reads).

Offsets become unix times through the simulator clock; samples after the clock's
"now" do not exist yet, exactly like a live Prometheus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cockpit.scenario.clock import SimClock
from cockpit.scenario.world import ScenarioWorld


class WorldStore:
    """Adapts :class:`ScenarioWorld` to the ``SeriesStore`` protocol."""

    def __init__(self, world: ScenarioWorld, clock: SimClock) -> None:
        self.world = world
        self.clock = clock
        self.scrape_interval = world.scrape_interval
        self.epoch = clock.origin_unix  # offset 0 is a scrape instant

    def series_keys(self) -> Sequence[tuple[str, Mapping[str, str]]]:
        return self.world.series_keys()

    def sample(self, name: str, labels: Mapping[str, str], ts: float) -> float | None:
        if ts > self.clock.now():
            return None
        return self.world.sample(name, labels, ts - self.epoch)

    def now(self) -> float:
        return self.clock.now()
