"""Shared helpers for the engine tests: golden data loading."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from arena.redcode.loadfile import parse_load_file
from arena.redcode.model import Warrior

GOLDEN = Path(__file__).resolve().parent.parent.parent / "shared" / "golden"


@cache
def golden_warrior(name: str, core_size: int = 8000) -> Warrior:
    """A human-corpus warrior from pMARS's own load image (``asm/<name>.load``)."""
    stem = name[:-4] if name.endswith(".red") else name
    text = (GOLDEN / "asm" / f"{stem}.load").read_text()
    return parse_load_file(text, core_size=core_size, name=stem)


def jsonl(name: str) -> list[dict]:
    with open(GOLDEN / name) as f:
        return [json.loads(line) for line in f if line.strip()]


def settings_from_cmd(cmd: str):
    """The Settings of a golden record's pMARS command line."""
    from arena.settings import Settings

    words = cmd.replace("(", " ").replace(")", " ").split()
    flags = {"-s": "core_size", "-c": "max_cycles", "-p": "max_processes", "-l": "max_length",
             "-d": "min_distance"}  # fmt: skip
    values = {}
    for i, word in enumerate(words[:-1]):
        if word in flags:
            values[flags[word]] = int(words[i + 1])
    return Settings(**values)
