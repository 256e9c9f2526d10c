"""pMARS's line debugger, cdb, as a command interpreter over a battle (no UI here).

It takes cdb's commands by their names and abbreviations (cdb decodes a verb by its first
three letters, so ``l``, ``li``, ``list`` and ``listing`` are all ``list``), its ranges
(``100``, ``0,9``, ``,+20``, ``pc-10,pc+10``, ``.``, ``$``, ``A``, ``B``, ``PC2``,
registers ``C``..``Z``) and its output formats, so a player's habits and notes carry
over. Expressions go through ``arena.redcode.expression`` (never Python's eval).

``Cdb.execute(line)`` returns an ``Output``; it never raises for any input. ``go`` and
``continue`` either run inline (tests, scripts) or, with ``run_inline=False``, ask the
caller to run the battle (the TUI animates it in a worker) and to call ``after_run``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from arena.debug.breakpoints import Breakpoint, Breakpoints, Hit
from arena.mars.debugger import Debugger
from arena.mars.layout import EMPTY_INS, pack_ins
from arena.redcode.assembler import assemble
from arena.redcode.expression import Evaluator, Status
from arena.redcode.model import MODES, MODIFIERS, OPCODES
from arena.settings import Settings

PROMPT = "(cdb) "
LIST_LIMIT = 2000  # most lines one command prints (cdb pages instead)
TEXT_LINES = 23  # cdb's LINES symbol without a display
FOREVER = 1 << 60  # "until something stops us"

# cdb decodes a verb by its first three letters (pMARS's hash_str over VERBLEN = 3)
_VERBS: dict[str, tuple[str, ...]] = {
    "calc": ("CAL", "CA"),
    "clear": ("CLS", "CLE", "CL"),
    "close": ("CLO",),
    "continue": ("CON", "CO", "C"),
    "display": ("DIS", "DI", "D"),
    "echo": ("ECH", "EC"),
    "edit": ("EDI", "ED", "E"),
    "execute": ("EXE", "EX", "XEC", "XE", "X"),
    "fill": ("FIL", "FI", "F"),
    "go": ("GO", "G"),
    "help": ("HEL", "HE", "H"),
    "if": ("IF",),
    "list": ("LIS", "LI", "L", ""),
    "macro": ("MAC", "MA", "M"),
    "moveable": ("MOV", "MO"),
    "progress": ("PRO", "PR", "P"),
    "pqueue": ("PQU", "PQ"),
    "pspace": ("PSP", "PS"),
    "quit": ("QUI", "QU", "Q"),
    "registers": ("REG", "RE", "R"),
    "remark": ("REM",),
    "reset": ("RES",),
    "search": ("SEA", "SE"),
    "shell": ("SHE", "SH"),
    "skip": ("SKI", "SK"),
    "step": ("STE", "ST", "S"),
    "switch": ("SWI", "SW"),
    "thread": ("THR", "TH"),
    "trace": ("TRA", "TR", "T"),
    "untrace": ("UNT", "UN", "U"),
    "write": ("WRI", "WR", "W"),
    "wqueue": ("WQU", "WQ"),
    # not cdb's: breakpoints on writes and process counts (see ``break help``)
    "break": ("BRE", "BR", "B"),
}
VERBS: dict[str, str] = {key: name for name, keys in _VERBS.items() for key in keys}
_NOT_HERE = {"display", "switch", "close", "macro", "if", "reset", "shell", "write"}

CORE, QUEUE, WARRIOR, PSPACE = "core", "queue", "warrior", "pspace"

HELP = """\
Command groups:
Executing:    continue execute  go       skip     step     thread
Listing:      list     search
Tracing:      trace    untrace  moveable break
Editing:      edit     fill
Information:  help     progress registers calc     echo     remark
Others:       pqueue   wqueue   pspace   clear    quit

