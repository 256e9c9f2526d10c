"""Every corpus warrior assembles exactly as pMARS 0.9.4 assembles it (golden data)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from arena.redcode import assemble_file, load_file, pmars_report
from arena.redcode.loadfile import parse_load_file
from arena.settings import Settings
from tests.conftest import SHARED

# pmars -A was run with one warrior on the command line, so WARRIORS was 1.
SETTINGS = Settings(warriors=1)
CASES = [
    (sub, golden, path.name)
    for sub, golden in (("human", "asm"), ("llm", "asm_llm"))
    for path in sorted((SHARED / "corpus" / sub).glob("*.red"))
]


def test_corpus_is_the_one_the_golden_data_describes(shared: Path) -> None:
    index = json.loads((shared / "golden" / "warriors_index.json").read_text())
    for sub in ("human", "llm"):
        for entry in index[sub]:
            data = (shared / "corpus" / sub / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    assert len(index["human"]) == 317
    assert sum(e["assembles"] for e in index["human"]) == 316


@pytest.mark.parametrize(("sub", "golden", "name"), CASES, ids=[f"{s}/{n}" for s, _, n in CASES])
def test_same_load_image_and_messages_as_pmars(sub: str, golden: str, name: str) -> None:
    stem = name.removesuffix(".red")
    folder = SHARED / "golden" / golden
    result = assemble_file(SHARED / "corpus" / sub / name, SETTINGS)
    expected = folder / f"{stem}.load"
    if expected.exists():
        assert result.ok, [str(d) for d in result.errors]
        assert load_file(result.warrior) == expected.read_text()
        # values compared modulo the core size, through an independent reader
        assert result.warrior == parse_load_file(expected.read_text(), core_size=8000)
    else:
        assert not result.ok
        assert result.errors
    messages = [folder / f"{stem}{ext}" for ext in (".stderr", ".err")]
    golden_messages = "".join(p.read_text() for p in messages if p.exists())
    assert pmars_report(result) == golden_messages


def test_every_instruction_maps_to_a_source_line() -> None:
    result = assemble_file(SHARED / "corpus" / "human" / "dwarf.red", SETTINGS)
    warrior = result.warrior
    assert warrior is not None
    lines = (SHARED / "corpus" / "human" / "dwarf.red").read_text().splitlines()
    assert len(warrior.source_lines) == len(warrior)
    for index, number in enumerate(warrior.source_lines):
        opcode = ("ADD", "MOV", "JMP")[index]
        assert opcode.lower() in lines[number - 1].lower()
