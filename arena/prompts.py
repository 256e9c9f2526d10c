"""Prompt templates for the model backends: loading, checking and rendering.

A template directory holds ``system``, ``new``, ``mutate``, ``crossover`` and
``feedback`` as ``.txt`` (or ``.md``) files. Placeholders are written ``{name}`` as in
``str.format``, and ``{{`` / ``}}`` give literal braces. Rendering is deliberately
simpler and safer than ``str.format``:

* only plain names are placeholders; ``{a.b}``, ``{a[0]}``, ``{a!r}`` and ``{a:>5}``
  are rejected with an error naming them (no attribute or index access, nothing is
  ever evaluated);
* every placeholder must be one of :data:`PLACEHOLDERS` (an unknown name is an error
  that says which one, in which file, and lists the known ones);
* a lone brace that does not look like a placeholder is kept as it is, because Redcode
  uses ``{`` and ``}`` as addressing modes (``MOV.I }-1, >-1`` needs no escaping);
* values are inserted verbatim and never scanned again, so parent code full of braces
  is safe.

``Prompts.request(kind, values)`` builds what the evolution loop sends: the template
name, the system prompt and the user prompt, with the battle feedback section rendered
from ``feedback`` when there is feedback to give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arena.paths import data_dir

TEMPLATE_NAMES: tuple[str, ...] = ("system", "new", "mutate", "crossover", "feedback")
EXTENSIONS: tuple[str, ...] = (".txt", ".md")

PLACEHOLDERS: dict[str, str] = {
    "core_size": "cells in the core (CORESIZE)",
    "max_length": "longest allowed warrior, in instructions (MAXLENGTH)",
    "max_cycles": "cycles before a round is a tie (MAXCYCLES)",
    "max_processes": "processes a warrior may own (MAXPROCESSES)",
    "min_distance": "smallest distance between two warriors at the start (MINDISTANCE)",
    "warriors": "number of warriors in one battle",
    "parent": "Redcode of the warrior to change (mutate, crossover)",
    "parent2": "Redcode of the second warrior (crossover)",
    "fitness": "the parent's fitness, e.g. 0.412 (empty when unknown)",
    "feedback": "one line per opponent with the parent's wins, ties and losses",
    "feedback_section": "the rendered feedback template, or nothing without feedback",
}

# What each template must mention to be of any use.
REQUIRED: dict[str, tuple[str, ...]] = {
    "mutate": ("parent",),
    "crossover": ("parent", "parent2"),
    "feedback": ("feedback",),
}

# Which template builds the user prompt of each request kind.
KIND_TEMPLATE: dict[str, str] = {"new": "new", "mutate": "mutate", "crossover": "crossover"}

# ``{{`` and ``}}`` are escapes; ``{something}`` without blanks, commas or braces inside
# is a placeholder (valid or not); any other brace is literal text.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s,;]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class PromptError(ValueError):
    """A template is missing, unreadable, or uses a placeholder it may not use."""


@dataclass(frozen=True, slots=True)
class Template:
    """One template file: its name, text, origin and the placeholders it uses."""

    name: str
    text: str
    path: Path | None
    fields: tuple[str, ...]

    def render(self, values: Mapping[str, Any]) -> str:
        missing = [f for f in self.fields if f not in values]
        if missing:
            raise PromptError(
                f"{self.where()}: no value given for placeholder(s) "
                + ", ".join("{" + m + "}" for m in missing)
            )

        def substitute(match: re.Match[str]) -> str:
            token = match.group(0)
            if token == "{{":
                return "{"
            if token == "}}":
                return "}"
            return str(values[match.group(1)])

        return _TOKEN.sub(substitute, self.text)

    def where(self) -> str:
        return str(self.path) if self.path else f"template {self.name!r}"


def placeholder_problems(text: str, where: str) -> list[str]:
    """Every malformed or unknown placeholder in a template text, as messages."""
    problems = []
    for match in _TOKEN.finditer(text):
        inner = match.group(1)
        if inner is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        token = match.group(0)
        if _NAME.match(inner):
            if inner not in PLACEHOLDERS:
                known = ", ".join(PLACEHOLDERS)
                problems.append(
                    f"{where}:{line}: unknown placeholder {token} (known placeholders: {known})"
                )
        elif any(ch in inner for ch in ".[]!:"):
            problems.append(
                f"{where}:{line}: placeholder {token} is not allowed: only plain names like "
                "{core_size} are substituted (no attribute, index, conversion or format); "
                "write {{ and }} for literal braces"
            )
        elif inner == "" or inner.isdigit():
            problems.append(
                f"{where}:{line}: positional placeholder {token} is not allowed; use a name "
                "such as {parent}, or {{ and }} for literal braces"
            )
    return problems


def parse_template(name: str, text: str, path: Path | None = None) -> Template:
    """A Template from its text; raises PromptError naming any bad placeholder."""
    where = str(path) if path else f"template {name!r}"
    problems = placeholder_problems(text, where)
    if problems:
        raise PromptError("\n".join(problems))
    fields: list[str] = []
    for match in _TOKEN.finditer(text):
        inner = match.group(1)
        if inner is not None and inner not in fields:
            fields.append(inner)
    return Template(name, text, path, tuple(fields))


def default_directory() -> Path:
    return data_dir("prompts")


def _find(directory: Path, name: str) -> Path | None:
    for extension in EXTENSIONS:
        candidate = directory / f"{name}{extension}"
        if candidate.is_file():
            return candidate
    return None


def template_problems(name: str, text: str, where: str | None = None) -> list[str]:
    """Why a run would refuse template ``name`` with this text (empty: it would not).

    Bad or unknown placeholders, or a placeholder the template needs but never uses;
    ``where`` (default ``name``) starts each message. Editors check with this too.
    """
    where = where or name
    problems = placeholder_problems(text, where)
    if not problems:
        fields = parse_template(name, text).fields
        problems += [
            f"{where}: never uses {{{needed}}}, which it needs"
            for needed in REQUIRED.get(name, ())
            if needed not in fields
        ]
    return problems


def load_templates(directory: str | Path | None = None) -> dict[str, Template]:
    """All five templates of a directory (default: the shipped ``prompts/``), checked."""
    folder = Path(directory) if directory is not None else default_directory()
    if not folder.is_dir():
        raise PromptError(f"{folder}: prompt directory not found")
    templates: dict[str, Template] = {}
    problems: list[str] = []
    for name in TEMPLATE_NAMES:
        path = _find(folder, name)
        if path is None:
            problems.append(f"{folder}: missing template {name}.txt")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read: {exc}")
            continue
        problems += template_problems(name, text, str(path))
        if placeholder_problems(text, str(path)):
            templates[name] = Template(name, text, path, ())
        else:
            templates[name] = parse_template(name, text, path)
    if problems:
        raise PromptError("\n".join(problems))
    return templates


def check_templates(directory: str | Path | None = None) -> list[str]:
    """Every problem with a template directory, as messages (empty when all is well)."""
    try:
        load_templates(directory)
    except PromptError as exc:
        return str(exc).splitlines()
    return []


_cache: dict[Path, tuple[tuple[float, ...], dict[str, Template]]] = {}


def _templates(directory: str | Path | None) -> dict[str, Template]:
    """Templates of a directory, reloaded when a file there changes."""
    folder = (Path(directory) if directory is not None else default_directory()).resolve()
    stamps = tuple(p.stat().st_mtime if (p := _find(folder, n)) else -1.0 for n in TEMPLATE_NAMES)
    cached = _cache.get(folder)
    if cached is None or cached[0] != stamps:
        cached = (stamps, load_templates(folder))
        _cache[folder] = cached
    return cached[1]


def render(template_name: str, directory: str | Path | None = None, /, **values: Any) -> str:
    """One template filled in: ``render("mutate", parent=code, core_size=8000, ...)``."""
    templates = _templates(directory)
    if template_name not in templates:
        raise PromptError(
            f"unknown template {template_name!r}; templates: {', '.join(TEMPLATE_NAMES)}"
        )
    return templates[template_name].render(values)


def settings_values(settings: Any) -> dict[str, Any]:
    """The hill placeholders from an ``arena.settings.Settings``."""
    return {
        "core_size": settings.core_size,
        "max_length": settings.max_length,
        "max_cycles": settings.max_cycles,
        "max_processes": settings.max_processes,
        "min_distance": settings.min_distance,
        "warriors": settings.warriors,
    }


class Prompts:
    """A loaded template set that builds the (template, system, user) of each request."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.templates = load_templates(self.directory)

    def request(self, kind: str, values: Mapping[str, Any]) -> tuple[str, str, str]:
        """Template name, system prompt and user prompt for a request ``kind``.

        Placeholders without a value render empty, so a caller can leave out what it
        does not know (``fitness`` of a fresh warrior, say). The feedback template is
        rendered into ``{feedback_section}`` only when ``values["feedback"]`` is not empty.
        """
        if kind not in KIND_TEMPLATE:
            raise PromptError(
                f"unknown request kind {kind!r}; expected one of {tuple(KIND_TEMPLATE)}"
            )
        filled = {name: "" for name in PLACEHOLDERS}
        filled.update({k: "" if v is None else v for k, v in values.items()})
        if str(filled.get("feedback", "")).strip():
            filled["feedback_section"] = self.templates["feedback"].render(filled).strip("\n")
        else:
            filled["feedback_section"] = ""
        name = KIND_TEMPLATE[kind]
        system = self.templates["system"].render(filled).strip() + "\n"
        user = _tidy(self.templates[name].render(filled))
        return name, system, user


def _tidy(text: str) -> str:
    """No runs of blank lines where an empty section was left out; one final newline."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


__all__ = [
    "KIND_TEMPLATE",
    "PLACEHOLDERS",
    "REQUIRED",
    "TEMPLATE_NAMES",
    "PromptError",
    "Prompts",
    "Template",
    "check_templates",
    "default_directory",
    "load_templates",
    "parse_template",
    "placeholder_problems",
    "render",
    "settings_values",
    "template_problems",
]
