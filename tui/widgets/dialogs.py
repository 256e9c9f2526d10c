"""Small modal dialogs: ask for a line of text, pick warriors (and the hill they play
on), pick one warrior, confirm a risky action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList
from textual.widgets.option_list import Option

from arena.redcode.files import warrior_files_in
from arena.settings import (
    DEFAULT_SETTINGS,
    FIELDS,
    PRESETS,
    Settings,
    SettingsError,
    build_settings,
    pmars_flag,
)

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


PMARS_DEFAULTS = "pmars"  # the hill choice "no --hill": pMARS's own defaults

# the settings `arena battle` takes, in the order the dialog shows them, with the
# short label the dialog gives each (its pMARS flag letter comes from FIELDS)
BATTLE_FIELDS: dict[str, str] = {
    "rounds": "rounds",
    "core_size": "core",
    "max_cycles": "cycles",
    "max_processes": "processes",
    "max_length": "length",
    "min_distance": "distance",
    "read_limit": "read",
    "write_limit": "write",
    "pspace_size": "P-space",
}


def hill_of(settings: Settings) -> str | None:
    """The name of the hill ``settings`` were built on (None: pMARS's defaults)."""
    for name, found in PRESETS.items():
        if found.settings.hill_fields() == settings.hill_fields():
            return name
    return None


def overrides(settings: Settings, hill: str | None) -> dict[str, int]:
    """The battle fields where ``settings`` differ from hill ``hill`` (rounds always)."""
    base = PRESETS[hill].settings if hill else DEFAULT_SETTINGS
    changed = {
        name: getattr(settings, name)
        for name in BATTLE_FIELDS
        if getattr(settings, name) != getattr(base, name) and getattr(settings, name) is not None
    }
    changed["rounds"] = settings.rounds
    return changed


def _hint(base: Settings, name: str) -> str:
    """What a blank field means on hill ``base`` (shown as its placeholder)."""
    value = getattr(base, name)
    if value is not None and name != "min_distance":
        return str(value)
    return {
        "min_distance": "= length" if base is DEFAULT_SETTINGS else f"≥{base.min_distance}",
        "read_limit": "= core",
        "write_limit": "= core",
        "pspace_size": "core/16",
    }[name]


class Confirm(ModalScreen[bool]):
    """Ask before something risky: ``yes`` does it, Cancel or Escape does not."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, details: str, *, yes: str) -> None:
        super().__init__()
        self.title_text = title
        self.details = details
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.details, id="details", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button("Cancel", variant="primary", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()  # Enter keeps the safe choice

    @on(Button.Pressed, "#yes")
    def accept(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True)
class WarriorChoice:
    sources: tuple[str, ...]  # file paths, or EDITOR_BUFFER
    settings: Settings  # built by arena.settings.build_settings, as `arena battle` does
    seed: int
    hill: str | None = None  # the hill chosen (None: pMARS's defaults)
    values: Mapping[str, int] = field(default_factory=dict)  # the fields given

    @property
    def rounds(self) -> int:
        return self.settings.rounds


class WarriorPicker(ModalScreen[WarriorChoice | None]):
    """Choose two or more warriors (ours, the editor's buffer, any file by path) and the
    settings of the battle: a hill and any of ``arena battle``'s flags on top of it.

    A blank field means the hill's value (its placeholder says which). The settings are
    built and checked by ``arena.settings.build_settings``, so the dialog refuses what
    ``arena battle`` refuses, with the same message, and stays open.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        folder: Path,
        *,
        has_buffer: bool,
        selected: tuple[str, ...] = (),
        hill: str | None = None,
        values: Mapping[str, int] | None = None,
        seed: int = 1,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.has_buffer = has_buffer
        self.selected = selected
        self.hill = hill
        self.values = dict(values or {"rounds": 10})
        self.seed = seed

    def compose(self) -> ComposeResult:
        items: list[tuple[str, str, bool]] = []
        if self.has_buffer:
            items.append(("the editor's buffer", EDITOR_BUFFER, EDITOR_BUFFER in self.selected))
        for path in warrior_files(self.folder):
            items.append((path.name, str(path), str(path) in self.selected))
        with Vertical(classes="dialog wide", id="picker"):
            yield Label("Warriors for the battle (pick 2 or more)", classes="dialog-title")
            yield SelectionList[str](*items, id="choices")
            yield Input(
                placeholder="more files, comma separated (any path)",
                id="paths",
                classes="field",
                compact=True,
            )
            hills = [("pMARS defaults", PMARS_DEFAULTS)]
            hills += [(f"{p.name}: {p.description}", p.name) for p in PRESETS.values()]
            with Horizontal(id="hill-row"):
                yield Label("hill", classes="setting-label")
                yield Select(
                    hills,
                    value=self.hill or PMARS_DEFAULTS,
                    allow_blank=False,
                    id="hill",
                    compact=True,
                )
            base = self._base()
            with Grid(id="battle-settings"):
                for name, label in BATTLE_FIELDS.items():
                    yield Label(f"{label} -{FIELDS[name].letter}", classes="setting-label")
                    value = self.values.get(name)
                    yield Input(
                        "" if value is None else str(value),
                        placeholder=_hint(base, name),
                        id=name,
                        type="integer",
                        compact=True,
                        tooltip=FIELDS[name].meaning,
                    )
                yield Label("seed", classes="setting-label")
                yield Input(str(self.seed), id="seed", type="integer", compact=True)
            yield Label("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Battle", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def _hill_choice(self) -> str | None:
        value = self.query_one("#hill", Select).value
        return None if value in (PMARS_DEFAULTS, Select.BLANK) else str(value)

    def _base(self) -> Settings:
        hill = self.hill if not self.is_mounted else self._hill_choice()
        return PRESETS[hill].settings if hill else DEFAULT_SETTINGS

    @on(Select.Changed, "#hill")
    def _hill_changed(self) -> None:
        """Blank fields take the new hill's values: show them."""
        base = self._base()
        for name in BATTLE_FIELDS:
            self.query_one(f"#{name}", Input).placeholder = _hint(base, name)

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Label).update(text)

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
            self._problem("pick at least two warriors")
            return
        values: dict[str, object] = {}
        for name in BATTLE_FIELDS:
            text = self.query_one(f"#{name}", Input).value.strip()
            if text:  # blank: the hill's value; text that is no number: the owner says so
                values[name] = int(text) if _is_int(text) else text
        hill = self._hill_choice()
        try:
            settings = build_settings(hill, values, warriors=len(chosen), label=pmars_flag)
        except SettingsError as exc:
            self._problem(str(exc))
            return
        seed_text = self.query_one("#seed", Input).value.strip()
        if not _is_int(seed_text):
            self._problem("seed must be a whole number")
            return
        given = {k: v for k, v in values.items() if isinstance(v, int)}
        self.dismiss(WarriorChoice(tuple(chosen), settings, int(seed_text), hill, given))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


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
