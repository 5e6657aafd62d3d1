"""What the reliability suite tried, counted per test and summed for docs/reliability.md.

A test asks for the ``tally`` fixture and records what it injected or fed in;
only tests that pass add their counts to the totals (a failed fault test is a
fault not survived). ``scripts/reliability_report.py`` turns the totals into a table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    faults: Counter[str] = field(default_factory=Counter)     # fault spec kind → survived
    hostile: Counter[str] = field(default_factory=Counter)    # input class → inputs tried
    events_checked: int = 0                                   # journal events compared
    events_lost: int = 0
    crashes: int = 0                                          # tracebacks / dead processes

    def fault(self, name: str, count: int = 1) -> None:
        self.faults[name] += count

    def hostile_input(self, klass: str, count: int = 1) -> None:
        self.hostile[klass] += count

    def events(self, checked: int, lost: int = 0) -> None:
        self.events_checked += checked
        self.events_lost += lost

    def merge(self, other: Tally) -> None:
        self.faults.update(other.faults)
        self.hostile.update(other.hostile)
        self.events_checked += other.events_checked
        self.events_lost += other.events_lost
        self.crashes += other.crashes

    def as_json(self, passed: int, failed: int, xfailed: int) -> dict[str, object]:
        return {"tests_passed": passed, "tests_failed": failed, "known_gaps_xfail": xfailed,
                "faults_survived": dict(sorted(self.faults.items())),
                "hostile_inputs": dict(sorted(self.hostile.items())),
                "events_checked": self.events_checked, "events_lost": self.events_lost,
                "crashes": self.crashes}
