"""The key footer, rebuilt only when the keys it shows change.

Why: Textual's ``Footer`` recomposes every key widget whenever the screen's bindings
are recomputed, which is on every focus change; each new key is then restyled on
its own. Moving focus between panes (tab) cost ~60 ms of that on the UI thread
although most panes add no key to the footer. This footer compares what it would
show and keeps its widgets when nothing changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen[Any]) -> tuple[tuple[str, str, str, bool, str], ...]:
    """What a footer on ``screen`` lists: key, description, action, enabled, tooltip."""
    return tuple((binding.key, binding.description, binding.action, enabled, tooltip)
                 for _node, binding, enabled, tooltip in screen.active_bindings.values()
                 if binding.show)


class KeysFooter(Footer):
    """A ``Footer`` that skips the rebuild when the keys shown are the same."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._listed: tuple[tuple[str, str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        rebuilds = screen.app.app_focus and self.is_attached and screen is self.screen
        if rebuilds:  # the case in which Footer recomposes
            listed = shown_keys(screen)
            if listed == self._listed:
                return
            self._listed = listed
        super().bindings_changed(screen)
