"""The editor screen: Redcode assembled as you type, messages at their lines.

Typing restarts a short timer; when it fires the buffer is assembled in a thread worker
and the result comes back as an ``Assembled`` message (an older result never overwrites
a newer one). Errors and warnings are marked in the text and listed below it (an error
in an EQU's text at the use and at the EQU); a click on a message moves the cursor there. The wide layout also shows the assembled load file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from arena.io import write_atomic
from arena.paths import data_dir
from arena.redcode import AssemblyResult, assemble, format_instruction
from arena.redcode.files import WarriorFileError, read_warrior_text
from arena.settings import Settings
from tui.widgets.dialogs import EDITOR_BUFFER, AskText, PickOne, warrior_files
from tui.widgets.navbar import NavBar
from tui.widgets.redcode_area import RedcodeArea

DEBOUNCE = 0.25  # seconds of quiet before the buffer is assembled

STARTER = """\
;redcode-94
;name      Untitled
;author    you
;strategy  A stone: drops a DAT bomb on every fifth cell.
;strategy  Edit me: the assembler checks every line as you type.
;assert    CORESIZE % 5 == 0

step    equ     5
start   add.ab  #step, ptr
        mov.i   bomb, @ptr
        jmp.a   start
ptr     dat.f   #0, #step
bomb    dat.f   #0, #0
        end     start
