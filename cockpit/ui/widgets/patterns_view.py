"""The log pane's side view: recurring templates with counts and sparklines.

"847× connection timeout after <NUM>ms" is what an engineer scans for at 03:00:
the biggest groups first, each with its recent shape, and the ones that did not
exist before the incident started marked NEW.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from rich.text import Text

from cockpit.analysis.pattern_snapshot import PatternSnapshot, TemplateStats
from cockpit.ui.inert import inert

SPARK = "▁▂▃▄▅▆▇█"
WARM_UP_S = 120.0
LEVEL_STYLE = {"error": "error", "warn": "warning"}


_PREFIX = re.compile(
    r"^(?:(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\s+)?"  # level word
    r"(?:\[[^\]]*\]\s+)*"  # [thread] groups
    r"(?:[\w$]+(?:\.[\w$]+)+\s+-\s+)?"  # a.b.Logger -
)


def message_part(template: str) -> str:
    """The part of a template worth reading in a narrow column (level/thread/logger cut)."""
    rest = _PREFIX.sub("", template, count=1)
    return rest or template


def sparkline(stats: TemplateStats, width: int = 8) -> str:
    counts = [c for _, c in stats.buckets][-width:]
    if not counts:
        return " " * width
    top = max(counts) or 1
    line = "".join(SPARK[min(len(SPARK) - 1, round(c / top * (len(SPARK) - 1)))] for c in counts)
    return line.rjust(width, " ")


def render_patterns(snapshot: PatternSnapshot | None, since: datetime,
                    by_level: Counter[str], colors: dict[str, str], limit: int = 8,
                    error: str = "", width: int = 60) -> Text:
    """Top templates (NEW since ``since`` marked), two lines each, level totals on top.

    A template counts as new when first seen after the incident opened and after
    the miner's first two minutes (the lines it saw at start-up were not "new").
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    levels = " ".join(f"{by_level[lv]} {lv}" for lv in ("error", "warn", "info", "debug")
                      if by_level[lv])
    text.append(levels or "no lines yet", style=colors.get("muted", ""))
    text.append("\n")
    if snapshot is None:
        text.append(f"patterns: {inert(error, 200) or 'starting…'}\n",
                    style=colors.get("muted", ""))
        return text
    cutoff = since.timestamp()
    if snapshot.since is not None:
        cutoff = max(cutoff, snapshot.since + WARM_UP_S)
    heads = [t for t in snapshot.templates if not t.continuation]
    heads.sort(key=lambda t: (t.first_seen < cutoff, -t.count))
    for stats in heads[:limit]:
        style = colors.get(LEVEL_STYLE.get(stats.level, ""), "")
        text.append(f"{'~' if stats.sampled else ''}{stats.count}× ", style=style or None)
        text.append(sparkline(stats), style=colors.get("accent", ""))
        if stats.first_seen >= cutoff:
            text.append(" NEW", style=f"bold {colors.get('warning', '')}".strip())
        template = inert(message_part(stats.template), 300)
        if len(template) > width - 2:
            template = template[: max(1, width - 3)] + "…"
        text.append(f"\n  {template}\n")
    if snapshot.sampled:
        text.append("(counts estimated: sampling under load)\n", style=colors.get("muted", ""))
    return text
