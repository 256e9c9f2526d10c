"""The prompts screen: edit the evolution's prompt templates with a live preview.

Templates are read and checked by ``arena.prompts`` (the same code a run uses). The
preview fills the edited text with example values (the standard hill, the Dwarf as the
parent, the Imp as the second parent, a sample of battle feedback); the check lists
every unknown or malformed placeholder with its line, and the placeholders a template
needs but does not use. Placeholders are coloured in the text: known ones green,
unknown ones red.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, ClassVar

from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import TextAreaTheme

from arena import prompts as P
from arena.io import write_atomic
from arena.paths import data_dir
from arena.settings import Settings
from tui.widgets.dialogs import AskText, Confirm
from tui.widgets.navbar import NavBar

# arena.prompts' token rule: {{ and }} are escapes, {name} (no blanks/braces) a placeholder
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s,;]*)\}")


def find_template(directory: Path, name: str) -> Path | None:
    for extension in P.EXTENSIONS:
        candidate = directory / f"{name}{extension}"
        if candidate.is_file():
            return candidate
    return None


PLACEHOLDER_THEME = TextAreaTheme(
    name="prompt",
    base_style=Style(color="#d4d4d4", bgcolor="#1e1e1e"),
    gutter_style=Style(color="#6e7681", bgcolor="#1e1e1e"),
    cursor_line_style=Style(bgcolor="#2a2d2e"),
    selection_style=Style(bgcolor="#264f78"),
    syntax_styles={
        "known": Style(color="#7ee787", bold=True),
        "unknown": Style(color="#ff6b6b", bold=True, underline=True),
        "escape": Style(color="#7d8590"),
    },
)


def example_values(settings: Settings | None = None) -> dict[str, Any]:
    """What the preview fills in: every placeholder with a plausible value."""
    settings = settings or Settings()
    folder = data_dir("warriors")

    def read(name: str, fallback: str) -> str:
        try:
            return (folder / name).read_text(encoding="utf-8").strip()
        except OSError:
            return fallback

    values: dict[str, Any] = {name: "" for name in P.PLACEHOLDERS}
    values.update(P.settings_values(settings))
    values.update(
        parent=read("dwarf.red", "mov.i 0, 1"),
        parent2=read("imp.red", "mov.i 0, 1"),
        fitness="0.412",
        feedback="- imp: 3 wins, 5 ties, 2 losses\n- dwarf: 1 win, 2 ties, 7 losses",
    )
    return values


class PlaceholderArea(TextArea):
    """Plain text with ``{placeholders}`` coloured by whether arena knows them."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, soft_wrap=True, show_line_numbers=True)
        self.register_theme(PLACEHOLDER_THEME)
        self.theme = "prompt"

    def _build_highlight_map(self) -> None:  # Textual's hook for highlights
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        for row in range(self.document.line_count):
            line = self.document.get_line(row)
            if not line.isascii():
                continue
            for m in TOKEN.finditer(line):
                inner = m.group(1)
                if inner is None:
                    name = "escape"
                else:
                    name = "known" if inner in P.PLACEHOLDERS else "unknown"
                highlights[row].append((m.start(), m.end(), name))