"""


class Assembled(Message):
    def __init__(self, version: int, result: AssemblyResult) -> None:
        self.version = version
        self.result = result
        super().__init__()


def suggested_name(text: str) -> str:
    m = re.search(r"^\s*;\s*name\s+(.+?)\s*$", text, re.MULTILINE | re.IGNORECASE)
    name = m.group(1) if m else "untitled"
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "untitled"
    return f"{slug}.red"


class EditorScreen(Screen):
    """Edit, assemble, save and battle one Redcode file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+t", "save_as", "Save as", priority=True),
        Binding("ctrl+o", "open", "Open", priority=True),
        Binding("ctrl+n", "new", "New", priority=True, show=False),  # footer room at 80 cols
        Binding("ctrl+b", "battle", "Battle it", priority=True),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.path: Path | None = None
        self.saved_text = STARTER
        self.version = 0
        self.result: AssemblyResult | None = None
        self._timer: Timer | None = None
        self._diagnostics: list = []

    def compose(self) -> ComposeResult:
        yield NavBar("editor")
        with Horizontal(id="editor-body"):
            with Vertical(id="editor-main"):
                yield RedcodeArea(STARTER, id="code")
                yield Static("", id="editor-status")
                yield OptionList(id="diagnostics")
            yield Static("", id="load-file", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#diagnostics").border_title = "Messages"
        self.query_one("#load-file").border_title = "Assembled (pMARS load file)"
        self._sync_buffer()
        self._assemble_now()
        self.query_one(RedcodeArea).focus()

    @property
    def area(self) -> RedcodeArea:
        return self.query_one(RedcodeArea)

    @property
    def text(self) -> str:
        return self.area.text

    # ---- assembling
    @on(TextArea.Changed, "#code")
    def _changed(self, event: TextArea.Changed) -> None:
        self.version += 1
        self._sync_buffer()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._assemble_now)
        self._render_status(pending=True)

    def _sync_buffer(self) -> None:
        buffer = getattr(self.app, "editor_buffer", None)
        if buffer is not None:
            buffer.text = self.text
            buffer.path = self.path

    def _assemble_now(self) -> None:
        self._timer = None
        self._assemble_worker(self.version, self.text, str(self.path or "<buffer>"))

    @work(thread=True, exclusive=True, group="assemble")
    def _assemble_worker(self, version: int, text: str, name: str) -> None:
        self.post_message(Assembled(version, assemble(text, self.settings, file=name)))

    @on(Assembled)
    def _assembled(self, message: Assembled) -> None:
        if message.version != self.version:
            return  # a newer edit is on its way
        self.result = message.result
        # an error in EQU text is reported where the EQU is used; mark its definition too
        shown = list(message.result.diagnostics)
        for d in message.result.diagnostics:
            shown.extend(d.at_definitions())
        diagnostics = sorted(shown, key=lambda d: (d.severity != "error", d.line or 0))
        self.area.set_diagnostics(diagnostics)
        options = self.query_one("#diagnostics", OptionList)
        options.clear_options()
        for i, d in enumerate(diagnostics):
            where = f"line {d.line}" + (f":{d.column}" if d.column else "") if d.line else "file"
            color = "red" if d.severity == "error" else "yellow"
            hint = f"  [dim]{d.hint}[/]" if d.hint else ""
            options.add_option(
                Option(f"[{color}]{d.severity}[/] {where}: {d.message}{hint}", id=str(i))
            )
        self._diagnostics = diagnostics
        self._render_status()
        self._render_load_file()

    @on(TextArea.SelectionChanged, "#code")
    def _cursor_moved(self, event: TextArea.SelectionChanged) -> None:
        self._render_status()

    def _render_status(self, pending: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        row = self.area.cursor_location[0] + 1
        here = [d for d in self._diagnostics if d.line == row]
        if here and not pending:
            d = here[0]
            color = "red" if d.severity == "error" else "yellow"
            status.update(f"[{color}]line {row}: {d.severity}:[/] {d.message}")
            return
        name = str(self.path) if self.path else "(not saved)"
        modified = " [yellow]●[/]" if self.text != self.saved_text else ""
        result = self.result
        if pending or result is None:
            state = "[dim]assembling…[/]"
        elif result.ok and result.warrior is not None:
            w = result.warrior
            warn = f", [yellow]{len(result.warnings)} warning(s)[/]" if result.warnings else ""
            state = f"[green]✓[/] {len(w)} instructions, [b]{w.name}[/] by {w.author}{warn}"
        else:
            state = f"[red]✗ {len(result.errors)} error(s)[/]" + (
                f", [yellow]{len(result.warnings)} warning(s)[/]" if result.warnings else ""
            )
        status.update(f"{name}{modified}  {state}")

    def _render_load_file(self) -> None:
        panel = self.query_one("#load-file", Static)
        result = self.result
        if result is None or result.warrior is None:
            panel.update("[dim]no warrior: fix the errors first[/]")
            return
        w = result.warrior
        lines = [f"[dim]       ORG {w.start}[/]"]
        for i in range(len(w)):
            text = format_instruction(*w.instruction(i), w.core_size)
            lines.append(f"[dim]{w.source_lines[i]:>4}[/]  {text}")
        panel.update("\n".join(lines))

    @on(OptionList.OptionSelected, "#diagnostics")
    def _goto_message(self, event: OptionList.OptionSelected) -> None:
        d = self._diagnostics[int(event.option.id or 0)]
        if d.line:
            self.area.move_cursor((d.line - 1, max((d.column or 1) - 1, 0)))
            self.area.focus()

    # ---- files
    def set_text(self, text: str, path: Path | None = None) -> None:
        self.path = path
        self.saved_text = text
        self.area.load_text(text)
        self.area.move_cursor((0, 0))
        self._sync_buffer()
        self._render_status(pending=True)

    def action_new(self) -> None:
        self.set_text(STARTER, None)

    def action_open(self) -> None:
        options = [(p.name, str(p)) for p in warrior_files(data_dir("warriors"))]
        options.append(("another file…", "*"))

        def picked(value: str | None) -> None:
            if value == "*":
                self.app.push_screen(AskText("Open which file?", str(Path.cwd()) + os.sep), opened)
            elif value:
                opened(value)

        def opened(value: str | None) -> None:
            if not value:
                return
            path = Path(value).expanduser()
            try:
                text = read_warrior_text(path)
            except WarriorFileError as exc:
                self.notify(str(exc), severity="error")
                return
            self.set_text(text, path)
            self.notify(f"opened {path}")

        self.app.push_screen(PickOne("Open a warrior", options), picked)

    def action_save(self) -> None:
        if self.path is None:
            self.action_save_as()
        else:
            self._write(self.path)

    def action_save_as(self) -> None:
        default = self.path or data_dir("warriors") / suggested_name(self.text)

        def done(value: str | None) -> None:
            if value:
                path = Path(value).expanduser()
                if path.suffix == "":
                    path = path.with_suffix(".red")
                self._write(path)

        self.app.push_screen(AskText("Save as", str(default)), done)

    def _write(self, path: Path) -> None:
        text = self.text
        try:
            write_atomic(path, text if text.endswith("\n") else text + "\n")
        except OSError as exc:
            self.notify(f"cannot save {path}: {exc.strerror or exc}", severity="error")
            return
        self.path = path
        self.saved_text = text
        self._sync_buffer()
        self._render_status()
        self.notify(f"saved {path}")

    # ---- battle
    def action_battle(self) -> None:
        if self.result is None or not self.result.ok or not len(self.result.warrior or ()):
            self.notify("The buffer does not assemble yet: fix its errors first.", severity="error")
            return
        options = [(p.name, str(p)) for p in warrior_files(data_dir("warriors"))]

        def picked(value: str | None) -> None:
            if value:
                self.run_worker(
                    self.app.battle_texts({EDITOR_BUFFER: self.text}, [value]),  # type: ignore[attr-defined]
                    exclusive=True,
                    group="editor-battle",
                )

        self.app.push_screen(PickOne("Battle the buffer against…", options), picked)
