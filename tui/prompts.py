"""Placeholder."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.widgets.navbar import NavBar


class PromptsScreen(Screen):
    def compose(self) -> ComposeResult:
        yield NavBar("prompts")
        yield Static("coming soon")
        yield Footer()
