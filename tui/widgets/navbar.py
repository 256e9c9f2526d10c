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
    """``arena │ F2 Battle │ F3 Editor │ ...``; click an entry to go there.

    Each key stands in front of the screen it opens and the entries are split by bars,
    so no key can be read as belonging to its neighbour.
    """

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
                parts.append(f"[reverse b] {key.upper()} {label} [/]")
            else:
                parts.append(f"[@click=app.switch_mode('{mode}')] [b]{key.upper()}[/b] {label} [/]")
        return "│".join(parts)
