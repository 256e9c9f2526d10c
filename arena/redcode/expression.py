"""The Redcode expression evaluator: pMARS's precedence, its quirks and its C arithmetic.

Expressions are evaluated by this small parser only; warrior text is never handed to
Python's ``eval``. Semantics follow pMARS 0.9.4:

* numbers are 64-bit signed C ``long``s: results wrap, ``/`` and ``%`` truncate toward
  zero, and an overflow is a warning, not an error;
* precedence, high to low: unary ``- + !``; ``* / %``; ``+ -``; all six comparisons at one
  level; ``&&``; ``||``; comparisons and logic give 0 or 1;
* a single letter is one of 26 registers (case-insensitive) that keep their values for
  the whole assembly; ``x=expr`` assigns to one;
* pMARS's operator-precedence loop, including its "push back" of an operator that ends a
  sub-expression, is reproduced step for step so that odd inputs agree with it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from arena.redcode.tokens import BLANKS, DIGITS, LETTERS

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_DIGITS = 20  # pMARS reads at most this many digits of one number
MAX_NESTING = 300  # parentheses and unary operators; deeper input is rejected
# (pMARS's 256-character expression buffer never needs more than 255 levels)


class Status(IntEnum):
    """pMARS's evaluation status: negative values are errors."""

    OVERFLOW = 1
    OK = 0
    BAD = -1
    DIVIDE_BY_ZERO = -2
    TOO_DEEP = -3  # ours: nesting beyond MAX_NESTING


_IDENTITY = "id"  # the operator pMARS uses to start an evaluation
_PRECEDENCE = {
    "*": 5, "/": 5, "%": 5,
    "+": 4, "-": 4,
    "<": 3, ">": 3, "==": 3, "!=": 3, "<=": 3, ">=": 3,
    "&&": 2,
    "||": 1,
}  # fmt: skip
_DIGRAPHS = {"&": "&", "|": "|", "=": "=", "!": "=", "<": "=", ">": "="}


def _wrap(value: int) -> int:
    """Reduce to a signed 64-bit value, as C arithmetic on ``long`` does."""
    return (value - INT64_MIN) % 2**64 + INT64_MIN


def _c_div(x: int, y: int) -> int:
    quotient = abs(x) // abs(y)
    return quotient if (x < 0) == (y < 0) else -quotient


class _TooDeep(Exception):
    pass


@dataclass
class Evaluator:
    """Evaluates expression strings; holds the 26 registers across calls."""

    registers: list[int] = field(default_factory=lambda: [0] * 26)

    def evaluate(self, text: str) -> tuple[Status, int]:
        """(status, value) of ``text``; status < 0 means the expression is unusable."""
        self._text = text
        self._pos = 0
        self._status = Status.OK
        self._pushed_back: str | None = None
        self._depth = 0
        try:
            value = self._eval(-1, 0, _IDENTITY)
        except _TooDeep:
            return Status.TOO_DEEP, 0
        if self._pos < len(text):
            self._status = Status.BAD  # characters left over
        return self._status, value

    # -- pMARS's algorithm ------------------------------------------------------

    def _peek(self) -> str:
        return self._text[self._pos] if self._pos < len(self._text) else ""

    def _skip_blanks(self) -> None:
        text, pos = self._text, self._pos
        while pos < len(text) and text[pos] in BLANKS:
            pos += 1
        self._pos = pos

    def _eval(self, previous_precedence: int, left: int, operator: str) -> int:
        """Evaluate ``left operator <rest>`` until an operator binds looser than the caller's."""
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise _TooDeep
        try:
            while True:
                self._pushed_back = None
                right = self._value()
                self._skip_blanks()
                if self._peek() in ("", ")"):
                    return self._apply(left, right, operator)
                following = self._operator()
                p1 = _PRECEDENCE.get(operator, 0)
                p2 = _PRECEDENCE.get(following, 0)
                if p1 >= p2:
                    if p2 > previous_precedence:
                        left, operator = self._apply(left, right, operator), following
                        continue
                    self._pushed_back = following
                    return self._apply(left, right, operator)
                inner = self._eval(p1, right, following)
                result = self._apply(left, inner, operator)
                pushed = self._pushed_back
                if pushed is not None and _PRECEDENCE.get(pushed, 0) >= previous_precedence:
                    left, operator = result, pushed
                    continue
                return result
        finally:
            self._depth -= 1

    def _operator(self) -> str:
        ch = self._peek()
        self._pos += 1
        second = _DIGRAPHS.get(ch)
        if second is not None and self._peek() == second:
            self._pos += 1
            return ch + second
        return ch

    def _value(self) -> int:
        """One operand: a number, a register (maybe assigned), or a prefixed/parenthesised one."""
        prefixes: list[str] = []
        while True:
            self._skip_blanks()
            ch = self._peek()
            if ch in ("-", "!", "+"):
                prefixes.append(ch)
                self._pos += 1
                if len(prefixes) > MAX_NESTING:
                    raise _TooDeep
                continue
            break
        if ch == "(":
            self._pos += 1
            value = self._eval(-1, 0, _IDENTITY)
            if self._peek() != ")":
                self._status = Status.BAD
            self._pos += 1
        elif ch in LETTERS:
            self._pos += 1
            value = self._register(ord(ch.upper()) - ord("A"))
        else:
            start = self._pos
            while self._pos < len(self._text) and self._text[self._pos] in DIGITS:
                if self._pos - start == MAX_DIGITS:
                    break
                self._pos += 1
            digits = self._text[start : self._pos]
            if not digits:
                self._status = Status.BAD
                value = 0
            else:
                value = min(int(digits), INT64_MAX)
        for prefix in reversed(prefixes):
            if prefix == "-":
                value = _wrap(-value)
            elif prefix == "!":
                value = 0 if value else 1
        return value

    def _register(self, index: int) -> int:
        self._skip_blanks()
        text, pos = self._text, self._pos
        if pos < len(text) and text[pos] == "=" and (pos + 1 >= len(text) or text[pos + 1] != "="):
            self._pos += 1
            value = self._eval(-1, 0, _IDENTITY)
            self.registers[index] = value
            return value
        return self.registers[index]

    def _apply(self, x: int, y: int, operator: str) -> int:
        if operator == "+":
            return self._checked(x + y)
        if operator == "-":
            return self._checked(x - y)
        if operator == "*":
            return self._checked(x * y)
        if operator in ("/", "%"):
            if y == 0:
                self._status = Status.DIVIDE_BY_ZERO
                return 0
            quotient = _c_div(x, y)
            return _wrap(quotient) if operator == "/" else x - y * quotient
        if operator == _IDENTITY:
            return y
        comparisons = {
            "&&": lambda: bool(x) and bool(y),
            "||": lambda: bool(x) or bool(y),
            "==": lambda: x == y,
            "!=": lambda: x != y,
            "<": lambda: x < y,
            ">": lambda: x > y,
            "<=": lambda: x <= y,
            ">=": lambda: x >= y,
        }
        test = comparisons.get(operator)
        if test is None:
            self._status = Status.BAD
            return 0
        return 1 if test() else 0

    def _checked(self, value: int) -> int:
        if not INT64_MIN <= value <= INT64_MAX and self._status == Status.OK:
            self._status = Status.OVERFLOW
        return _wrap(value)
