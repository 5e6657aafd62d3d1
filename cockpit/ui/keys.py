"""The main screen's keys, in one table shared by the bindings, the footer, `?` and the palette."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: (key, action, description, shown in the footer)
KEYS: tuple[tuple[str, str, str, bool], ...] = (
    ("a", "acknowledge", "Ack", True),
    ("n", "note", "Note", True),
    ("s", "status", "Status", True),
    ("v", "severity", "Severity", True),
    ("i", "analyze", "Analyze", True),
    ("r", "remediate", "Remedy", True),
    ("slash", "filter_logs", "Filter logs", True),
    ("space", "follow", "Pause/follow", True),
    ("t", "jump_logs", "Jump to time", False),
    ("w", "window", "Window", False),
    ("z", "zoom", "Zoom", True),
    ("tab", "next_pane", "Next pane", False),
    ("shift+tab", "previous_pane", "Previous pane", False),
    ("question_mark", "help", "Help", True),
    ("q", "request_quit", "Quit", True),
)

LONG_HELP: dict[str, str] = {
    "acknowledge": "acknowledge the incident (you are on it)",
    "note": "add a note to the timeline",
    "status": "status: 1 investigating, 2 identified, 3 mitigated, 4 resolved",
    "severity": "severity: SEV1..SEV4",
    "analyze": "ask for a root-cause analysis",
    "remediate": "remediation: preview, dry run, confirm with y",
    "filter_logs": "filter logs by regex (case-insensitive)",
    "follow": "pause / follow the log stream",
    "jump_logs": "jump the log view to a UTC time (HH:MM or HH:MM:SS); space follows again",
    "window": "metrics window: 15m, 1h, 3h, 6h",
    "zoom": "zoom the focused pane to full screen and back",
    "next_pane": "focus the next pane",
    "previous_pane": "focus the previous pane",
    "help": "this help",
    "request_quit": "quit (writes the post-mortem draft)",
}

_DISPLAY = {"slash": "/", "space": "space", "question_mark": "?"}


def bindings() -> list[BindingType]:
    return [Binding(key, action, description, show=show, key_display=_DISPLAY.get(key))
            for key, action, description, show in KEYS]


def help_rows() -> list[tuple[str, str]]:
    rows = [(_DISPLAY.get(key, key), LONG_HELP[action]) for key, action, _d, _s in KEYS]
    rows += [("c / x", "confirm / refute the selected hypothesis (analysis pane)"),
             ("ctrl+p", "command palette (themes, every action)")]
    return rows
