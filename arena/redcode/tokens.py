"""pMARS's tokenizer: how Redcode text splits into tokens.

Only ASCII counts as letters, digits and blanks (pMARS uses C's <ctype.h> in the
"C" locale), so any other character is a token of its own that nothing accepts.
"""

from __future__ import annotations

from enum import IntEnum

BLANKS = frozenset(" \t\n\v\f\r")
DIGITS = frozenset("0123456789")
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
WORD_START = LETTERS | {"_"}
WORD_CHARS = WORD_START | DIGITS
EXPRESSION_CHARS = frozenset("()/+-%!=")
MODE_CHARS = frozenset("#$@<>*{}")


class Kind(IntEnum):
    NONE = 0  # end of text
    NUMBER = 1
    WORD = 2  # label, opcode, register, keyword
    OPERATOR = 3  # ( ) / + - % ! = && ||
    MODE = 4  # # $ @ < > * { }  (< > * double as operators)
    APPEND = 5  # & (string concatenation in FOR bodies)
    COMMENT = 6  # ;
    COMMA = 7
    DOT = 8
    OTHER = 9


def next_token(text: str, pos: int) -> tuple[Kind, str, int]:
    """The token starting at or after ``pos``: (kind, token text, position after it)."""
    n = len(text)
    while pos < n and text[pos] in BLANKS:
        pos += 1
    if pos >= n:
        return Kind.NONE, "", pos
    ch = text[pos]
    if ch in DIGITS:
        end = pos + 1
        while end < n and text[end] in DIGITS:
            end += 1
        return Kind.NUMBER, text[pos:end], end
    if ch in WORD_START:
        end = pos + 1
        while end < n and text[end] in WORD_CHARS:
            end += 1
        return Kind.WORD, text[pos:end], end
    nxt = text[pos + 1] if pos + 1 < n else ""
    if ch in EXPRESSION_CHARS:
        return Kind.OPERATOR, ch, pos + 1
    if ch in MODE_CHARS:
        return Kind.MODE, ch, pos + 1
    if ch == "&":
        if nxt == "&":
            return Kind.OPERATOR, "&&", pos + 2
        return Kind.APPEND, ch, pos + 1
    if ch == ";":
        return Kind.COMMENT, ch, pos + 1
    if ch == ",":
        return Kind.COMMA, ch, pos + 1
    if ch == ".":
        return Kind.DOT, ch, pos + 1
    if ch == "|" and nxt == "|":
        return Kind.OPERATOR, "||", pos + 2
    return Kind.OTHER, ch, pos + 1


def blank_at(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos] in BLANKS
