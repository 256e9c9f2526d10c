"""The help screen: what each screen does and its keys (read from the screens' bindings).

Keys are spelt by ``App.get_key_display``, the same way the footer spells them, so the
table says ``+`` and ``Ctrl+S`` rather than Textual's key names (``plus``, ``ctrl+s``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from tui.widgets.core_map import LEGEND
from tui.widgets.navbar import SCREENS, NavBar

INTRO = """\
# arena: a Core War laboratory

Move between screens with **F1-F6**, by clicking the bar at the top, or from the
command palette (**Ctrl+P**), which also lists every key of the screen you are on.
**Ctrl+Q** quits. Scroll this page with the arrow keys, PgUp/PgDn, Home and End. The mouse works everywhere: click cells, rows, tabs and buttons.
"""

ABOUT = {
    "battle": (
        "Watch and step a battle. The core map shows the whole core; each character is one "
        "or more cells (**z** zooms to one cell per character), coloured by the warrior that "
        "last touched it, bright if touched since the last frame. Click a cell to list the "
        "core around it (canonical pMARS text, with the source line while the cell still "
        "holds the warrior's own code). The queue panel lists every process of every "
        f"warrior; the next one to run is highlighted. Legend: `{LEGEND}`. "
        "**:** opens pMARS's debugger cdb as a command line (step, go, list, trace, edit, "
        "registers, pspace, ... by cdb's names and abbreviations; `help` lists them); **B** "
        "the breakpoints panel (execute, write, process count); **w** runs every round."
    ),
    "editor": (
        "Edit Redcode. The buffer is assembled a moment after you stop typing; errors and "
        "warnings are marked on their lines and listed below (click one to jump there). "
        "**Ctrl+B** battles the buffer against a warrior you pick."
    ),
    "evolve": (
        "Digital Red Queen evolution. Fill in Setup and start a run (the same run "
        "`arena evolve` makes, in a run directory), or open a run directory: the bar says "
        "whether it is running elsewhere (followed live), stopped, interrupted, finished or "
        "ended by a limit, and **p** resumes a stopped one as `arena evolve --resume` does. "
        "Progress shows the run's spend, the best fitness per round, generality over rounds "
        "(needs a held-out folder), the MAP-Elites archive and model statistics. In "
        "Champions, **e** opens a champion in the editor, **b** battles it and **l** shows "
        "its lineage with a diff of each step; **a** analyses the run (Analysis tab)."
    ),
    "prompts": (
        "Edit the prompt templates the models get. The preview fills them with example "
        "values; the check lists unknown or malformed placeholders by line. Copy the set "
        "to your own folder (**Ctrl+T**) and point a run at it with `prompts_dir`."
    ),
    "hill": (
        "Round robin of a folder of warriors on a hill (94, tiny, ...). Click a column "
        "header to sort, again to reverse. **e** edits the selected warrior, **b** battles it."
    ),
}


KeyDisplay = Callable[[Binding], str]


def _keys(screen_class: type[Screen], key_display: KeyDisplay) -> list[str]:
    rows = []
    for item in screen_class.BINDINGS:
        if not isinstance(item, Binding) or not item.description:
            continue
        # one Binding per key of "plus,equals_sign", each spelt as the footer spells it
        keys = ", ".join(f"`{key_display(b)}`" for b in Binding.make_bindings([item]))
        rows.append(f"| {keys} | {item.description} |")
    return rows


def help_markdown(key_display: KeyDisplay) -> str:
    """The whole help page; ``key_display`` is the app's ``get_key_display``."""
    from tui.battle import BattleScreen
    from tui.editor import EditorScreen
    from tui.evolve import EvolveScreen
    from tui.hill import HillScreen
    from tui.prompts import PromptsScreen

    classes = {
        "battle": BattleScreen,
        "editor": EditorScreen,
        "evolve": EvolveScreen,
        "prompts": PromptsScreen,
        "hill": HillScreen,
    }
    parts = [INTRO]
    for mode, label, key in SCREENS:
        if mode not in classes:
            continue
        parts.append(f"## {label} ({key.upper()})\n\n{ABOUT[mode]}\n")
        rows = _keys(classes[mode], key_display)
        if mode == "battle":
            rows.append("| `z` | zoom the core map |")
            rows.append("| arrows | move the selected cell (map focused) |")
        if rows:
            parts.append("| key | action |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


class HelpScreen(Screen):
    """Keys and a short guide to each screen.

    The page sits in a focused scroll container, so the arrow keys, PgUp/PgDn, Home and
    End scroll it (a Markdown widget alone takes no keys).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.switch_mode('battle')", "Back to battle"),
    ]

    def compose(self) -> ComposeResult:
        yield NavBar("help")
        with VerticalScroll(id="help-body"):
            yield Markdown(help_markdown(self.app.get_key_display), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
