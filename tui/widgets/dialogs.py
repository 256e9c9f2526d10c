"""Small modal dialogs: ask for a line of text, pick warriors, pick one warrior."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList
from textual.widgets.option_list import Option

from arena.redcode.files import warrior_files_in

EDITOR_BUFFER = "<editor>"


def warrior_files(folder: Path) -> list[Path]:
    return warrior_files_in(folder)


class AskText(ModalScreen[str | None]):
    """One question, one line of answer; Enter accepts, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        default: str = "",
        *,
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.default, placeholder=self.placeholder, id="answer")
            yield Label("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def accept(self) -> None:
        value = self.query_one("#answer", Input).value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#problem", Label).update(problem)
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class WarriorChoice:
    sources: tuple[str, ...]  # file paths, or EDITOR_BUFFER
    rounds: int
    seed: int


class WarriorPicker(ModalScreen[WarriorChoice | None]):
    """Choose two or more warriors: ours, the editor's buffer, or any file by path."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        folder: Path,
        *,
        has_buffer: bool,
        selected: tuple[str, ...] = (),
        rounds: int = 10,
        seed: int = 1,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.has_buffer = has_buffer
        self.selected = selected
        self.rounds = rounds
        self.seed = seed

    def compose(self) -> ComposeResult:
        items: list[tuple[str, str, bool]] = []
        if self.has_buffer:
            items.append(("the editor's buffer", EDITOR_BUFFER, EDITOR_BUFFER in self.selected))
        for path in warrior_files(self.folder):
            items.append((path.name, str(path), str(path) in self.selected))
        with Vertical(classes="dialog wide"):
            yield Label("Warriors for the battle (pick 2 or more)", classes="dialog-title")
            yield SelectionList[str](*items, id="choices")
            yield Input(
                placeholder="more files, comma separated (any path)", id="paths", classes="field"
            )
            with Horizontal(classes="row"):
                yield Label("rounds", classes="field-label")
                yield Input(str(self.rounds), id="rounds", type="integer", classes="short")
                yield Label("seed", classes="field-label")
                yield Input(str(self.seed), id="seed", type="integer", classes="short")
            yield Label("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Battle", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def accept(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        extra = self.query_one("#paths", Input).value
        for part in extra.split(","):
            part = part.strip()
            if part:
                path = Path(part).expanduser()
                if not path.is_file():
                    self.query_one("#problem", Label).update(f"no such file: {part}")
                    return
                chosen.append(str(path))
        if len(chosen) < 2:
            self.query_one("#problem", Label).update("pick at least two warriors")
            return
        try:
            rounds = max(1, int(self.query_one("#rounds", Input).value or "1"))
            seed = int(self.query_one("#seed", Input).value or "1")
        except ValueError:
            self.query_one("#problem", Label).update("rounds and seed must be whole numbers")
            return
        self.dismiss(WarriorChoice(tuple(chosen), rounds, seed))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PickOne(ModalScreen[str | None]):
    """Pick one item from a list (e.g. the opponent for the editor's buffer)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=value) for label, value in self.options])
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
