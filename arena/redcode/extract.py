"""Pulling a Redcode program out of a language model's reply.

Models wrap code in markdown fences (with or without a language tag), add prose before
and after, give several blocks ("the old version ... the improved one"), and type
typographic quotes, dashes and odd spaces. This module undoes all of that and returns
plain ASCII-compatible Redcode text for the assembler, which does the real checking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arena.redcode.model import OPCODES

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2026": "...", "\u00d7": "*", "\u00f7": "/",
    "\uff03": "#", "\uff04": "$", "\uff20": "@", "\uff0c": ",", "\uff1b": ";",
    "\uff1a": ":", "\uff0e": ".", "\uff0a": "*", "\uff1c": "<", "\uff1e": ">",
    "\uff5b": "{", "\uff5d": "}",
}  # fmt: skip
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*$", re.MULTILINE)
_REDCODE_TAGS = {"", "redcode", "red", "rc", "asm", "assembly", "corewar", "pmars", "nasm", "text"}
_KEYWORDS = {*OPCODES, "ORG", "END", "PIN", "EQU", "FOR", "ROF"}
_OPCODE_WORD = re.compile(r"([A-Za-z]{3})(?:\.[A-Za-z]{1,2})?(?![A-Za-z0-9_])")
_LABEL = re.compile(r"^[A-Za-z_]\w*:?$")
_PROSE = re.compile(r"[A-Za-z_]\w*\s+[A-Za-z_]\w*")


@dataclass(frozen=True, slots=True)
class Extraction:
    """The program found in a reply, and how it was found (for run logs)."""

    code: str
    source: str  # "fence", "unclosed fence", "bare text" or "none"
    blocks: int  # number of fenced blocks in the reply


def normalize(text: str) -> str:
    """ASCII punctuation and spaces for their typographic look-alikes; LF line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return "".join(_REPLACEMENTS.get(ch, ch) for ch in text)


def _is_code_line(line: str) -> bool:
    """Does a line read as a Redcode statement ([labels] OPCODE operands), not prose?"""
    body = line.replace("`", "").split(";", 1)[0].strip()
    words = body.split()
    position = next(
        (
            i
            for i, word in enumerate(words[:4])
            if (m := _OPCODE_WORD.match(word)) and m.group(1).upper() in _KEYWORDS
        ),
        None,
    )
    if position is None or not all(_LABEL.match(w) for w in words[:position]):
        return False
    opcode = words[position]
    keyword = opcode[:3].upper()
    if keyword == "EQU":
        return True
    rest = opcode[_OPCODE_WORD.match(opcode).end() :] + " " + " ".join(words[position + 1 :])
    fields = rest.split(",")
    # prose has runs of words ("is cool", "to the start"); operands don't
    return len(fields) <= 2 and not any(_PROSE.search(f) for f in fields)


def _score(code: str) -> int:
    return sum(1 for line in code.splitlines() if _is_code_line(line))


def _blocks(text: str) -> tuple[list[tuple[str, str]], str | None]:
    """Fenced blocks as (tag, body); also the body of a final unclosed fence, if any."""
    blocks: list[tuple[str, str]] = []
    fences = list(_FENCE.finditer(text))
    i = 0
    while i < len(fences):
        opening = fences[i]
        marker, tag = opening.group(1), opening.group(2).lower()
        closing = next(
            (
                j
                for j in range(i + 1, len(fences))
                if fences[j].group(1)[0] == marker[0]
                and len(fences[j].group(1)) >= len(marker)
                and not fences[j].group(2)
            ),
            None,
        )
        if closing is None:
            return blocks, text[opening.end() :].lstrip("\n")
        blocks.append((tag, text[opening.end() : fences[closing].start()].strip("\n")))
        i = closing + 1
    return blocks, None


def _bare_program(text: str) -> str:
    """The span of an unfenced reply from its first to its last Redcode line."""
    lines = text.split("\n")
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if _is_code_line(line) or line.strip().lower().startswith(";redcode")
        ),
        None,
    )
    if start is None:
        return ""
    # a ;redcode/;name header just above the first statement belongs to the program
    while start > 0 and lines[start - 1].lstrip().startswith(";"):
        start -= 1
    end = max(i for i, line in enumerate(lines) if _is_code_line(line) or i == start)
    kept = [
        line
        if (_is_code_line(line) or not line.strip() or line.lstrip().startswith(";"))
        else ";" + line
        for line in lines[start : end + 1]
    ]
    return "\n".join(kept)


def extract(reply: str) -> Extraction:
    """Find the Redcode program in a model reply.

    Among fenced blocks tagged as Redcode (or untagged), it takes the last one that
    contains ``;redcode``; failing that, the one with the most Redcode statements (the
    last of equals, since models put their final answer last). A reply cut off inside
    a fence still yields the code so far. Without fences, it takes the span from the
    first to the last Redcode line and comments out stray prose inside it.
    """
    text = normalize(reply if isinstance(reply, str) else str(reply))
    blocks, unclosed = _blocks(text)
    candidates = [body for tag, body in blocks if tag in _REDCODE_TAGS or _score(body) > 0]
    if unclosed is not None and _score(unclosed) > 0:
        if not candidates:
            return Extraction(_clean(unclosed), "unclosed fence", len(blocks))
        candidates.append(unclosed)
    if candidates:
        marked = [body for body in candidates if ";redcode" in body.lower()]
        if marked:
            chosen = marked[-1]
        else:
            best = max(_score(body) for body in candidates)
            chosen = [body for body in candidates if _score(body) == best][-1]
        if _score(chosen) > 0 or ";redcode" in chosen.lower():
            return Extraction(_clean(chosen), "fence", len(blocks))
    bare = _bare_program(text)
    if bare:
        return Extraction(_clean(bare), "bare text", len(blocks))
    return Extraction("", "none", len(blocks))


def extract_redcode(reply: str) -> str:
    """Just the program text of ``extract`` ("" when the reply holds none)."""
    return extract(reply).code


def _clean(code: str) -> str:
    """Strip stray inline-code backticks and trailing blanks; end with a newline."""
    lines = [line.replace("`", "").rstrip() for line in code.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + ("\n" if lines else "")
