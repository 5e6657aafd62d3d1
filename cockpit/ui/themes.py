"""Themes as small TOML files users can copy and edit.

Format (every colour a CSS colour string)::

    name = "my-theme"
    dark = true
    [colors]          # primary is required; the rest are optional
    primary = "#4c9be8"
    secondary = "..."; accent = "..."; warning = "..."; error = "..."; success = "..."
    foreground = "..."; background = "..."; surface = "..."; panel = "..."; boost = "..."
    [variables]       # optional extra Textual CSS variables
    "footer-key-foreground" = "#4c9be8"

cockpit ships four (``cockpit-dark`` default, ``cockpit-light``,
``cockpit-high-contrast``, ``cockpit-colorblind``) inside the package, so an
installed cockpit finds them; ``ui.theme`` may name one or point to a file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

PACKAGE_THEMES = Path(__file__).parent / "themes"
DEFAULT_THEME = "cockpit-dark"
_COLOR_KEYS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground",
               "background", "surface", "panel", "boost")


class ThemeFileError(ValueError):
    """A theme file cannot be used; the message says which file and why."""


def load_theme_file(path: Path) -> Theme:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThemeFileError(f"theme {path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"theme {path}: not valid TOML: {exc}") from None
    unknown = set(raw) - {"name", "dark", "colors", "variables"}
    if unknown:
        raise ThemeFileError(f"theme {path}: unknown keys {sorted(unknown)}; "
                             "allowed: name, dark, colors, variables")
    colors = raw.get("colors", {})
    if not isinstance(colors, dict) or "primary" not in colors:
        raise ThemeFileError(f"theme {path}: [colors] needs at least primary = \"#rrggbb\"")
    bad = set(colors) - set(_COLOR_KEYS)
    if bad:
        raise ThemeFileError(f"theme {path}: unknown colours {sorted(bad)}; "
                             f"allowed: {', '.join(_COLOR_KEYS)}")
    variables = raw.get("variables", {})
    for key, value in [*colors.items(), *variables.items()]:
        if key in _COLOR_KEYS or key.endswith(("foreground", "background", "color")):
            try:
                Color.parse(str(value))
            except ColorParseError:
                raise ThemeFileError(f"theme {path}: {key} = {value!r} is not a colour") from None
    def color(key: str) -> str | None:
        return str(colors[key]) if key in colors else None

    return Theme(name=str(raw.get("name") or path.stem), primary=str(colors["primary"]),
                 secondary=color("secondary"), accent=color("accent"), warning=color("warning"),
                 error=color("error"), success=color("success"), foreground=color("foreground"),
                 background=color("background"), surface=color("surface"), panel=color("panel"),
                 boost=color("boost"), dark=bool(raw.get("dark", True)),
                 variables={str(k): str(v) for k, v in variables.items()})


def packaged_themes() -> list[Theme]:
    return [load_theme_file(path) for path in sorted(PACKAGE_THEMES.glob("*.toml"))]


def resolve_theme(name_or_path: str, known: dict[str, Theme]) -> Theme:
    """The theme ``ui.theme`` names: a registered name, or a path to a theme file."""
    if name_or_path in known:
        return known[name_or_path]
    path = Path(name_or_path).expanduser()
    if path.suffix == ".toml" or path.exists():
        return load_theme_file(path)
    raise ThemeFileError(f"theme {name_or_path!r} is neither a known theme "
                         f"({', '.join(sorted(n for n in known if n.startswith('cockpit')))}, ...) "
                         "nor a theme file")