Command description, shortest abbreviation in ():
(ca)lc expr1[,expr2]   calculate expression(s) and echo result(s)
(cl)ear                clear the cdb log
(c)ontinue *           finish the battle, every round, ignoring trace points
(ec)ho string          print string
(e)dit [range]         edit core addresses (one instruction per prompt)
(e(x))ecute [address]  reset process queue to [address] and step
(f)ill [range]         fill core addresses with instruction
(g)o *                 execute until next trace point or end of round
(h)elp                 show this command summary
(l)ist [range]         list core addresses (a trace point shows T)
(mo)veable on|off      trace points here stay on their address (off)
(pq)ueue [1|2|off]     enter/exit process queue mode
(ps)pace [1|2|off]     enter/exit P-space mode
(p)rogress             show result of the battle so far
(q)uit                 leave the command line
(r)egisters            show simulator state
(rem)ark string        comment
(se)arch pattern       search for wildcarded pattern (* ?) in core
(sk)ip [count]         execute [count]+1 steps silently
(s)tep *               execute next queued instruction
(th)read *             step through current thread
(t)race [range]        set trace points (stop before executing)
(u)ntrace [range]      clear trace points
(wq)ueue [off]         enter/exit warrior queue mode
(b)reak ...            more breakpoints: break help
* [address]            set PC to [address], then continue|go|..
range: { e | e,e | e, | ,e | , }
    e: { [0-9]* | . | $ | A | B | PC | PC1 | PC2 | CYCLE | ROUND | LINES |
         +e | -e | e+e | e-e | e*e | e/e | e%e | !e | e==e | e!=e |
         e<e | e>e | e<=e | e>=e | e&&e | e||e | [C-Z] | [C-Z]=e | (e) }
