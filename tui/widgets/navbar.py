"""The one-line bar at the top of every screen: the screens, clickable, current one lit."""

from __future__ import annotations

from textual.widgets import Static

SCREENS = (
    ("battle", "Battle", "f2"),
    ("editor", "Editor", "f3"),
    ("evolve", "Evolve", "f4"),
    ("prompts", "Prompts", "f5"),
    ("hill", "Hill", "f6"),
    ("help", "Help", "f1"),
)


class NavBar(Static):
    """``arena │ Battle F2 │ Editor F3 │ ...``; click a name to go there."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, current: str) -> None:
        self.current = current
        super().__init__(self._markup(), markup=True)

    def _markup(self) -> str:
        parts = ["[b $accent] arena [/]"]
        for mode, label, key in SCREENS:
            if mode == self.current:
                parts.append(f"[reverse b] {label} [/][dim]{key.upper()}[/]")
            else:
                parts.append(f"[@click=app.switch_mode('{mode}')] {label} [/][dim]{key.upper()}[/]")
        return " ".join(parts)
