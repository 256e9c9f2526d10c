"""The cdb command line and its scrollable output log (the battle screen's debugger).

The panel only shows text and collects lines: ``arena.debug.Cdb`` parses and runs them,
in the screen's worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Log, Static

HISTORY_LIMIT = 500
LOG_LINES = 5000


class CdbInput(Input):
    """An Input with a command history on up/down, like a shell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="cdb command (help, step, list pc, trace, go ...)", id=id)
        self.history: list[str] = []
        self._at = 0  # index into history; len(history) is the fresh line
        self._draft = ""

    def remember(self, line: str) -> None:
        if line.strip() and (not self.history or self.history[-1] != line):
            self.history.append(line)
            del self.history[:-HISTORY_LIMIT]
        self._at = len(self.history)
        self._draft = ""

    def action_history(self, delta: int) -> None:
        if not self.history:
            return
        if self._at == len(self.history):
            self._draft = self.value
        self._at = max(0, min(len(self.history), self._at + delta))
        self.value = self._draft if self._at == len(self.history) else self.history[self._at]
        self.cursor_position = len(self.value)


class CdbPanel(Vertical):
    """Output log above a prompt and the command line."""

    class Submitted(Message):
        def __init__(self, line: str) -> None:
            self.line = line
            super().__init__()

    class Closed(Message):
        """Escape: the user is done typing for now."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", show=False)]

    def compose(self) -> ComposeResult:
        yield Log(max_lines=LOG_LINES, id="cdb-log")
        with Vertical(id="cdb-line"):
            yield Static("(cdb) ", id="cdb-prompt")
            yield CdbInput(id="cdb-input")

    @property
    def log_widget(self) -> Log:
        return self.query_one("#cdb-log", Log)

    @property
    def input(self) -> CdbInput:
        return self.query_one(CdbInput)

    def write(self, lines: Iterable[str]) -> None:
        lines = list(lines)
        if lines:
            self.log_widget.write_lines(lines)

    def clear(self) -> None:
        self.log_widget.clear()

    def set_prompt(self, prompt: str) -> None:
        self.query_one("#cdb-prompt", Static).update(prompt.rstrip() or "(cdb)")

    @on(Input.Submitted, "#cdb-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value
        self.input.remember(line)
        self.input.value = ""
        self.post_message(self.Submitted(line))

    def action_close(self) -> None:
        self.post_message(self.Closed())
