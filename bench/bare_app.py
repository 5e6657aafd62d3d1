"""The baseline for cold start: the smallest Textual app with a header and a footer."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("BARE-READY")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
