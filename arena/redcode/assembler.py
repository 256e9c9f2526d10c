"""The Redcode assembler: ICWS'94 draft Redcode with pMARS 0.9.4's extensions.

It works the way pMARS does, because warriors depend on pMARS's exact behaviour:

1. *Reading* keeps the program lines (comments stripped), handles ``;redcode``,
   ``;name``, ``;author``, ``;strategy`` and keeps ``;assert`` lines.
2. *Expansion* (pMARS's first pass) rewrites each line as text: labels are declared,
   EQU names are replaced by their text (so ``x EQU 1+2`` makes ``x*2`` equal 5, as in
   pMARS), known labels become offsets, FOR/ROF blocks are unrolled, ``;assert`` is
   checked, and END stops the program.
3. *Encoding* (the second pass) parses each rewritten line into opcode, modifier, modes
   and two expression strings, resolves forward references, fills in one-operand forms
   and default modifiers, and evaluates the expressions with our own evaluator.

Errors never raise: every problem becomes a Diagnostic with a line and column, and a
failed assembly returns no warrior. Pathological input (runaway FOR counts, EQU chains,
huge files) is cut short with a clear error instead of running away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from arena.redcode.expression import Evaluator, Status
from arena.redcode.model import (
    DAT,
    DIRECT,
    IMMEDIATE,
    JMP,
    MODES,
    MODIFIER_NUMBER,
    NOP,
    OPCODES,
    SPL,
    Diagnostic,
    EquOrigin,
    Warrior,
    default_modifier,
)
from arena.redcode.tokens import BLANKS, LETTERS, Kind, blank_at, next_token
from arena.settings import DEFAULT_SETTINGS, Settings

PMARS_VERSION = 94  # the value of the predefined VERSION
MAX_INSTRUCTIONS = 1000  # pMARS's hard limit on generated instructions
MAX_LINE_CHARS = 255  # pMARS reads at most this many characters of a line at once
MAX_TEXT_CHARS = 256  # pMARS's buffer for one rewritten line or expression
MAX_LABELS_PER_LINE = 7
MAX_DISTINCT_MESSAGES = 9  # pMARS gives up after this many messages on distinct lines
MAX_EXPANSION_STEPS = 100_000  # our guard against runaway FOR/ROF expansion
MAX_SUBSTITUTION_DEPTH = 100  # our guard against deep EQU chains
MAX_SOURCE_BYTES = 2_000_000  # our guard against absurd input sizes

PSEUDO_OPCODES = ("ORG", "END", "PIN")
ALL_OPCODES = (*OPCODES, *PSEUDO_OPCODES)
OPCODE_INDEX = {name: i for i, name in enumerate(ALL_OPCODES)}
REAL_OPCODE_COUNT = len(OPCODES)
ORG, END, PIN = (REAL_OPCODE_COUNT + i for i in range(3))


HINTS = {
    "SYNERR": "the instruction is incomplete: write OPCODE[.MODIFIER] A-operand[, B-operand]",
    "NOPERR": "this opcode takes two operands separated by a comma",
    "APPERR": "a comma may be missing, or a reserved word (an opcode, END, EQU, FOR) is used "
    "as a label",
    "TOKERR": "a line must start with a label, an opcode or a directive; is a name defined "
    "twice (once with EQU)?",
    "SNFERR": "define this label or check its spelling; labels are case-sensitive",
    "EXPERR": "check the text right after the opcode",
    "RECERR": "an EQU refers to itself, directly or through other EQUs",
    "EVLERR": "check the expression's operators and parentheses",
    "DIVERR": "an expression divides by zero",
    "CHKERR": "the ;assert expression is false under these settings (core size, length, ...)",
    "NASERR": "add a line such as ';assert CORESIZE == 8000' stating the settings it needs",
    "LINERR": "the warrior is longer than the maximum length (-l)",
    "FORERR": "this ROF has no matching FOR",
    "ROFERR": "add the ROF that closes the FOR block",
    "IDNERR": "each label may be declared once; inside FOR, use name&counter",
    "DOEERR": "give the start address with either ORG or END, not both",
    "OFSERR": "ORG/END must name an instruction of the warrior",
    "CATERR": "only FOR counters can be concatenated with &",
    "BASERR": "the ;assert expression cannot be evaluated; it is ignored",
    "DLBERR": "these labels are not followed by any instruction",
    "ANNERR": "EQU needs a label in front of it",
    "GRPERR": "at most 7 labels can name one line",
    "BUFERR": "the line grows beyond 255 characters after EQU substitution",
    "ZLNERR": "the program has no instructions",
}


class _Ctx(IntEnum):
    """What the expansion pass expects next on a line (pMARS's 'wdecl')."""

    ERROR = -1
    START = 0  # nothing seen yet
    LABELS = 1  # only labels so far
    OPERANDS = 2  # operands of an instruction: labels become relative offsets
    PSEUDO_OPERANDS = 4  # operands of ORG/END/PIN: labels become absolute
    STATEMENT = 3  # a complete statement was produced
    FOR_BLOCK = 5
    ROF = 6


class _State(IntEnum):
    """States of the statement parser of the encoding pass."""

    OPCODE = 0
    MODIFIER_OR_OPERAND = 1
    MODIFIER = 2
    A_OPERAND = 3
    A_EXPRESSION = 4
    B_OPERAND = 5
    B_EXPRESSION = 6


class _RefKind(IntEnum):
    TEXT = 0  # EQU (and the predefined constants)
    COUNTER = 1  # FOR index
    LABEL = 2  # address label


@dataclass(eq=False)
class _Line:
    text: str  # the text as the pass sees it
    number: int | None  # 1-based source line, None for predefined text
    source: str  # the source line (comment removed), for messages
    spans: tuple[_Span, ...] = ()  # where EQU text was substituted into ``text``


@dataclass(eq=False)
class _Ref:
    kind: _RefKind
    names: list[str]
    value: int = 0
    lines: list[_Line] = field(default_factory=list)
    visiting: bool = False


@dataclass(frozen=True, eq=False)
class _Span:
    """Characters ``start:end`` of a rewritten line came from EQU ``name``."""

    start: int
    end: int
    name: str
    ref: _Ref


@dataclass
class _Cursor:
    lines: list[_Line]
    index: int

    @property
    def line(self) -> _Line:
        return self.lines[self.index]

    def has_next(self) -> bool:
        return self.index + 1 < len(self.lines)


@dataclass(frozen=True, slots=True)
class Message:
    """A message in pMARS's own terms, kept to print pMARS-style reports."""

    severity: str  # "error" | "warning"
    text: str
    line: int | None
    source: str | None
    repeats: int = 1


@dataclass(frozen=True)
class AssemblyResult:
    """What assembling gives: a warrior (None on error) and every message."""

    warrior: Warrior | None
    diagnostics: tuple[Diagnostic, ...]
    messages: tuple[Message, ...]
    file: str | None = None

    @property
    def ok(self) -> bool:
        return self.warrior is not None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


class _GiveUp(Exception):
    """Stops the assembly at once (pMARS's abort on too many messages, or our guards)."""


class _LineAbort(Exception):
    """Stops work on the current line after an error (e.g. a substitution runs away)."""


class _Text:
    """A bounded text buffer (pMARS's fixed-size line buffers), and where EQU text
    went into it (``spans``), so a later error can name the EQU's definition too."""

    __slots__ = ("clears", "length", "parts", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[_Span] = []
        self.clears = 0

    def add(self, piece: str) -> bool:
        if self.length + len(piece) >= MAX_TEXT_CHARS:
            return False
        self.parts.append(piece)
        self.length += len(piece)
        return True

    def clear(self) -> None:
        self.parts.clear()
        self.length = 0
        self.spans.clear()
        self.clears += 1

    def value(self) -> str:
        return "".join(self.parts)


@dataclass
class _Statement:
    opcode: int
    modifier: int
    a_mode: int
    b_mode: int
    a_expr: str
    b_expr: str
    a_equs: tuple[EquOrigin, ...] = ()  # EQUs whose text is in a_expr
    b_equs: tuple[EquOrigin, ...] = ()


class _Assembly:
    """One assembly run: all state of pMARS's assembler for one source text."""

    def __init__(self, text: str, settings: Settings, file: str | None) -> None:
        self.settings = settings
        self.file = file
        self.source_text = text
        self.core_size = settings.core_size
        self.name = "Unknown"
        self.author = "Anonymous"
        self.strategy: list[str] = []
        self.messages: list[Message] = []
        self.diagnostics: list[Diagnostic] = []
        self.seen: dict[tuple[int, str], int] = {}  # (line, kind) -> index into messages
        self.errors = 0
        self.symbols: dict[str, list[_Ref]] = {}
        self.pending_labels: list[str] = []
        self.evaluator = Evaluator()
        self.no_assert = True
        self.instruction_count = 0
        self.skip_depth = 0  # pMARS's 'statefine' in the expansion pass: FOR 0 skipping
        self.keep_going = True  # pMARS's 'vcont': END and missing ROF stop the expansion
        self.expanded: list[_Line] = []
        self.cursor = _Cursor([], 0)
        self.steps = 0
        self.depth = 0
        self.offset = 0
        self.pin: int | None = None
        self.reported_line: _Line | None = None
        self.source_map: list[int] = []  # source line of each encoded instruction

    # -- messages ---------------------------------------------------------------

    def report(
        self,
        severity: str,
        kind: str,
        text: str,
        line: _Line | None,
        token: str = "",
        equs: tuple[EquOrigin, ...] = (),
    ) -> None:
        """Record a message as pMARS does: once per (line, kind), aborting after nine."""
        if severity == "error":
            self.errors += 1
        if line is None or line.number is None:
            self.messages.append(Message(severity, text, None, None))
            self.diagnostics.append(Diagnostic(severity, text, self.file, hint=HINTS.get(kind)))
        else:
            key = (line.number, kind)
            if key in self.seen:
                index = self.seen[key]
                old = self.messages[index]
                self.messages[index] = Message(
                    old.severity, old.text, old.line, old.source, old.repeats + 1
                )
            else:
                self.seen[key] = len(self.messages)
                self.messages.append(Message(severity, text, line.number, line.source))
                column = _column_of(line.source, token)
                self.diagnostics.append(
                    Diagnostic(
                        severity,
                        text,
                        self.file,
                        line.number,
                        column,
                        line.source,
                        HINTS.get(kind),
                        equs,
                    )
                )
        if len(self.seen) >= MAX_DISTINCT_MESSAGES:
            self.errors += 1
            self.messages.append(
                Message("error", "Too many errors or warnings. Program aborted.", None, None)
            )
            self.diagnostics.append(
                Diagnostic("error", "too many errors or warnings; assembly stopped", self.file)
            )
            raise _GiveUp

    def error(
        self, kind: str, text: str, token: str = "", equs: tuple[EquOrigin, ...] = ()
    ) -> None:
        self.report("error", kind, text, self.reported_line, token, equs)

    def warning(self, kind: str, text: str, token: str = "") -> None:
        self.report("warning", kind, text, self.reported_line, token)

    def fatal(self, text: str) -> None:
        """One of our own guards fired: report it and stop."""
        self.errors += 1
        self.messages.append(Message("error", text, None, None))
        line = self.reported_line
        if line is not None and line.number is not None:
            self.diagnostics.append(
                Diagnostic("error", text, self.file, line.number, 1, line.source)
            )
        else:
            self.diagnostics.append(Diagnostic("error", text, self.file))
        raise _GiveUp

    # -- symbols ----------------------------------------------------------------

    def lookup(self, name: str) -> _Ref | None:
        refs = self.symbols.get(name)
        return refs[-1] if refs else None

    def define(self, ref: _Ref) -> None:
        for name in ref.names:
            self.symbols.setdefault(name, []).append(ref)

    def undefine(self, ref: _Ref) -> None:
        for name in ref.names:
            refs = self.symbols.get(name)
            if refs and ref in refs:
                refs.remove(ref)

    def predefine(self) -> None:
        s = self.settings
        values = {
            "CORESIZE": s.core_size,
            "MAXPROCESSES": s.max_processes,
            "MAXCYCLES": s.max_cycles,
            "MAXLENGTH": s.max_length,
            "MINDISTANCE": s.min_distance,
            "VERSION": PMARS_VERSION,
            "WARRIORS": s.warriors,
            "ROUNDS": s.rounds,
            "READLIMIT": s.read,
            "WRITELIMIT": s.write,
            "PSPACESIZE": s.pspace,
        }
        for name, value in values.items():
            text = str(value % 2**32)
            self.define(_Ref(_RefKind.TEXT, [name], lines=[_Line(text, None, text)]))

    # -- reading ----------------------------------------------------------------

    def read(self) -> list[_Line]:
        """Keep program lines and ;assert lines; take ;name, ;author, ;strategy, ;redcode."""
        lines: list[_Line] = []
        redcode_seen = 0
        number = 0
        physical = _physical_lines(self.source_text, self.note_split_line)
        while True:
            try:
                raw = next(physical)
            except StopIteration:
                break
            has_comment = ";" in raw
            while raw.endswith("\\") and not has_comment:
                raw = raw[:-1]
                try:
                    more = next(physical)
                except StopIteration:
                    break
                has_comment = has_comment or ";" in more
                raw += more
            number += 1
            kind, _, pos = next_token(raw, 0)
            if kind == Kind.NONE:
                continue
            if kind == Kind.COMMENT:
                if self.comment(raw, pos, number, lines):
                    if redcode_seen == 0:
                        lines.clear()
                        redcode_seen = 1
                    else:
                        break
                continue
            code = raw.split(";", 1)[0]
            lines.append(_Line(code, number, code))
        return lines

    def note_split_line(self, number: int) -> None:
        """Our own hint (pMARS says nothing): a long line is read as several lines."""
        self.diagnostics.append(
            Diagnostic(
                "warning",
                f"line is longer than {MAX_LINE_CHARS} characters; like pMARS, the rest "
                "is read as a new line (shorten the line or move the comment)",
                self.file,
                number,
                MAX_LINE_CHARS + 1,
            )
        )

    def comment(self, raw: str, pos: int, number: int, lines: list[_Line]) -> bool:
        """Handle a line that starts with ';'. True for a ';redcode' line."""
        kind, word, end = next_token(raw, pos)
        upper = word.upper() if kind == Kind.WORD else ""
        if upper == "REDCODE" and end == pos + 7:
            return True
        rest_start = end
        while rest_start < len(raw) and raw[rest_start] in BLANKS:
            rest_start += 1
        rest = raw[rest_start:]
        if upper == "NAME":
            self.name = rest or "Unknown"
        elif upper == "AUTHOR":
            self.author = rest or "Anonymous"
        elif upper == "STRATEGY":
            self.strategy.append(rest.rstrip())
        elif upper == "ASSERT":
            text = raw[:end] + raw[end:].split(";", 1)[0]
            lines.append(_Line(text, number, text))
        return False

    # -- expansion (pMARS's first pass) -------------------------------------------

    def expand(self, lines: list[_Line]) -> None:
        self.cursor = _Cursor(lines, 0)
        while self.cursor.index < len(lines) and self.keep_going:
            line = self.cursor.line
            self.reported_line = line
            dest = _Text()
            try:
                ctx = self.rewrite(line.text, 0, dest, _Ctx.START)
            except _LineAbort:
                ctx = _Ctx.ERROR
            if ctx == _Ctx.STATEMENT:
                self.emit(dest, self.cursor.line)
            elif ctx == _Ctx.ROF:
                self.reported_line = self.cursor.line
                self.error("FORERR", "Unopened FOR")
            self.cursor.index += 1
        if self.pending_labels:
            self.reported_line = None
            names = " ".join(reversed(self.pending_labels))
            self.warning("DLBERR", f"Discarding these labels: '{names}'")
            self.pending_labels = []

    def emit(self, dest: _Text, line: _Line) -> None:
        self.expanded.append(_Line(dest.value(), line.number, line.source, tuple(dest.spans)))

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_EXPANSION_STEPS:
            self.fatal("FOR/ROF or EQU expansion is too large; reduce the FOR counts or nesting")
        if self.instruction_count > MAX_INSTRUCTIONS:
            self.reported_line = None
            self.fatal(
                f"Lines generated by the source exceed the limit {MAX_INSTRUCTIONS}; "
                "ignoring code generation"
            )

    def append(self, dest: _Text, piece: str) -> None:
        if not dest.add(piece):
            self.error("BUFERR", "Buffer overflow. Substitution is too complex")
            raise _LineAbort

    def rewrite(self, text: str, pos: int, dest: _Text, ctx: _Ctx) -> _Ctx:
        """Rewrite one line (pMARS's trav2): returns what the line turned out to be."""
        self.step()
        while True:
            kind, token, pos = next_token(text, pos)
            if kind == Kind.NONE:
                return ctx
            if kind == Kind.COMMENT:
                if ctx == _Ctx.START and self.skip_depth == 0:
                    self.directive(text, pos, dest)
                return ctx
            if kind != Kind.WORD:
                if self.skip_depth:
                    return _Ctx.START
                if ctx <= _Ctx.LABELS:
                    self.error(
                        "TOKERR", f"Unrecognized or improper placement of token: '{token}'", token
                    )
                    return _Ctx.ERROR
                self.append(dest, token)
                continue

            upper = token.upper()
            if upper == "ROF":
                if self.skip_depth:
                    self.skip_depth -= 1
                    return _Ctx.ERROR
                if ctx <= _Ctx.LABELS:
                    return _Ctx.ROF
                self.error("APPERR", f"Improper placement of '{token}'", token)
                return _Ctx.ERROR
            if upper == "FOR":
                if self.skip_depth:
                    self.skip_depth += 1
                    return _Ctx.ERROR
                if ctx <= _Ctx.LABELS:
                    return self.for_block(text, pos, dest)
                self.error("APPERR", f"Improper placement of '{token}'", token)
                return _Ctx.ERROR
            if token == "CURLINE":
                if self.skip_depth:
                    return _Ctx.START
                if ctx > _Ctx.LABELS:
                    self.append(
                        dest, str(self.instruction_count) + (" " if blank_at(text, pos) else "")
                    )
                    continue
                self.error("MISC", "CURLINE is a reserved keyword", token)
                return _Ctx.ERROR
            if upper == "EQU":
                if self.skip_depth:
                    return _Ctx.START
                if ctx <= _Ctx.LABELS:
                    return self.equ(text, pos, dest)
                self.error("APPERR", f"Improper placement of '{token}'", token)
                return _Ctx.ERROR
            opcode = OPCODE_INDEX.get(upper)
            if opcode is not None:
                if self.skip_depth:
                    return _Ctx.START
                if ctx > _Ctx.LABELS:
                    self.error("APPERR", f"Improper placement of '{token}'", token)
                    return _Ctx.ERROR
                return self.statement(text, pos, dest, upper, opcode)
            if self.skip_depth:
                ctx = _Ctx.START
                continue
            token, pos = self.concatenate(text, pos, token)
            ref = self.lookup(token)
            if ref is not None:
                if ref.kind == _RefKind.TEXT:
                    if ref.visiting:
                        self.error("RECERR", f"Recursive reference of label '{token}'", token)
                        return _Ctx.ERROR
                    return self.substitute(text, pos, dest, ctx, ref, token)
                if ctx > _Ctx.LABELS:
                    if ref.kind == _RefKind.COUNTER:
                        value = f"{ref.value % 65536:02d}"
                    elif ctx == _Ctx.PSEUDO_OPERANDS:
                        value = str(ref.value)
                    else:
                        value = str(ref.value - self.instruction_count)
                    self.append(dest, value + (" " if blank_at(text, pos) else ""))
                    continue
                self.warning("IDNERR", f"Ignored, redefinition of label '{token}'", token)
                return _Ctx.ERROR
            if ctx <= _Ctx.LABELS:
                if len(self.pending_labels) < MAX_LABELS_PER_LINE:
                    self.pending_labels.append(token)
                else:
                    self.error(
                        "GRPERR", f"Too many labels for a declaration (last: '{token}')", token
                    )
                if pos < len(text) and text[pos] == ":":
                    pos += 1
                ctx = _Ctx.LABELS
                continue
            self.append(dest, token + (" " if blank_at(text, pos) else ""))

    def statement(self, text: str, pos: int, dest: _Text, upper: str, opcode: int) -> _Ctx:
        """An opcode where a statement may start: copy it and rewrite its operands."""
        end = pos
        while end < len(text) and text[end] not in BLANKS:
            end += 1
        head = upper + text[pos:end] + (" " if end < len(text) else "")
        self.append(dest, head)
        operands = _Ctx.OPERANDS if opcode < REAL_OPCODE_COUNT else _Ctx.PSEUDO_OPERANDS
        if self.rewrite(text, end, dest, operands) == _Ctx.ERROR:
            return _Ctx.ERROR
        if self.pending_labels:
            self.define(_Ref(_RefKind.LABEL, self.pending_labels, self.instruction_count))
            self.pending_labels = []
        if opcode < REAL_OPCODE_COUNT:
            self.instruction_count += 1
        elif opcode == END:
            self.keep_going = False
        return _Ctx.STATEMENT

    def concatenate(self, text: str, pos: int, token: str) -> tuple[str, int]:
        """``name&i&j``: append FOR counters (two digits) to a name."""
        ok = True
        while pos + 1 < len(text) and text[pos] == "&" and text[pos + 1] in LETTERS:
            _, part, pos = next_token(text, pos + 1)
            if not ok:
                break
            ref = self.lookup(part)
            if ref is not None and ref.kind == _RefKind.COUNTER:
                token += f"{ref.value % 65536:02d}"
            else:
                self.error("CATERR", f"Unable to derefer and concatenate symbol '{part}'", part)
                ok = False
        return token, pos

    def substitute(self, text: str, pos: int, dest: _Text, ctx: _Ctx, ref: _Ref, name: str) -> _Ctx:
        """Replace an EQU name by its text (pMARS's equsub); multi-line EQUs emit lines."""
        start, clears = dest.length, dest.clears
        self.depth += 1
        if self.depth > MAX_SUBSTITUTION_DEPTH:
            self.fatal("EQU substitutions are nested too deeply (or refer to each other)")
        ref.visiting = True
        saved_cursor, saved_line = self.cursor, self.reported_line
        self.cursor = _Cursor(ref.lines, 0)
        self.reported_line = self.cursor.line
        try:
            ctx = self.rewrite(self.cursor.line.text, 0, dest, ctx)
            while self.cursor.has_next() and self.keep_going:
                if self.skip_depth == 0 and ctx in (_Ctx.STATEMENT, _Ctx.OPERANDS):
                    self.emit(dest, self.cursor.line)
                self.cursor.index += 1
                self.reported_line = self.cursor.line
                dest.clear()
                ctx = self.rewrite(self.cursor.line.text, 0, dest, _Ctx.START)
        finally:
            self.cursor, self.reported_line = saved_cursor, saved_line
            ref.visiting = False
            self.depth -= 1
        if ref.lines and ref.lines[0].number is not None:  # a user's EQU, not a constant
            dest.spans.append(_Span(start if dest.clears == clears else 0, dest.length, name, ref))
        if blank_at(text, pos):
            dest.add(" ")
        return self.rewrite(text, pos, dest, ctx)

    def equ(self, text: str, pos: int, dest: _Text) -> _Ctx:
        """``labels EQU text``: define the labels as text, with EQU continuation lines."""
        if not self.pending_labels:
            self.warning("ANNERR", "Attempting to append a string to an undefined label")
            return _Ctx.OPERANDS
        ref = _Ref(_RefKind.TEXT, self.pending_labels)
        self.pending_labels = []
        self.define(ref)
        current = self.cursor.line
        ref.lines.append(_Line(text[pos:], current.number, current.source))
        while self.cursor.has_next():
            following = self.cursor.lines[self.cursor.index + 1]
            kind, word, end = next_token(following.text, 0)
            if kind == Kind.WORD and word.upper() == "EQU":
                self.cursor.index += 1
                ref.lines.append(_Line(following.text[end:], following.number, following.source))
            elif kind == Kind.COMMENT:
                self.cursor.index += 1
                self.reported_line = following
                self.directive(following.text, end, dest)
            else:
                break
        return _Ctx.OPERANDS

    def for_block(self, text: str, pos: int, dest: _Text) -> _Ctx:
        """``[labels] [index] FOR count`` ... ``ROF``: unroll the block."""
        index_name: list[str] = []
        if self.pending_labels:
            index_name = [self.pending_labels[-1]]
            others = self.pending_labels[:-1]
            if others:
                self.define(_Ref(_RefKind.LABEL, others, self.instruction_count))
            self.pending_labels = []
        dest.clear()
        self.rewrite(text, pos, dest, _Ctx.OPERANDS)
        status, count = self.evaluator.evaluate(dest.value())
        if status < Status.OK:
            self.expression_error(status)
            return _Ctx.FOR_BLOCK
        if status == Status.OVERFLOW:
            self.warning("OFLERR", "Arithmetic overflow detected")
        repeats = count % 65536 if count > 0 else 0
        if repeats == 0:
            self.skip_depth += 1
            return _Ctx.FOR_BLOCK
        counter = _Ref(_RefKind.COUNTER, index_name, 1, visiting=True)
        self.define(counter)
        start = self.cursor.index
        try:
            while self.keep_going and counter.value <= repeats:
                self.cursor.index = start
                while self.keep_going:
                    if not self.cursor.has_next():
                        self.reported_line = None
                        self.warning("ROFERR", "Unclosed ROF")
                        self.keep_going = False
                        break
                    self.cursor.index += 1
                    line = self.cursor.line
                    self.reported_line = line
                    dest.clear()
                    try:
                        ctx = self.rewrite(line.text, 0, dest, _Ctx.START)
                    except _LineAbort:
                        ctx = _Ctx.ERROR
                    if ctx == _Ctx.ROF:
                        break
                    if ctx == _Ctx.STATEMENT:
                        self.emit(dest, self.cursor.line)
                counter.value += 1
        finally:
            self.undefine(counter)
        return _Ctx.FOR_BLOCK

    def directive(self, text: str, pos: int, dest: _Text) -> None:
        """A ';assert' line inside the program: evaluate it against the settings."""
        kind, word, end = next_token(text, pos)
        if kind != Kind.WORD or word.upper() != "ASSERT":
            return
        self.rewrite(text, end, dest, _Ctx.OPERANDS)
        status, value = self.evaluator.evaluate(dest.value())
        if status < Status.OK:
            self.warning("BASERR", "Invalid ';assert' parameter")
            return
        if status == Status.OVERFLOW:
            self.warning("OFLERR", "Arithmetic overflow detected")
        self.no_assert = False
        if value == 0:
            self.error("CHKERR", "Assertion in this line fails")

    def expression_error(self, status: Status, equs: tuple[EquOrigin, ...] = ()) -> None:
        if status == Status.DIVIDE_BY_ZERO:
            self.error("DIVERR", "Division by zero", equs=equs)
        elif status == Status.TOO_DEEP:
            self.error("EVLERR", "Bad expression (nested too deeply)", equs=equs)
        else:
            self.error("EVLERR", "Bad expression", equs=equs)

    # -- encoding (pMARS's second pass) --------------------------------------------

    def encode(self) -> list[tuple[int, int, int, int, int, int]]:
        count = self.instruction_count
        if count > MAX_INSTRUCTIONS:
            self.reported_line = None
            self.error(
                "EXXERR",
                f"Lines generated by the source exceed the limit {MAX_INSTRUCTIONS}; "
                "ignoring code generation",
            )
            return []
        if count > self.settings.max_length:
            self.reported_line = None
            self.error(
                "LINERR", f"Too many instructions (about {count - self.settings.max_length} more)"
            )
        if count == 0:
            self.reported_line = None
            self.warning("ZLNERR", "No instructions")
            return []
        code: list[tuple[int, int, int, int, int, int]] = []
        self.instruction_count = 0
        for line in self.expanded:
            self.reported_line = line
            statement = self.parse_statement(line.text, line.spans)
            if statement is None or self.errors:
                continue
            a_text = statement.a_expr or "0"
            b_text = statement.b_expr or "0"
            if statement.opcode >= REAL_OPCODE_COUNT:
                status, value = self.evaluator.evaluate(b_text)
                if status < Status.OK:
                    self.expression_error(status, statement.b_equs)
                    continue
                if status == Status.OVERFLOW:
                    self.warning("OFLERR", "Arithmetic overflow detected")
                if statement.opcode == ORG:
                    self.offset = value % self.core_size
                elif statement.opcode == PIN:
                    self.pin = value
                elif value:
                    if self.offset:
                        self.warning("DOEERR", "Both opcodes ORG and END are used. Ignoring END")
                    else:
                        self.offset = value % self.core_size
                continue
            a_status, a_value = self.evaluator.evaluate(a_text)
            if a_status < Status.OK:
                self.expression_error(a_status, statement.a_equs)
                continue
            b_status, b_value = self.evaluator.evaluate(b_text)
            if b_status < Status.OK:
                self.expression_error(b_status, statement.b_equs)
                continue
            if Status.OVERFLOW in (a_status, b_status):
                self.warning("OFLERR", "Arithmetic overflow detected")
            code.append(
                (
                    statement.opcode,
                    statement.modifier,
                    statement.a_mode,
                    a_value % self.core_size,
                    statement.b_mode,
                    b_value % self.core_size,
                )
            )
            self.source_map.append(line.number or 0)
            self.instruction_count += 1
        if not 0 <= self.offset < count:
            self.reported_line = None
            self.warning("OFSERR", "Execution starts from outside of the program")
        return code

    def parse_statement(self, text: str, spans: tuple[_Span, ...] = ()) -> _Statement | None:
        """Parse a rewritten line into its parts (pMARS's automaton).

        ``spans`` say which characters of ``text`` came from EQUs; an error, or an
        operand's expression, names the EQUs its tokens came from.
        """
        frames: list[list] = [[text, 0, None]]
        at = 0  # where in ``text`` the last token read from it starts
        a_equs: dict[EquOrigin, None] = {}  # ordered sets
        b_equs: dict[EquOrigin, None] = {}

        def origins() -> dict[EquOrigin, None]:
            """The EQUs the current token came from: substituted in the expansion pass
            (spans), or now (a TEXT reference defined further down)."""
            found: dict[EquOrigin, None] = {}
            for span in spans:
                if span.start <= at < span.end:
                    found[_origin(span.name, span.ref)] = None
            for frame in frames[1:]:
                ref = frame[2]
                if ref.kind == _RefKind.TEXT and ref.lines and ref.lines[0].number is not None:
                    found[_origin(frame[3], ref)] = None
            return found

        state = _State.OPCODE
        opcode = -1
        modifier: int | None = None
        a_mode = b_mode = DIRECT
        a_expr = _Text()
        b_expr = _Text()
        complete = False
        held: tuple[Kind, str] | None = None

        def fail(kind: str, message: str, token: str = "") -> None:
            equs = tuple(origins())
            for frame in frames:
                if frame[2] is not None:
                    frame[2].visiting = False
            self.error(kind, message, token, equs)

        def add(buffer: _Text, piece: str) -> bool:
            if buffer.add(piece):
                return True
            fail("BUFERR", "Buffer overflow. Substitution is too complex")
            return False

        while True:
            if held is not None:
                kind, token = held
                held = None
            else:
                while True:
                    frame = frames[-1]
                    kind, token, frame[1] = next_token(frame[0], frame[1])
                    if len(frames) == 1:
                        at = frame[1] - len(token)
                    if kind != Kind.NONE or len(frames) == 1:
                        break
                    frames.pop()
                    frame[2].visiting = False
            if kind == Kind.NONE:
                break

            if state == _State.OPCODE:
                if kind != Kind.WORD or token.upper() not in OPCODE_INDEX:
                    fail("EXPERR", "Missing 'opcode'", token)
                    return None
                opcode = OPCODE_INDEX[token.upper()]
                if opcode < REAL_OPCODE_COUNT:
                    state = _State.MODIFIER_OR_OPERAND
                else:
                    state = _State.B_EXPRESSION
                complete = False
                continue

            if kind == Kind.WORD and state != _State.MODIFIER:
                ref = self.lookup(token)
                if ref is not None:
                    if ref.visiting:
                        fail("RECERR", f"Recursive reference of label '{token}'", token)
                        return None
                    if len(frames) > MAX_SUBSTITUTION_DEPTH:
                        fail("RECERR", f"Substitution of '{token}' is nested too deeply", token)
                        return None
                    if ref.kind == _RefKind.TEXT:
                        inner = ref.lines[0].text
                    elif state == _State.B_EXPRESSION and opcode >= REAL_OPCODE_COUNT:
                        inner = str(ref.value)
                    else:
                        inner = str(ref.value - self.instruction_count)
                    ref.visiting = True
                    frames.append([inner, 0, ref, token])
                    continue
                if len(token) > 1:
                    fail("SNFERR", f"Undefined label or symbol: '{token}'", token)
                    return None
                # a single letter that is no label is a register
                if state in (_State.MODIFIER_OR_OPERAND, _State.A_OPERAND):
                    state, held = _State.A_EXPRESSION, (kind, token)
                elif state == _State.B_OPERAND:
                    state, held = _State.B_EXPRESSION, (kind, token)
                else:
                    target = a_expr if state == _State.A_EXPRESSION else b_expr
                    if not add(target, token):
                        return None
                    (a_equs if target is a_expr else b_equs).update(origins())
                    complete = True
                continue

            if state in (_State.MODIFIER_OR_OPERAND, _State.A_OPERAND, _State.B_OPERAND):
                if state == _State.MODIFIER_OR_OPERAND and kind == Kind.DOT:
                    state = _State.MODIFIER
                    continue
                if kind == Kind.MODE:
                    if state == _State.B_OPERAND:
                        b_mode, state = MODES.index(token), _State.B_EXPRESSION
                    else:
                        a_mode, state = MODES.index(token), _State.A_EXPRESSION
                    continue
                if kind in (Kind.NUMBER, Kind.OPERATOR):
                    state = (
                        _State.B_EXPRESSION if state == _State.B_OPERAND else _State.A_EXPRESSION
                    )
                    held = (kind, token)
                    continue
                if state == _State.MODIFIER_OR_OPERAND:
                    fail("APPERR", f"Improper placement of '{token}'", token)
                else:
                    term = "B-term" if state == _State.B_OPERAND else "A-term"
                    fail("EXPERR", f"Missing '{term}'", token)
                return None

            if state == _State.MODIFIER:
                if kind == Kind.WORD and token.upper() in MODIFIER_NUMBER:
                    modifier = MODIFIER_NUMBER[token.upper()]
                    state = _State.A_OPERAND
                    continue
                fail("EXPERR", "Missing 'modifier'", token)
                return None

            # A_EXPRESSION or B_EXPRESSION
            target = a_expr if state == _State.A_EXPRESSION else b_expr
            if kind == Kind.COMMA and state == _State.A_EXPRESSION:
                state = _State.B_OPERAND
                complete = False
                continue
            if kind == Kind.MODE:
                if token not in "<>*":
                    fail("APPERR", f"Improper placement of '{token}'", token)
                    return None
                piece = token
            elif kind == Kind.NUMBER:
                piece = token + " "
            elif kind == Kind.OPERATOR:
                piece = token
            else:
                fail("APPERR", f"Improper placement of '{token}'", token)
                return None
            if not add(target, piece):
                return None
            (a_equs if target is a_expr else b_equs).update(origins())
            complete = True

        if state in (
            _State.MODIFIER_OR_OPERAND,
            _State.MODIFIER,
            _State.A_OPERAND,
            _State.B_OPERAND,
        ):
            complete = False
        a_text, b_text = a_expr.value(), b_expr.value()
        if opcode >= REAL_OPCODE_COUNT:
            return _Statement(
                opcode, 0, a_mode, b_mode, a_text, b_text, tuple(a_equs), tuple(b_equs)
            )
        if not complete:
            self.error("SYNERR", "Syntax error")
            return None
        if not b_text:
            if opcode == DAT:
                b_mode, b_text = a_mode, a_text
                a_mode, a_text = IMMEDIATE, "0"
                a_equs, b_equs = {}, a_equs
            elif opcode in (SPL, JMP, NOP):
                b_mode, b_text = DIRECT, "0"
            else:
                self.error("NOPERR", f"Incomplete operand at instruction '{OPCODES[opcode]}'")
                return None
        if modifier is None:
            modifier = default_modifier(opcode, a_mode, b_mode)
        return _Statement(
            opcode, modifier, a_mode, b_mode, a_text, b_text, tuple(a_equs), tuple(b_equs)
        )

    # -- the whole run -----------------------------------------------------------

    def run(self) -> AssemblyResult:
        code: list[tuple[int, int, int, int, int, int]] = []
        try:
            if len(self.source_text) > MAX_SOURCE_BYTES:
                self.fatal(
                    f"the source is {len(self.source_text):,} characters long; "
                    f"at most {MAX_SOURCE_BYTES:,} are accepted"
                )
            self.predefine()
            lines = self.read()
            self.expand(lines)
            self.reported_line = None
            if self.no_assert:
                self.warning(
                    "NASERR", "Missing ';assert'. Warrior may not work with the current setting"
                )
            code = self.encode()
        except _GiveUp:
            pass
        except RecursionError:
            self.messages.append(Message("error", "Input is nested too deeply", None, None))
            self.diagnostics.append(Diagnostic("error", "input is nested too deeply", self.file))
            self.errors += 1
        warrior = None
        if not self.errors:
            warrior = Warrior.from_fields(
                name=self.name,
                author=self.author,
                strategy="\n".join(self.strategy),
                start=self.offset,
                pin=self.pin,
                instructions=code,
                source_lines=self.source_map,
                core_size=self.core_size,
                file=self.file,
                warnings=tuple(self.diagnostics),
            )
        return AssemblyResult(warrior, tuple(self.diagnostics), tuple(self.messages), self.file)


def _origin(name: str, ref: _Ref) -> EquOrigin:
    first = ref.lines[0]
    return EquOrigin(name, first.number or 0, first.source)


def _physical_lines(text: str, on_split: Callable[[int], None]) -> Iterator[str]:
    """Lines as pMARS's reader sees them: split at newlines, cut at CR and NUL, and
    read in pieces of at most MAX_LINE_CHARS characters."""
    for number, line in enumerate(text.split("\n"), start=1):
        for cut in ("\r", "\0"):
            index = line.find(cut)
            if index >= 0:
                line = line[:index]
        if len(line) > MAX_LINE_CHARS:
            on_split(number)
        while len(line) > MAX_LINE_CHARS:
            yield line[:MAX_LINE_CHARS]
            line = line[MAX_LINE_CHARS:]
        yield line


def _column_of(source: str, token: str) -> int:
    """1-based column of ``token`` in ``source`` (or of the first non-blank character)."""
    if token:
        index = source.find(token)
        if index < 0:
            index = source.upper().find(token.upper())
        if index >= 0:
            return index + 1
    stripped = len(source) - len(source.lstrip())
    return stripped + 1


def assemble(
    text: str, settings: Settings = DEFAULT_SETTINGS, *, file: str | None = None
) -> AssemblyResult:
    """Assemble Redcode text. Never raises for any input text."""
    if not isinstance(text, str):
        text = str(text)
    return _Assembly(text, settings, file).run()


def unreadable(name: str, message: str) -> AssemblyResult:
    """The result for a file that could not be read (pMARS reports it as an error)."""
    return AssemblyResult(
        None,
        (Diagnostic("error", message, name),),
        (Message("error", message, None, None),),
        name,
    )


def pmars_report(result: AssemblyResult) -> str:
    """The messages as pMARS prints them on stderr (empty when there are none)."""
    out: list[str] = []
    for message in result.messages:
        word = "Error" if message.severity == "error" else "Warning"
        if message.line is None:
            out.append(f"{word}:\n        {message.text}\n")
        else:
            out.append(
                f"{word} in line {message.line}: '{message.source}'\n        {message.text}\n"
            )
    errors = sum(m.repeats for m in result.messages if m.severity == "error")
    warnings = sum(m.repeats for m in result.messages if m.severity == "warning")
    if errors:
        out.append(f"Number of errors: {errors}\n")
    if warnings:
        out.append(f"Number of warnings: {warnings}\n")
    for message in reversed(result.messages):
        if message.repeats > 1 and message.line is not None:
            out.append(
                f"Duplicate errors/warnings found in line {message.line} ({message.repeats})\n"
            )
    if errors or warnings:
        out.append("\n")
    return "".join(out)