chain: command~command (the next link answers edit and fill); <Enter> repeats"""

BREAK_HELP = """\
break                  list breakpoints (numbered from 1)
break exec RANGE       stop before an instruction in RANGE runs (= trace)
break write RANGE      stop after an instruction writes a cell in RANGE
break procs W N        stop when warrior W (1, 2, ..) has N processes
break toggle N         enable/disable breakpoint N
break delete N         remove breakpoint N
break clear            remove every breakpoint
break keep on|off      keep breakpoints when a round starts (on) or drop them as cdb does"""


class StepReportLike(Protocol):
    executed: int
    breakpoint: int | None
    hit: Hit | None
    round_ended: bool


class CdbTarget(Protocol):
    """What cdb drives: a battle with breakpoints (the TUI's ``BattleSession`` is one)."""

    settings: Settings
    breakpoints: Breakpoints
    scores: list[list[int]]
    survivals: list[list[int]]
    battle_over: bool

    @property
    def debugger(self) -> Debugger: ...

    @property
    def names(self) -> tuple[str, ...]: ...

    def step(self, count: int = 1, *, breakpoints: bool = True) -> StepReportLike: ...

    def next_round(self) -> bool: ...

    def edited(self, cells: Iterable[int]) -> None: ...


@dataclass(frozen=True)
class Command:
    """One link of a command line, split as cdb splits it."""

    name: str  # canonical command name; "" if the verb is unknown
    verb: str  # the verb as typed
    arg: str  # the rest, stripped
    silent: int = 0  # 1: '@' (no screen output), 2: '&'


def parse_command(text: str) -> Command:
    """Split ``[@|&] verb args`` the way cdb does: the verb is the leading letters."""
    s = text.strip()
    silent = 0
    if s[:1] in ("@", "&"):
        silent = 1 if s[0] == "@" else 2
        s = s[1:].lstrip()
    m = re.match(r"[A-Za-z]*", s)
    verb = m.group(0) if m else ""
    arg = s[len(verb) :].strip()
    return Command(VERBS.get(verb[:3].upper(), ""), verb, arg, silent)


@dataclass
class Output:
    """What one ``execute`` produced, for the caller to show."""

    lines: list[str] = field(default_factory=list)
    run: str | None = None  # "go" or "continue": run the battle, then call after_run
    clear: bool = False  # the user asked to clear the log
    quit: bool = False  # leave the command line
    changed: bool = False  # the battle changed (redraw)


class _BadArgument(Exception):
    pass


@dataclass
class _Pending:
    """An edit or fill waiting for its instruction (cdb reads it as the next input)."""

    kind: str  # "edit" | "fill"
    start: int
    stop: int  # unfolded: start <= stop, may pass the end of the target
    prompt: str


class Cdb:
    """One cdb session on a target; keeps cdb's state between commands."""

    def __init__(self, target: CdbTarget, *, run_inline: bool = True) -> None:
        self.target = target
        self.run_inline = run_inline
        self.mode = CORE
        self.qw = 0  # the warrior whose queue or P-space is shown
        self.cur = self._pc()  # '.', the address displayed last
        self.range = (self.cur, self.cur)  # the last range, for commands without one
        self.last_line = ""
        self.evaluator = Evaluator()
        self.pending: _Pending | None = None
        self._chain: list[str] = []  # links still to run after go/continue

    # ---- the battle, as cdb sees it
    @property
    def d(self) -> Debugger:
        return self.target.debugger

    @property
    def s(self) -> int:
        return self.target.settings.core_size

    @property
    def warriors(self) -> int:
        return self.d.n

    def _current(self) -> int:
        """The warrior about to execute (cdb's W); the first mover once the round is over."""
        w = self.d.next_warrior
        return w if w >= 0 else self.d.starter

    def _pc_of(self, w: int) -> int:
        q = self.d.queue(w) if self.d.tasks(w) else []
        return q[0] if q else 0

    def _pc(self) -> int:
        return self._pc_of(self._current())

    def _size(self) -> int:
        if self.mode == QUEUE:
            return max(self.d.tasks(self.qw), 1)
        if self.mode == WARRIOR:
            return self.warriors
        if self.mode == PSPACE:
            return self.d.pspace.size
        return self.s

    def _fold(self, n: int) -> int:
        return n % self._size()

    def _select(self, index: int) -> int:
        """cdb's targetSelect: the core address behind ``index`` in this mode."""
        if self.mode == QUEUE:
            q = self.d.queue(self.qw)
            return q[index % len(q)] if q else 0
        if self.mode == WARRIOR:
            return self._pc_of(index % self.warriors)
        return index % self.s

    # ---- expressions and ranges
    def _symbols(self, text: str) -> str:
        """Replace cdb's address symbols by numbers; registers C..Z stay for the evaluator."""
        d = self.d
        out: list[str] = []
        pos = 0
        for m in re.finditer(r"[A-Z_][A-Z0-9_]*", text):
            out.append(text[pos : m.start()])
            word = m.group(0)
            pos = m.end()
            if word in ("A", "B"):
                if self.mode == PSPACE:
                    value = int(d.pspace.index[self.qw])
                else:
                    _op, _mod, _am, a, _bm, b = d.cell(self._select(self.cur))
                    value = a if word == "A" else b
            elif word == "PC" or (word.startswith("PC") and word[2:].isdigit()):
                n = int(word[2:]) if len(word) > 2 else 0
                if n and not 1 <= n <= self.warriors:
                    raise _BadArgument(word)
                if self.mode in (QUEUE, PSPACE):
                    value = 0
                elif self.mode == WARRIOR:
                    value = n - 1 if n else self._current()
                else:
                    value = self._pc_of(n - 1) if n else self._pc()
            elif word == "CYCLE":
                alive = max(d.alive, 1)
                value = (d.budget + alive - 1) // alive
            elif word == "ROUND":
                value = d.round
            elif word == "LINES":
                value = TEXT_LINES
            elif len(word) == 1 and "C" <= word <= "Z":
                out.append(word)
                continue
            else:
                raise _BadArgument(word)
            out.append(str(value))
        out.append(text[pos:])
        return "".join(out)

    def evaluate(self, text: str) -> int:
        """One cdb expression; ``+e``/``-e`` are relative to '.'; raises _BadArgument."""
        t = text.strip().upper()
        if t[:1] in ("+", "-"):
            t = "." + t
        t = t.replace(".", str(self.cur)).replace("$", str(self._size() - 1))
        status, value = self.evaluator.evaluate(self._symbols(t))
        if status < Status.OK:
            raise _BadArgument(text)
        return value

    def parse_range(self, arg: str) -> tuple[int, int, bool]:
        """(start, stop, had a comma) of ``arg``; missing ends are '.', nothing is the
        last range, as cdb's parse_cmd does."""
        first, comma, second = arg.partition(",")
        first, second = first.strip(), second.strip()
        a = self.evaluate(first) if first else None
        b = self.evaluate(second) if second else None
        if a is None and b is None:
            start, stop = self.range
        elif a is not None and b is not None:
            start, stop = a, b
        elif a is not None:
            start, stop = (a, self.cur) if comma else (a, a)
        else:
            start, stop = self.cur, b  # type: ignore[assignment]
        self.range = (start, stop)
        return start, stop, bool(comma)

    # ---- formatting, as cdb prints
    def cellview(self, address: int, *, show_empty: bool = False) -> str:
        """pMARS's cellview: ``MOV.I  $     2, @     2`` plus ``T`` for a trace point."""
        op, mod, am, a, bm, b = self.d.cell(address)
        traced = address % self.s in self.target.breakpoints.exec_addresses()
        empty = pack_ins(op, mod, am, bm) == EMPTY_INS and a == 0 and b == 0
        if empty and not traced and not show_empty:
            return ""
        half = self.s // 2

        def signed(x: int) -> int:
            return x - self.s if x > half else x

        return (
            f"{OPCODES[op]:>3}.{MODIFIERS[mod]:<2} {MODES[am]}{signed(a):6d},"
            f" {MODES[bm]}{signed(b):6d} {'T' if traced else '':>4}"
        )

    def view(self, index: int) -> str:
        """One line of ``list`` in the current mode (locview, queueview, ...)."""
        if self.mode == QUEUE:
            where = self._select(index)
            return f"{index:<4d}->{where:05d}   {self.cellview(where)}"
        if self.mode == WARRIOR:
            if not self.d.tasks(index):
                return f"#{index:<2d}:  -----   (no processes)"
            where = self._pc_of(index)
            return f"#{index:<2d}:  {where:05d}   {self.cellview(where)}"
        if self.mode == PSPACE:
            value = self.d.pspace_cell(self.qw, index % self.d.pspace.size)
            return f"[{index:4d}]={value:<5d}"
        return f"{index:05d}   {self.cellview(index)}"

    def listing(self, start: int, stop: int) -> list[str]:
        size = self._size()
        lines = [self.view(start)]
        while start != stop:
            start = start + 1 if start + 1 < size else 0
            if len(lines) >= LIST_LIMIT:
                lines.append(f"... (stopped after {LIST_LIMIT} lines)")
                break
            lines.append(self.view(start))
        return lines

    def registers(self) -> list[str]:
        """cdb's ``registers``: round, cycle, the current warrior's queue and P-space."""
        d = self.d
        names = self.target.names
        alive = max(d.alive, 1)
        lines = [f"Round {d.round:<3d} of {d.rounds:<10d} Cycle {(d.budget + alive - 1) // alive}"]
        half = 7 if self.s <= 10000 else 5
        w = self._current()
        lines.append(f"Currently executing warrior {w}: {names[w]:<30}")
        lines += self._queue_lines(w, half, current=True)
        if self.warriors == 2:
            other = 1 - w
            lines.append(f"Other warrior: {names[other]:<30}")
            lines += self._queue_lines(other, half, current=False)
        elif self.warriors > 2:
            for o in range(self.warriors):
                if o != w:
                    n = d.tasks(o)
                    lines.append(
                        f"Warrior {o}: {names[o]} at address [{self._pc_of(o)}] has {n}"
                        f" active process{'' if n == 1 else 'es'}"
                    )
            lines.append(f"{d.alive} of {self.warriors} warriors are alive")
        if d.round_over:
            lines.append(f"End of round {d.round}")
        return lines

    def _queue_lines(self, w: int, half: int, *, current: bool) -> list[str]:
        d = self.d
        q = d.queue(w)
        n = len(q)
        text = f"Processes active {n:<6d} Process queue:"
        many = n > 2 * half if current else n >= 2 * half
        if many:
            past, future = half, half
        else:
            past = n >> 1
            future = n - past
        parts = [".."] if many else []
        parts += [str(x) for x in q[n - past :]] if past else []
        if q:
            parts.append(f"[{q[0]}]->")
            parts += [str(x) for x in q[1:future]]
        if n > 2 * half:
            parts.append("..")
        ps = d.pspace
        cells = " ".join(str(d.pspace_cell(w, k)) for k in range(1, min(10, ps.size)))
        return [
            text,
            " ".join(parts),
            f"P-space[{int(ps.index[w])}]: <{int(ps.last_result[w])}> {cells} ..",
        ]

    def progress(self) -> list[str]:
        """cdb's ``progress``: pMARS's score line per warrior, W L T for two."""
        t = self.target
        n = self.warriors
        lines = []
        for w in range(n):
            author = getattr(self.d.warriors[w], "author", "") or "Anonymous"
            survived = t.survivals[w] if w < len(t.survivals) else []
            score = sum(c * ((n * n - 1) // (k + 1)) for k, c in enumerate(survived))
            lines.append(f"{t.names[w]} by {author} scores {score}")
            if n > 2:
                losses = t.scores[w][1]
                lines.append("  Results: " + " ".join(map(str, [*survived, losses])))
        if n == 2:
            wins, losses, ties = t.scores[0]
            lines.append(f"Results: {wins} {losses} {ties}")
        return lines

    # ---- entering cdb (after a step, a run, a mode change)
    def enter(self, message: str = "") -> list[str]:
        """What cdb prints when it takes over: a message, then the current address."""
        if self.mode == QUEUE:
            self.cur = 0
        elif self.mode == WARRIOR:
            self.cur = self._current()
        elif self.mode == CORE:
            self.cur = self._pc()
        lines = [message] if message else []
        if self.d.round_over:
            lines.append(f"End of round {self.d.round}")
        lines.append(self.view(self.cur))
        return lines

    def _stop_message(self, report: StepReportLike) -> str:
        hit = report.hit
        if hit is None or hit.breakpoint.kind == "exec":
            return ""
        return "Stopped: " + hit.breakpoint.describe(self.target.names)

    # ---- the command loop
    @property
    def prompt(self) -> str:
        return self.pending.prompt if self.pending else PROMPT

    def execute(self, line: str) -> Output:
        """Run one input line (a command chain, or the answer an edit/fill waits for)."""
        out = Output()
        try:
            self._line(line, out)
        except Exception as exc:  # a bug must not take the screen down: say it, go on
            out.lines.append(f"Error: {type(exc).__name__}: {exc}")
            self.pending = None
            self._chain = []
        return out

    def _line(self, line: str, out: Output) -> None:
        if self.pending is not None:
            links = line.split("~")
            self._answer(links[0], out)
            self._run_links(links[1:], out)
            return
        if not line.strip():
            line = self.last_line  # <Enter> repeats the last command (chain)
            if not line:
                return
        elif not line[0].isspace():
            self.last_line = line
        links = line.split("~")
        if any(link.strip().startswith("!") for link in links):
            out.lines.append("Loops (!) are not supported here; use ~ to chain commands")
            return
        self._run_links(links, out)

    def _run_links(self, links: list[str], out: Output) -> None:
        previous = ""
        for i, link in enumerate(links):
            if self.pending is not None:
                self._answer(link, out)
                continue
            if not link.strip() and i > 0:
                link = previous  # an empty link repeats the one before
            previous = link
            self._command(link, out)
            if out.run is not None:
                self._chain = links[i + 1 :]
                return

    def _command(self, text: str, out: Output) -> None:
        cmd = parse_command(text)
        shown: list[str] = []
        try:
            self._dispatch(cmd, shown, out)
        except _BadArgument:
            out.lines.append(f'Bad argument "{cmd.arg}"')
            return
        except ValueError as exc:
            out.lines.append(str(exc))
            return
        if not cmd.silent:
            out.lines.extend(shown)

    def _dispatch(self, cmd: Command, shown: list[str], out: Output) -> None:
        name, arg = cmd.name, cmd.arg
        d = self.d
        if name == "":
            out.lines.append(f'Unknown command "{(cmd.verb + " " + arg).strip()}"')
        elif name == "list":
            start, stop, _ = self.parse_range(arg)
            self.cur = self._fold(stop)
            shown += self.listing(self._fold(start), self.cur)
        elif name == "calc":
            if not arg:
                raise _BadArgument(arg)
            start, stop, comma = self.parse_range(arg)
            shown.append(f"{start},{stop}" if comma else f"{start}")
        elif name == "help":
            shown += (BREAK_HELP if arg.lower().startswith("b") else HELP).splitlines()
        elif name == "registers":
            shown += self.registers()
        elif name == "progress":
            shown += self.progress()
        elif name in ("trace", "untrace"):
            start, stop, _ = self.parse_range(arg)
            cells = [self._select(i) for i in self._indices(start, stop)]
            bps = self.target.breakpoints
            bps.add_exec(cells) if name == "trace" else bps.remove_exec(cells)
            out.changed = True
        elif name == "search":
            shown.append(self.search(arg))
        elif name in ("edit", "fill"):
            self._begin_edit(name, arg, shown, out)
        elif name in ("pqueue", "pspace", "wqueue"):
            self._switch_mode(name, arg)
            shown.append(self.view(self.cur))
        elif name == "moveable":
            word = arg.lower()[:2]
            if word == "of":
                shown.append("Trace points stay on their addresses (moveable off)")
            elif word == "on":
                out.lines.append("Here trace points stay on their addresses: moveable is off")
            else:
                out.lines.append("Usage: moveable on|off")
        elif name == "echo":
            shown.append(arg)
        elif name == "remark":
            pass
        elif name == "clear":
            out.clear = True
        elif name == "quit":
            out.quit = True
        elif name in _NOT_HERE:
            out.lines.append(f"{name}: not available in this debugger")
        elif name == "break":
            shown += self.break_command(arg)
            out.changed = True
        else:
            self._execution(name, arg, shown, out, d)

    def _indices(self, start: int, stop: int) -> list[int]:
        size = self._size()
        start, stop = start % size, stop % size
        n = (stop - start) % size + 1
        return [(start + k) % size for k in range(n)]

    def _switch_mode(self, name: str, arg: str) -> None:
        word = arg.lower()[:2]
        if word == "of":
            if self.mode != CORE:
                self.cur = self._select(self.cur)
            self.mode = CORE
            return
        if name == "wqueue":
            self.mode = WARRIOR
            self.cur = self._current()
            return
        w = self._current()
        if arg:
            n = self.evaluate(arg)
            if 1 <= n <= self.warriors:
                w = n - 1
        self.qw = w
        self.mode = QUEUE if name == "pqueue" else PSPACE
        self.cur = 0

    # ---- running
    def _execution(self, name: str, arg: str, shown: list[str], out: Output, d: Debugger) -> None:
        if name == "skip" and not arg:
            out.lines.append("Usage: skip [count]")
            return
        if d.round_over:
            if self.target.battle_over or d.round >= d.rounds:
                out.lines.append("The battle is over")
                return
            self.target.next_round()
            out.changed = True
            if name in ("step", "skip", "thread", "execute", "go"):
                shown += self.enter(f"Round {d.round}")
                return
        address: int | None = None
        if arg and name != "skip":
            start, stop, _ = self.parse_range(arg)
            if self._fold_core(start) == self._fold_core(stop):
                address = self._fold_core(start)
        w = self._current()
        out.changed = True
        if name == "execute":
            if address is None:
                out.lines.append("Usage: execute [address]")
                return
            d.restart_queue(w, address)
            report = self.target.step(1, breakpoints=False)
            shown += self.enter(self._stop_message(report))
            return
        if address is not None:
            d.set_pc(w, address)
        if name == "step":
            report = self.target.step(1, breakpoints=False)
            shown += self.enter(self._stop_message(report))
        elif name in ("skip", "thread"):
            if name == "skip":
                count = self.evaluate(arg) + 1  # cdb runs the count, then the next one
            else:
                count = d.tasks(w) * self.warriors
            report = self.target.step(max(count, 1), breakpoints=False)
            shown += self.enter()
        elif name in ("go", "continue"):
            if name == "continue":
                shown.append("Exiting cdb to finish simulation")
            if not self.run_inline:
                out.run = name
                return
            shown += self.run_inline_until_stop(name)

    def _fold_core(self, n: int) -> int:
        return n % self.s

    def run_inline_until_stop(self, how: str) -> list[str]:
        """Run as ``go`` (to a breakpoint or the end of the round) or ``continue`` (to the
        end of the battle, ignoring breakpoints), here and now."""
        t = self.target
        if how == "go":
            report = t.step(FOREVER, breakpoints=True)
            return self.enter(self._stop_message(report))
        while True:
            t.step(FOREVER, breakpoints=False)
            if t.battle_over or not t.next_round():
                break
        return [*self.progress()]

    def after_run(self, report: StepReportLike | None, how: str = "go") -> Output:
        """The caller ran the battle for ``go``/``continue``: cdb takes over again."""
        out = Output(changed=True)
        try:
            if how == "continue":
                out.lines += self.progress()
            else:
                out.lines += self.enter(self._stop_message(report) if report else "")
            chain, self._chain = self._chain, []
            self._run_links(chain, out)
        except Exception as exc:
            out.lines.append(f"Error: {type(exc).__name__}: {exc}")
        return out

    # ---- search
    def search(self, pattern: str) -> str:
        """The next line (after '.') matching a wildcard pattern, cdb's way."""
        pattern = pattern.upper()
        size = self._size()
        i = (self.cur + 1) % size
        while i != self.cur:
            if wildsearch(pattern, self.view(i).upper()):
                self.cur = i
                break
            i = (i + 1) % size
        return self.view(self.cur)

    # ---- edit and fill
    def _begin_edit(self, name: str, arg: str, shown: list[str], out: Output) -> None:
        start, stop, _ = self.parse_range(arg)
        size = self._size()
        start, stop = start % size, stop % size
        end = stop if start <= stop else stop + size
        if name == "edit":
            self.cur = stop
            shown.append(self.view(start))
            self.pending = _Pending("edit", start, end, self._edit_prompt(start))
        else:
            self.pending = _Pending("fill", start, end, "Fill with: ")

    def _edit_prompt(self, index: int) -> str:
        if self.mode == QUEUE:
            return f"{index:<4d}->{self._select(index):05d}   "
        if self.mode == WARRIOR:
            return f"#{index:<2d}:  {self._select(index):05d}   "
        if self.mode == PSPACE:
            return f"[{index:4d}]="
        return f"{index:05d}   "

    def _answer(self, text: str, out: Output) -> None:
        p = self.pending
        assert p is not None
        out.lines.append(p.prompt + text)
        size = self._size()
        out.changed = True
        if p.kind == "fill":
            self.pending = None
            if not text.strip():
                return
            if self.mode == PSPACE:
                value = self._pspace_value(text, out)
                if value is None:
                    return
                for k in range(p.start, p.stop + 1):
                    self.d.set_pspace(self.qw, k % size, value)
                return
            fields = self._instruction(text, out)
            if fields is None:
                return
            cells = [self._select(k % size) for k in range(p.start, p.stop + 1)]
            for c in cells:
                self.d.set_cell(c, *fields)
            self.target.edited(cells)
            return
        index = p.start % size
        if text.strip():
            if self.mode == PSPACE:
                value = self._pspace_value(text, out)
                if value is None:
                    self.pending = None
                    return
                self.d.set_pspace(self.qw, index, value)
            else:
                fields = self._instruction(text, out)
                if fields is None:
                    self.pending = None
                    return
                cell = self._select(index)
                self.d.set_cell(cell, *fields)
                self.target.edited([cell])
        out.lines.append(self.view(index))
        p.start += 1
        if p.start > p.stop:
            self.pending = None
            return
        nxt = p.start % size
        out.lines.append(self.view(nxt))
        p.prompt = self._edit_prompt(nxt)

    def _pspace_value(self, text: str, out: Output) -> int | None:
        status, value = self.evaluator.evaluate(text.strip().upper())
        if status == Status.DIVIDE_BY_ZERO:
            out.lines.append("Division by zero")
            return None
        if status < Status.OK:
            out.lines.append("Bad expression")
            return None
        return value

    def _instruction(self, text: str, out: Output) -> tuple[int, int, int, int, int, int] | None:
        """Assemble one line of Redcode; None (and a message) if it does not."""
        result = assemble(text, self.target.settings)
        if not result.ok or result.warrior is None or len(result.warrior) == 0:
            first = result.errors[0].message if result.errors else "no instruction"
            out.lines.append(f"Error: {first}")
            return None
        op, mod, am, a, bm, b = result.warrior.instruction(0)
        return op, mod, am, a, bm, b

    # ---- breakpoints beyond cdb's trace bits
    def break_command(self, arg: str) -> list[str]:
        bps = self.target.breakpoints
        names = self.target.names
        words = arg.split(None, 1)
        sub = words[0].lower() if words else ""
        rest = words[1] if len(words) > 1 else ""
        if sub in ("", "list", "l"):
            if not len(bps):
                return ["No breakpoints"]
            keep = "kept across rounds" if bps.persist else "dropped when a round starts"
            lines = [f"Breakpoints ({keep}):"]
            for i, b in enumerate(bps):
                lines.append(f"{i + 1:>3} {'on ' if b.enabled else 'off'} {b.describe(names)}")
            return lines
        if sub.startswith("h"):
            return BREAK_HELP.splitlines()
        if sub in ("exec", "e", "x", "write", "w"):
            start, stop, _ = self.parse_range(rest)
            cells = self._indices(start % self.s, stop % self.s)
            kind = "exec" if sub in ("exec", "e", "x") else "write"
            for c in cells:
                bps.add(Breakpoint(kind, c))  # type: ignore[arg-type]
            first = cells[0]
            span = f"{first}" if len(cells) == 1 else f"{first}..{cells[-1]}"
            return [f"Breakpoint: {'execute at' if kind == 'exec' else 'write to'} {span}"]
        if sub in ("procs", "p"):
            parts = rest.replace(",", " ").split()
            if len(parts) != 2:
                return ["Usage: break procs WARRIOR COUNT"]
            w, n = self.evaluate(parts[0]), self.evaluate(parts[1])
            if not 1 <= w <= self.warriors or n < 0:
                return [f"Usage: break procs WARRIOR COUNT (warrior 1..{self.warriors})"]
            bp = bps.add(Breakpoint("procs", warrior=w - 1, count=n))
            return [f"Breakpoint: {bp.describe(names)}"]
        if sub in ("toggle", "t", "delete", "d", "del"):
            n = self.evaluate(rest) if rest else 0
            if not 1 <= n <= len(bps):
                return [f"No breakpoint {n}"]
            if sub.startswith("t"):
                b = bps.toggle(n - 1)
                return [f"Breakpoint {n} {'on' if b.enabled else 'off'}: {b.describe(names)}"]
            b = bps.remove(n - 1)
            return [f"Removed breakpoint {n}: {b.describe(names)}"]
        if sub in ("clear", "c"):
            return [f"Removed {bps.clear()} breakpoints"]
        if sub in ("keep", "k"):
            word = rest.lower()[:2]
            if word not in ("on", "of"):
                return ["Usage: break keep on|off"]
            bps.persist = word == "on"
            return [
                "Breakpoints are "
                + ("kept across rounds" if bps.persist else "dropped when a round starts, as cdb's")
            ]
        return [f'Unknown break command "{sub}"; try: break help']


def wildsearch(pattern: str, target: str) -> bool:
    """cdb's matcher: spaces do not count, ``*`` any run, ``?`` one character."""
    pat = pattern.replace(" ", "").replace("\t", "")
    tar = target.replace(" ", "").replace("\t", "")
    return _wild(pat, 0, tar, 0)


def _wild(pat: str, p0: int, tar: str, t: int) -> bool:
    p = p0
    while True:
        if p >= len(pat):
            return True
        if pat[p] == "*":
            return _wild(pat, p + 1, tar, t)
        if t < len(tar) and (pat[p] == tar[t] or pat[p] == "?"):
            p += 1
            t += 1
        elif t >= len(tar):
            return False
        else:
            p = p0  # a mismatch starts the pattern again, one character on
            t += 1
