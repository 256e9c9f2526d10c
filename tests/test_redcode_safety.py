"""Bad input never crashes the assembler, never runs anything, and fails fast and clearly."""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arena.redcode import AssemblyResult, assemble
from arena.settings import Settings
from tests.conftest import SHARED

CORPUS = sorted((SHARED / "corpus" / "human").glob("*.red")) + sorted(
    (SHARED / "corpus" / "llm").glob("*.red")
)
REDCODE_ALPHABET = st.sampled_from(
    [*"abcxyz_019#$@<>*{}(),.;:&|!=+-*/% \t\n\r\\'\"`é—",
     "mov", "dat", "spl", "jmp", "equ", "for", "rof", "end", "org", "pin", "CORESIZE",
     "CURLINE", ";assert ", ";redcode\n", ";name ", "&&", "||", "\n"]
)  # fmt: skip


def assert_well_formed(result: AssemblyResult) -> None:
    """A result is either a warrior or a list of errors, each with a message."""
    assert isinstance(result, AssemblyResult)
    if result.ok:
        assert not result.errors
        warrior = result.warrior
        assert all(0 <= int(v) < warrior.core_size for v in warrior.a_value)
        assert all(0 <= int(v) < warrior.core_size for v in warrior.b_value)
    else:
        assert result.errors
    for diagnostic in result.diagnostics:
        assert diagnostic.message
        assert "internal" not in diagnostic.message.lower()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REDCODE_ALPHABET, max_size=80).map("".join))
def test_random_redcode_like_text_never_raises(text: str) -> None:
    assert_well_formed(assemble(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_never_raises(text: str) -> None:
    assert_well_formed(assemble(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 5), REDCODE_ALPHABET), max_size=6),
)
def test_mutated_corpus_warriors_never_raise(path: Path, edits: list) -> None:
    text = path.read_text(errors="replace")
    for position, length, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length :]
    assert_well_formed(assemble(text))


@pytest.mark.parametrize("core_size", [80, 800, 8000, 55440])
def test_corpus_under_other_core_sizes_never_raises(core_size: int) -> None:
    for path in random.Random(core_size).sample(CORPUS, 40):
        assert_well_formed(
            assemble(path.read_text(errors="replace"), Settings(core_size=core_size))
        )


# -- nothing from the text is ever executed ----------------------------------------------

INJECTIONS = [
    "x EQU __import__('os').system('touch {marker}')\n dat x",
    "x EQU (lambda: open('{marker}', 'w'))()\n dat x",
    ";assert __import__('os').system('touch {marker}') == 0\n dat 0",
    ";assert exec(\"open('{marker}','w')\")\n dat 0",
    " dat __builtins__.__dict__['eval'](\"open('{marker}','w')\")",
    " mov __class__.__mro__, 1",
    "i for __import__('subprocess').call(['touch', '{marker}'])\n dat i\n rof",
    " dat {{}}.__class__, [].__len__()",
    " org eval('1')\n dat 0",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_python_in_warrior_text_is_rejected_and_runs_nothing(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = assemble(template.format(marker=marker))
    assert not marker.exists()
    assert_well_formed(result)
    # rejected outright, or (pMARS's rule for ;assert) an unusable assert is only a warning
    problems = [d.message for d in result.errors] or [d.message for d in result.warnings]
    assert any(
        "assert" in m or "label" in m or "placement" in m or "expression" in m for m in problems
    )


def test_dunder_names_are_undefined_symbols() -> None:
    result = assemble(" dat __import__")
    assert [d.message for d in result.errors] == ["Undefined label or symbol: '__import__'"]


# -- pathological input -----------------------------------------------------------------


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a guard against runaway loops, not a timing claim)."""

    def expire(*_: object) -> None:
        raise TimeoutError("assembler did not finish")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


PATHOLOGICAL = {
    "huge FOR count": ("for 100000000\n dat 0\n rof", "exceed the limit 1000"),
    "nested FOR of nothing": (
        "for 60000\nfor 60000\n;assert 1\nrof\nrof\n dat 0",
        "expansion is too large",
    ),
    "5 MB of text": ("mov 0, 1 ; " + "x" * 5_000_000, "characters long"),
    "10,000 nested parentheses": (" dat " + "(" * 10_000 + "1" + ")" * 10_000, "token: '('"),
    "self-referring EQU": ("x equ x\n dat x", "Recursive reference of label 'x'"),
    "long EQU chain": (
        "".join(f"e{i} equ e{i + 1}+1\n" for i in range(5000)) + "e5000 equ 0\n dat e0",
        "nested too deeply",
    ),
    "exponential EQU": (
        "".join(f"e{i} equ e{i + 1} e{i + 1}\n" for i in range(40)) + "e40 equ 1\n dat e0",
        "",
    ),
    "100,000 lines": ("dat 0\n" * 100_000, "exceed the limit 1000"),
    "10,000 unary minus": (" dat " + "-" * 10_000 + "1", "token: '-'"),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_ends_with_a_clear_error(name: str) -> None:
    text, message = PATHOLOGICAL[name]
    with watchdog(20):
        result = assemble(text)
    assert not result.ok
    assert any(message in d.message for d in result.errors), [str(d) for d in result.errors]


def test_long_lines_are_split_as_pmars_does_with_a_hint() -> None:
    result = assemble(";assert 1\n dat 1 ; " + "x" * 300 + "\n")
    # the rest of the comment becomes a line of its own: here a lone label, discarded
    assert result.ok
    assert any(d.message.startswith("Discarding these labels: 'xxx") for d in result.warnings)
    hint = [d for d in result.warnings if "longer than 255" in d.message]
    assert hint and hint[0].line == 2


def test_deep_nesting_that_fits_a_line_works_as_in_pmars() -> None:
    result = assemble(";assert 1\n dat #" + "(" * 60 + "7" + ")" * 60 + ", #" + "-" * 100 + "3")
    assert result.ok
    assert (int(result.warrior.a_value[0]), int(result.warrior.b_value[0])) == (7, 3)
