"""The breakpoints panel: every breakpoint of the session, one line each.

Keys (when focused): space toggles the highlighted one, d deletes it, c clears all,
k switches between keeping them across rounds and dropping them at each new round (cdb's
way), a adds one (``exec 100``, ``write 100``, ``procs 1 0``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from arena.debug.breakpoints import Breakpoint


class BreakpointsPanel(OptionList):
    """Lists breakpoints; posts ``Action`` messages for the screen to carry out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,t", "act('toggle')", "Toggle"),
        Binding("d,delete", "act('delete')", "Delete"),
        Binding("c", "act('clear')", "Clear all"),
        Binding("k", "act('keep')", "Keep/drop"),
        Binding("a", "act('add')", "Add"),
    ]

    class Action(Message):
        def __init__(self, action: str, index: int | None) -> None:
            self.action = action
            self.index = index
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple | None = None

    def show(
        self, breakpoints: tuple[Breakpoint, ...], persist: bool, names: tuple[str, ...]
    ) -> None:
        key = (breakpoints, persist, names)
        if key == self._shown:
            return
        self._shown = key
        highlighted = self.highlighted
        self.clear_options()
        if breakpoints:
            self.add_options(
                Option(
                    f"{'[red]●[/]' if b.enabled else '[dim]○[/]'} {i + 1}. {b.describe(names)}",
                    id=str(i),
                )
                for i, b in enumerate(breakpoints)
            )
            if highlighted is not None:
                self.highlighted = min(highlighted, len(breakpoints) - 1)
        else:
            self.add_option(Option("[dim]none: b sets one, a adds[/]", disabled=True))
        keep = "kept across rounds" if persist else "dropped each round (cdb)"
        self.border_subtitle = keep

    def action_act(self, action: str) -> None:
        index = self.highlighted
        if self._shown and not self._shown[0]:
            index = None
        self.post_message(self.Action(action, index))
