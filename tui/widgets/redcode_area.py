"""A TextArea that highlights Redcode and marks assembler diagnostics at their lines.

There is no tree-sitter grammar for Redcode, so the highlight map is built by a small
regular-expression lexer (Redcode is line-oriented: labels, opcode[.modifier], operands
with mode characters, ``;`` comments). Lines with an error get a red background and a
warning a yellow one; the offending column is underlined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.style import Style
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from arena.redcode.model import MODIFIERS, OPCODES, Diagnostic

PSEUDO = ("ORG", "END", "EQU", "FOR", "ROF", "PIN")
_OPS = "|".join(sorted((*OPCODES, *PSEUDO), key=len, reverse=True))
_MODS = "|".join(sorted(MODIFIERS, key=len, reverse=True))
OPCODE_RE = re.compile(rf"\b(?:{_OPS})(?:\.(?:{_MODS}))?\b", re.IGNORECASE)
NUMBER_RE = re.compile(r"\b\d+\b")
WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MODE_RE = re.compile(r"[#$@<>*{}]")
OPERATOR_RE = re.compile(r"[-+*/%()=!&|,]")
META_RE = re.compile(r";\s*(redcode\S*|name|author|strategy|assert|version|date)\b", re.I)

THEME = TextAreaTheme(
    name="redcode",
    base_style=Style(color="#d4d4d4", bgcolor="#1e1e1e"),
    gutter_style=Style(color="#6e7681", bgcolor="#1e1e1e"),
    cursor_style=Style(color="#1e1e1e", bgcolor="#aeafad"),
    cursor_line_style=Style(bgcolor="#2a2d2e"),
    cursor_line_gutter_style=Style(color="#c6c6c6", bgcolor="#2a2d2e"),
    selection_style=Style(bgcolor="#264f78"),
    syntax_styles={
        "keyword": Style(color="#569cd6", bold=True),  # opcodes
        "type": Style(color="#4ec9b0"),  # .modifier
        "operator": Style(color="#c586c0", bold=True),  # addressing modes
        "number": Style(color="#b5cea8"),
        "label": Style(color="#dcdcaa"),
        "comment": Style(color="#6a9955", italic=True),
        "meta": Style(color="#ce9178"),  # ;name, ;author, ;assert ...
        "error.line": Style(bgcolor="#5a1d1d"),
        "warning.line": Style(bgcolor="#4d3d12"),
        "error.at": Style(underline=True, color="#ff8080", bold=True),
        "warning.at": Style(underline=True, color="#ffd866"),
    },
)


def lex_line(line: str) -> list[tuple[int, int | None, str]]:
    """Highlights of one line: (start, end, name); offsets are characters."""
    out: list[tuple[int, int | None, str]] = []
    code, _sep, _comment = line.partition(";")
    cut = len(code)
    if cut < len(line):
        meta = META_RE.match(line, cut)
        out.append((cut, None, "meta" if meta else "comment"))
    taken: list[tuple[int, int]] = []
    for m in OPCODE_RE.finditer(code):
        dot = m.group().find(".")
        if dot >= 0:
            out.append((m.start(), m.start() + dot, "keyword"))
            out.append((m.start() + dot, m.end(), "type"))
        else:
            out.append((m.start(), m.end(), "keyword"))
        taken.append(m.span())
    for m in WORD_RE.finditer(code):
        if any(a <= m.start() < b for a, b in taken):
            continue
        out.append((m.start(), m.end(), "label"))
    for m in NUMBER_RE.finditer(code):
        out.append((m.start(), m.end(), "number"))
    for m in MODE_RE.finditer(code):
        out.append((m.start(), m.end(), "operator"))
    return out


class RedcodeArea(TextArea):
    """Redcode editing with highlighting and diagnostics."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            text,
            id=id,
            show_line_numbers=True,
            tab_behavior="indent",
            soft_wrap=False,
        )
        self.diagnostics: tuple[Diagnostic, ...] = ()
        self.register_theme(THEME)
        self.theme = "redcode"
        self.indent_type = "spaces"
        self.indent_width = 8

    def set_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        self._build_highlight_map()
        self.refresh()

    def _build_highlight_map(self) -> None:  # Textual's hook for highlights
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        for row in range(self.document.line_count):
            line = self.document.get_line(row)
            if line.isascii():
                highlights[row].extend(lex_line(line))
        for d in getattr(self, "diagnostics", ()):
            if d.line is None or not 1 <= d.line <= self.document.line_count:
                continue
            row = d.line - 1
            kind = "error" if d.severity == "error" else "warning"
            highlights[row].insert(0, (0, None, f"{kind}.line"))
            if d.column:
                text = self.document.get_line(row)
                start = min(d.column - 1, max(len(text) - 1, 0))
                m = re.compile(r"\S+").match(text, start)
                end = m.end() if m else start + 1
                highlights[row].append((start, end, f"{kind}.at"))
