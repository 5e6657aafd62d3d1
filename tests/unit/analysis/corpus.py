"""Realistic log corpora from the built-in scenarios, tagged as the log ingest would tag them."""

from __future__ import annotations

from datetime import datetime

from cockpit.scenario import ScenarioWorld, load_scenario
from cockpit.scenario.durations import offset_to_datetime
from cockpit.sources.base import LogLine
from cockpit.sources.logs.levels import LevelTagger


def at(name: str, hhmm: str) -> datetime:
    """Wall-clock time ``hh:mm[:ss]`` on the scenario's day."""
    scenario = load_scenario(name)
    h, m, *s = (int(x) for x in hhmm.split(":"))
    origin = offset_to_datetime(scenario.origin, 0.0)
    return origin.replace(hour=h, minute=m, second=s[0] if s else 0)


def scenario_lines(name: str, start: str, end: str) -> list[LogLine]:
    """Every pod's lines between ``start`` and ``end`` (``"10:28"``), oldest first."""
    scenario = load_scenario(name)
    world = ScenarioWorld(scenario)
    origin = offset_to_datetime(scenario.origin, 0.0)
    lo = (at(name, start) - origin).total_seconds()
    hi = (at(name, end) - origin).total_seconds()
    tagger = LevelTagger()
    lines = []
    pods = {p.name: p for p in world.pods(lo) + world.pods(hi - 1)}
    for pod in pods.values():
        for offset, text in world.log_lines(pod.name, lo, hi):
            lines.append(LogLine(offset_to_datetime(scenario.origin, offset), pod.name, text,
                                 tagger.tag((pod.name, ""), text)))
    lines.sort(key=lambda line: line.ts)
    return lines