class PromptsScreen(Screen):
    """Edit, check and preview the prompt templates of a directory."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+o", "open_dir", "Folder", priority=True),
        Binding("ctrl+t", "copy_to", "Copy set to", priority=True),
        Binding("ctrl+r", "revert", "Revert", priority=True),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__()
        self.directory = Path(directory) if directory else P.default_directory()
        self.texts: dict[str, str] = {}  # as edited
        self.saved: dict[str, str] = {}  # as on disk
        self.current = P.TEMPLATE_NAMES[0]
        self._timer: Timer | None = None
        self._loading = False

    def compose(self) -> ComposeResult:
        yield NavBar("prompts")
        yield Static("", id="prompts-dir")
        with Horizontal(id="prompts-body"):
            yield OptionList(id="template-list")
            with Vertical(id="prompt-work"):
                yield PlaceholderArea(id="template-text")
                with Vertical(id="prompt-side"):
                    yield Static("", id="prompt-check")
                    with VerticalScroll(id="preview-box"):
                        yield Static("", id="prompt-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#template-list").border_title = "Templates"
        self.query_one("#preview-box").border_title = "Preview (example values)"
        self.load_directory(self.directory)

    @property
    def area(self) -> PlaceholderArea:
        return self.query_one(PlaceholderArea)

    # ---- loading
    def load_directory(self, directory: Path) -> None:
        self.directory = directory
        texts: dict[str, str] = {}
        for name in P.TEMPLATE_NAMES:
            path = find_template(directory, name)
            try:
                texts[name] = path.read_text(encoding="utf-8") if path else ""
            except (OSError, UnicodeDecodeError):
                texts[name] = ""
        self.texts = dict(texts)
        self.saved = dict(texts)
        self._show(self.current)
        self._render_list()

    def _path(self, name: str) -> Path:
        return find_template(self.directory, name) or self.directory / f"{name}.txt"

    def _show(self, name: str) -> None:
        self.current = name
        options = self.query_one("#template-list", OptionList)
        if options.option_count and options.highlighted != P.TEMPLATE_NAMES.index(name):
            options.highlighted = P.TEMPLATE_NAMES.index(name)
        self._loading = True
        self.area.load_text(self.texts.get(name, ""))
        self._loading = False
        self._refresh_views()

    # ---- checking and preview
    def problems(self, name: str, text: str) -> list[str]:
        """What the check lists: why a run would refuse it, and an empty template."""
        found = P.template_problems(name, text)
        if not text.strip():
            found.append(f"{name}: the template is empty")
        return found

    def preview(self, name: str, text: str) -> str:
        values = example_values()
        try:
            feedback = P.parse_template("feedback", self.texts.get("feedback", ""))
            values["feedback_section"] = feedback.render(values).strip("\n")
            return P.parse_template(name, text).render(values)
        except P.PromptError as exc:
            return f"(no preview: {exc})"

    def _refresh_views(self) -> None:
        name = self.current
        text = self.texts.get(name, "")
        problems = self.problems(name, text)
        check = self.query_one("#prompt-check", Static)
        if problems:
            check.update("\n".join(f"[red]✗[/] {_esc(p)}" for p in problems))
        else:
            fields = P.parse_template(name, text).fields
            used = ", ".join("{" + f + "}" for f in fields) or "none"
            check.update(f"[green]✓[/] placeholders all known: {_esc(used)}")
        self.query_one("#prompt-preview", Static).update(self.preview(name, text))
        where = _short(self._path(name))
        modified = " [yellow]● modified[/]" if text != self.saved.get(name) else ""
        self.query_one("#prompts-dir", Static).update(f"{_esc(str(where))}{modified}")
        self.query_one("#template-text").border_title = name

    def _render_list(self) -> None:
        options = self.query_one("#template-list", OptionList)
        options.clear_options()
        for name in P.TEMPLATE_NAMES:
            ok = not self.problems(name, self.texts.get(name, ""))
            mark = "[green]✓[/]" if ok else "[red]✗[/]"
            dirty = "[yellow]*[/]" if self.texts.get(name) != self.saved.get(name) else " "
            options.add_option(Option(f"{mark} {name}{dirty}", id=name))
        options.highlighted = P.TEMPLATE_NAMES.index(self.current)

    @on(OptionList.OptionHighlighted, "#template-list")
    def _pick(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name and name != self.current:
            self._show(name)

    @on(TextArea.Changed, "#template-text")
    def _changed(self) -> None:
        if self._loading:
            return
        self.texts[self.current] = self.area.text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, self._after_edit)

    def _after_edit(self) -> None:
        self._timer = None
        self._refresh_views()
        self._render_list()

    # ---- files
    def action_save(self) -> None:
        """Save the template; if a run would refuse it, ask first."""
        name = self.current
        refused = P.template_problems(name, self.texts[name])
        if not refused:
            self._save(name)
            return

        def answered(save: bool | None) -> None:
            if save:
                self._save(name)

        self.app.push_screen(
            Confirm(
                f"Save {name} with {len(refused)} problem(s)?",
                "A run refuses to start with this template:\n"
                + "\n".join(f"✗ {p}" for p in refused),
                yes="Save anyway",
            ),
            answered,
        )

    def _save(self, name: str) -> None:
        path = self._path(name)
        try:
            write_atomic(path, self.texts[name])
        except OSError as exc:
            self.notify(f"cannot save {path}: {exc.strerror or exc}", severity="error")
            return
        self.saved[name] = self.texts[name]
        self._after_edit()
        problems = self.problems(name, self.texts[name])
        self.notify(
            f"saved {path}" + (f" ({len(problems)} problem(s) left)" if problems else ""),
            severity="warning" if problems else "information",
        )

    def action_revert(self) -> None:
        self.texts[self.current] = self.saved.get(self.current, "")
        self._show(self.current)
        self._render_list()

    def action_open_dir(self) -> None:
        def done(value: str | None) -> None:
            if value:
                path = Path(value).expanduser()
                if not path.is_dir():
                    self.notify(f"{path}: not a folder", severity="error")
                    return
                self.load_directory(path)

        self.app.push_screen(AskText("Template folder", str(self.directory)), done)

    def action_copy_to(self) -> None:
        """Write the whole set (as edited) into another folder and edit that copy."""

        def done(value: str | None) -> None:
            if not value:
                return
            target = Path(value).expanduser()
            try:
                target.mkdir(parents=True, exist_ok=True)
                for name in P.TEMPLATE_NAMES:
                    write_atomic(target / f"{name}.txt", self.texts.get(name, ""))
                readme = self.directory / "README.md"
                if readme.exists() and not (target / "README.md").exists():
                    shutil.copyfile(readme, target / "README.md")
            except OSError as exc:
                self.notify(f"cannot write {target}: {exc.strerror or exc}", severity="error")
                return
            self.load_directory(target)
            self.notify(f"copied the templates to {target}; runs use it with prompts_dir")

        self.app.push_screen(AskText("Copy the templates to folder", "my-prompts"), done)


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _esc(text: str) -> str:
    return text.replace("[", r"\[")
