"""Prompt templates: the shipped set is valid, placeholders are checked, rendering is safe."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from arena.prompts import (
    PLACEHOLDERS,
    TEMPLATE_NAMES,
    PromptError,
    Prompts,
    check_templates,
    default_directory,
    load_templates,
    parse_template,
    render,
    settings_values,
)
from arena.settings import Settings

HILL = settings_values(Settings(core_size=800, max_length=20, max_cycles=8000))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(default_directory(), target)
    return target


def test_shipped_templates_are_complete_and_valid() -> None:
    assert check_templates() == []
    templates = load_templates()
    assert set(templates) == set(TEMPLATE_NAMES)
    for template in templates.values():
        assert set(template.fields) <= set(PLACEHOLDERS)
    assert "parent" in templates["mutate"].fields
    assert {"parent", "parent2"} <= set(templates["crossover"].fields)
    assert "core_size" in templates["system"].fields


def test_request_fills_hill_settings_and_parents() -> None:
    prompts = Prompts()
    parent = ";redcode-94\nstart MOV.I }-1, >-1\n        JMP {x}\n"
    name, system, user = prompts.request("mutate", {**HILL, "parent": parent})
    assert name == "mutate"
    assert "800" in system and "20 instructions" in system
    assert parent.strip() in user  # braces in the code are kept verbatim
    assert "{" + "feedback_section}" not in user
    assert "evaluation" not in user  # no feedback section without feedback

    name, _, user = prompts.request(
        "crossover", {**HILL, "parent": "MOV 0, 1", "parent2": "DAT #0, #0"}
    )
    assert name == "crossover" and "MOV 0, 1" in user and "DAT #0, #0" in user

    name, _, user = prompts.request("new", HILL)
    assert name == "new" and "800" in user


def test_feedback_section_appears_only_with_feedback() -> None:
    prompts = Prompts()
    lines = "- imp: 3 wins, 10 ties, 7 losses\n- dwarf: 0 wins, 2 ties, 18 losses"
    _, _, user = prompts.request(
        "mutate", {**HILL, "parent": "MOV 0, 1", "fitness": "0.250", "feedback": lines}
    )
    assert lines in user and "0.250" in user
    _, _, plain = prompts.request("mutate", {**HILL, "parent": "MOV 0, 1", "feedback": ""})
    assert "dwarf" not in plain
    assert "\n\n\n" not in plain


def test_render_function_uses_the_default_directory() -> None:
    text = render("new", **HILL)
    assert "800" in text
    with pytest.raises(PromptError, match="no value given for placeholder"):
        render("mutate", **HILL)  # {parent} missing
    with pytest.raises(PromptError, match="unknown template"):
        render("nonsense", **HILL)


def test_unknown_placeholder_is_named(copy: Path) -> None:
    (copy / "new.txt").write_text("Write a warrior for {core_size} cells, {colour} please.\n")
    problems = check_templates(copy)
    assert len(problems) == 1
    assert "{colour}" in problems[0] and "new.txt:1" in problems[0]
    assert "core_size" in problems[0]  # the known ones are listed
    with pytest.raises(PromptError, match=r"unknown placeholder \{colour\}"):
        load_templates(copy)


@pytest.mark.parametrize(
    "text",
    [
        "{parent.__class__}",
        "{parent[0]}",
        "{parent!r}",
        "{core_size:>10}",
        "{}",
        "{0}",
        "{settings.__init__.__globals__}",
    ],
)
def test_attribute_index_and_positional_placeholders_are_rejected(text: str) -> None:
    with pytest.raises(PromptError, match="not allowed"):
        parse_template("new", f"before {text} after")


def test_braces_escapes_and_redcode_modes() -> None:
    template = parse_template("new", "{{literal}} mov.i }-1, >-1 ; spl {0, }1 {core_size}")
    assert template.fields == ("core_size",)
    assert template.render({"core_size": 80}) == "{literal} mov.i }-1, >-1 ; spl {0, }1 80"


def test_values_are_not_rescanned() -> None:
    template = parse_template("mutate", "code: {parent}")
    assert template.render({"parent": "{core_size} {{x}}"}) == "code: {core_size} {{x}}"


def test_missing_template_and_missing_required_placeholder(copy: Path) -> None:
    (copy / "crossover.txt").unlink()
    (copy / "mutate.txt").write_text("Improve this warrior for {core_size} cells.\n")
    problems = check_templates(copy)
    assert any("missing template crossover" in p for p in problems)
    assert any("mutate.txt" in p and "{parent}" in p for p in problems)
    with pytest.raises(PromptError):
        Prompts(copy)


def test_markdown_templates_and_user_copies(copy: Path) -> None:
    (copy / "new.txt").rename(copy / "new.md")
    (copy / "new.md").write_text("# New\nA warrior for a core of {core_size}.\n")
    prompts = Prompts(copy)
    _, _, user = prompts.request("new", HILL)
    assert user == "# New\nA warrior for a core of 800.\n"
    assert render("new", copy, core_size=5) == "# New\nA warrior for a core of 5.\n"


def test_unknown_kind() -> None:
    with pytest.raises(PromptError, match="unknown request kind"):
        Prompts().request("explode", HILL)


def test_missing_directory(tmp_path: Path) -> None:
    assert "not found" in check_templates(tmp_path / "nope")[0]
