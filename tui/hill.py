"""Placeholder."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.widgets.navbar import NavBar


class HillScreen(Screen):
    def compose(self) -> ComposeResult:
        yield NavBar("hill")
        yield Static("coming soon")
        yield Footer()
