"""Benchmark 7, journal: fsynced appends per second vs a bare write+fsync loop.

Both write to the same folder (the disk cockpit keeps incidents on: COCKPIT_HOME
or the platform data dir's parent when it exists, else the temp dir), in the
same run, taking turns every few appends, so the disk's mood is shared.

A third writer takes its turn too, reported without a target: the *floor*, encoding
each event (``encode_event``) then ``write`` + ``fsync``, with none of the journal's
lock, name check or torn-line check. Right after an fsync the CPU runs Python about
three times slower than warm (the encoding: ~4 µs warm, ~12 µs then), so the floor
shows how much of the gap to the bare loop any Python journal must pay on this disk.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Check, Result, median
from cockpit.incident.journal import Journal, encode_event
from cockpit.incident.model import Event, EventKind


def _events(count: int) -> list[Event]:
    now = datetime.now(UTC)
    return [Event(now, EventKind.NOTE, "bench", f"note {n}: checked the dashboards",
                  {"n": n}) for n in range(count)]


BLOCK = 10  # appends per turn: the two writers take turns, so both see the same disk


def interleaved(folder: Path, events: list[Event]) -> tuple[float, float, list[float],
                                                            list[float]]:
    """Journal and bare appends/s, the writers taking turns every BLOCK lines, and per
    turn the ratio of their speeds (fsync times on a shared VM disk come in bursts: the
    median of per-turn ratios is what the two writers' code costs, not the disk's mood);
    the floor's per-turn ratios to the bare loop too."""
    journal = Journal(folder / "journal.jsonl")
    lines = [encode_event(e) for e in events]
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    fd = os.open(folder / "bare.jsonl", flags, 0o600)
    floor_fd = os.open(folder / "floor.jsonl", flags, 0o600)
    journal_s = bare_s = 0.0
    ratios: list[float] = []
    floor_ratios: list[float] = []
    try:
        for first in range(0, len(events), BLOCK):
            started = time.perf_counter()
            for event in events[first:first + BLOCK]:
                journal.append(event)
            middle = time.perf_counter()
            for line in lines[first:first + BLOCK]:
                os.write(fd, line)
                os.fsync(fd)
            ended = time.perf_counter()
            for event in events[first:first + BLOCK]:
                os.write(floor_fd, encode_event(event))
                os.fsync(floor_fd)
            floored = time.perf_counter()
            bare_s += ended - middle
            journal_s += middle - started
            ratios.append((ended - middle) / (middle - started))
            floor_ratios.append((ended - middle) / (floored - ended))
    finally:
        os.close(fd)
        os.close(floor_fd)
    return len(events) / journal_s, len(events) / bare_s, ratios, floor_ratios


def run(quick: bool) -> Result:
    count, rounds = (300, 2) if quick else (1000, 5)
    root = Path(os.environ.get("COCKPIT_HOME") or tempfile.gettempdir())
    rates: list[float] = []
    bares: list[float] = []
    ratios: list[float] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-journal-", dir=root) as tmp:
        for number in range(rounds):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            journal, bare, turns, floor_turns = interleaved(folder, _events(count))
            rates.append(journal)
            bares.append(bare)
            ratios.extend(turns)
            floors.extend(floor_turns)
    rate, bare, ratio = median(rates), median(bares), median(ratios)
    return Result("journal", checks=[
        Check("appends/s", rate, None, "appends/s", higher_is_better=True, baseline=bare,
              ratio=rate / bare),
        Check("ratio journal/bare (median of turns)", ratio, 0.8, "x", higher_is_better=True),
        Check("floor: encode + write + fsync, ratio to bare", median(floors), None, "x",
              higher_is_better=True),
    ], details={"appends": count, "rounds": rounds, "folder": str(root),
                "journal_rates": rates, "bare_rates": bares})
