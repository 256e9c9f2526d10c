"""The arena app: one mode (screen stack) per screen, the nav bar, keys and commands.

``arena`` with no subcommand calls ``run_app()``. Screens are imported when first shown,
so the app starts fast.
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.keys import format_key
from textual.screen import Screen

from arena.io import write_atomic
from arena.settings import Settings
from tui.widgets.navbar import SCREENS

SWITCH_INTERVAL = 0.001  # seconds (Python's default is 0.005)


@dataclass
class EditorBuffer:
    """The editor's text, shared so the battle screen can load it."""

    text: str = ""
    path: Path | None = None


def screenshot_folder() -> Path:
    """Where screenshots go: the user's Downloads folder if there is one, else the
    folder arena was started in (Textual's default, Downloads, may not exist)."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def _battle() -> Screen:
    from tui.battle import BattleScreen

    return BattleScreen()


def _editor() -> Screen:
    from tui.editor import EditorScreen

    return EditorScreen()


def _evolve() -> Screen:
    from tui.evolve import EvolveScreen

    return EvolveScreen()


def _prompts() -> Screen:
    from tui.prompts import PromptsScreen

    return PromptsScreen()


def _hill() -> Screen:
    from tui.hill import HillScreen

    return HillScreen()


def _help() -> Screen:
    from tui.help import HelpScreen

    return HelpScreen()


class ArenaCommands(Provider):
    """Every screen, and every key of the screen you are on, in the command palette."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        found: list[tuple[str, object, str]] = []
        for mode, label, key in SCREENS:
            found.append(
                (
                    f"Go to {label}",
                    partial(app.switch_mode, mode),
                    f"{key.upper()}: the {label.lower()} screen",
                )
            )
        seen: set[str] = set()
        screen = self.screen  # the screen the palette was opened from
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.system:
                continue
            seen.add(binding.action)
            node = active.node

            async def run(action: str = binding.action, target=node) -> None:
                await app.run_action(action, target)

            found.append(
                (
                    f"{screen.__class__.__name__.removesuffix('Screen')}: {binding.description}",
                    run,
                    f"key {app.get_key_display(binding)}",
                )
            )
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class ArenaApp(App):
    """A Core War laboratory in the terminal."""

    CSS_PATH = "arena.tcss"
    TITLE = "arena"
    SUB_TITLE = "a Core War laboratory"
    MODES: ClassVar[dict] = {
        "battle": _battle,
        "editor": _editor,
        "evolve": _evolve,
        "prompts": _prompts,
        "hill": _hill,
        "help": _help,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "switch_mode('help')", "Help", show=False),
        Binding("f2", "switch_mode('battle')", "Battle", show=False),
        Binding("f3", "switch_mode('editor')", "Editor", show=False),
        Binding("f4", "switch_mode('evolve')", "Evolve", show=False),
        Binding("f5", "switch_mode('prompts')", "Prompts", show=False),
        Binding("f6", "switch_mode('hill')", "Hill", show=False),
        Binding("question_mark", "switch_mode('help')", "Help", show=False),
    ]
    COMMANDS = App.COMMANDS | {ArenaCommands}

    def __init__(self, start: str = "battle", *, watch_css: bool = False) -> None:
        super().__init__(watch_css=watch_css)
        self.start_mode = start
        self.editor_buffer = EditorBuffer()

    def on_mount(self) -> None:
        # workers (engine, evolution) hold the GIL in Python stretches; a shorter switch
        # interval lets the UI thread take it back sooner, so keys are answered fast
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.theme = "textual-dark"
        self.switch_mode(self.start_mode)
        self.set_timer(2.0, self.freeze_heap)

    def freeze_heap(self) -> None:
        """Move what is alive now (modules, widgets, compiled kernels) out of the GC's way.

        A full collection over everything numba, numpy and Textual keep alive takes
        ~200 ms, a visible stall; frozen objects are not scanned again. Screens call this
        after loading something big.
        """
        gc.freeze()

    def get_key_display(self, binding: Binding) -> str:
        """Keys as people write them: ``Ctrl+S``, ``+``, ``]``, ``F2``.

        Textual names the key itself (``plus`` becomes ``+``); we only spell the
        modifiers out instead of Textual's caret (``^s``), for the footer and help alike.
        """
        if binding.key_display:
            return binding.key_display
        modifiers, key = binding.parse_key()
        name = format_key(key)
        if (modifiers and len(name) == 1) or (name[:1] == "f" and name[1:].isdigit()):
            name = name.upper()  # Ctrl+S, F2 (a plain letter keeps its case: g is not G)
        return "+".join([*(m.capitalize() for m in modifiers), name])

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save an SVG of the screen to ``path`` (default ``screenshot_folder()``).

        The result is a notification naming the file, or why it could not be written;
        never a traceback. Returns the path written, or None.
        """
        stamp = datetime.now().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
        name = filename or f"{self.title}_{stamp}.svg"
        target = (Path(path).expanduser() if path else screenshot_folder()) / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, self.export_screenshot())
        except OSError as exc:
            self.notify(
                f"cannot save the screenshot to {target}: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
            )
            return None
        self.notify(f"saved the screenshot to {target}", title="Screenshot")
        return str(target)

    async def show_mode(self, mode: str) -> Screen:
        """Switch to ``mode`` and return its base screen."""
        await self.switch_mode(mode)
        return self.screen_stack[0]

    async def battle_texts(
        self, named: dict[str, str], others: list[str], settings: Settings | None = None
    ) -> None:
        """Open the battle screen on warriors given as text (``named``) and files."""
        screen = await self.show_mode("battle")
        screen.load_sources(  # type: ignore[attr-defined]
            (*named.keys(), *others), texts=named, settings=settings
        )

    async def edit_text(self, text: str, path: Path | None = None) -> None:
        """Open the editor on ``text``."""
        screen = await self.show_mode("editor")
        screen.set_text(text, path)  # type: ignore[attr-defined]


def run_app(start: str = "battle") -> None:
    ArenaApp(start).run()


if __name__ == "__main__":
    run_app()
