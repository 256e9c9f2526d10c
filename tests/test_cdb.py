"""cdb, headless: its command names and abbreviations, ranges, output formats, and a
command sequence on known battles that ends where pMARS's trace says (golden/traces)."""

from __future__ import annotations

import re

import pytest

from arena.debug import Breakpoint, Cdb, parse_command
from arena.debug.cdb import VERBS, wildsearch
from arena.settings import Settings
from tests.mars_helpers import GOLDEN, golden_warrior
from tui.battle_session import BattleSession, Contender, load_contender


def dwarf_imp(seed: int = 7, rounds: int = 3) -> BattleSession:
    settings = Settings().with_(rounds=rounds)
    names = ("warriors/dwarf.red", "warriors/imp.red")
    return BattleSession([load_contender(n, settings) for n in names], settings, seed=seed)


def golden_session(names: list[str], fixed: int) -> BattleSession:
    """The battle of a golden trace: pMARS's ``-F fixed`` is seed ``fixed - d`` here."""
    settings = Settings().with_(rounds=1)
    contenders = [Contender(n, golden_warrior(n), "", n) for n in names]
    return BattleSession(contenders, settings, seed=fixed - settings.min_distance)


def run(cdb: Cdb, line: str) -> list[str]:
    return cdb.execute(line).lines


def cell_of(line: str, size: int = 8000) -> str:
    """A cdb list line back to the golden format ``OP.MOD <m><a> <m><b>`` (raw values)."""
    m = re.match(r"\d{5}   (\w{3})\.(\w+)\s+(\S)\s*(-?\d+),\s+(\S)\s*(-?\d+)", line)
    assert m, line
    op, mod, am, a, bm, b = m.groups()
    return f"{op}.{mod} {am}{int(a) % size} {bm}{int(b) % size}"


# ---- parsing
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("l", "list"), ("li 0,9", "list"), ("list", "list"), ("listing", "list"),
        ("0,9", "list"), ("+B", "list"), ("s", "step"), ("st", "step"), ("step", "step"),
        ("sk 3", "skip"), ("se dat", "search"), ("g", "go"), ("c", "continue"),
        ("ca 1+2", "calc"), ("cl", "clear"), ("t pc", "trace"), ("u 0,$", "untrace"),
        ("e 100", "edit"), ("ec hi", "echo"), ("x 5", "execute"), ("f 1,2", "fill"),
        ("r", "registers"), ("reg", "registers"), ("p", "progress"), ("pq 1", "pqueue"),
        ("ps off", "pspace"), ("wq", "wqueue"), ("h", "help"), ("mo off", "moveable"),
        ("th", "thread"), ("q", "quit"), ("@l 5", "list"), ("b write 5", "break"),
    ],
)  # fmt: skip
def test_commands_by_name_and_abbreviation(text, name):
    assert parse_command(text).name == name


def test_the_verb_is_decoded_by_its_first_three_letters_like_cdb():
    assert parse_command("regxyz").name == "registers"
    assert parse_command("lxx").name == ""  # "LXX" is no command
    assert parse_command("@l 5").silent == 1 and parse_command("&r").silent == 2
    assert set(VERBS.values()) >= {"step", "go", "continue", "skip", "trace", "untrace"}


@pytest.mark.parametrize(
    "line",
    ["foo", "l 1+", "l )", "calc", "calc 1/0", "l zz", "l pc9", "sk", "x", "e 1~mov 0,",
     "b procs 9 1", "b toggle 5", "b nonsense", "pq 7", "mo", "if 1", "l " + "(" * 400,
     "calc 99999999999999999999*99999999999", "f 0,2~", "!", "s~!3", "ps~e 0~1/0"],
)  # fmt: skip
def test_bad_input_gives_a_message_never_an_exception(line):
    cdb = Cdb(dwarf_imp())
    out = cdb.execute(line)
    assert out.lines or out.run is None
    cdb.pending, cdb.mode = None, "core"
    assert cdb.execute("l pc").lines[0].startswith("00000")  # still usable


def test_bad_input_messages_are_cdbs():
    cdb = Cdb(dwarf_imp())
    assert run(cdb, "foo") == ['Unknown command "foo"']
    assert run(cdb, "l 1+") == ['Bad argument "1+"']
    assert run(cdb, "sk") == ["Usage: skip [count]"]
    assert run(cdb, "x") == ["Usage: execute [address]"]
    assert run(cdb, "f 0,1~bogus 1")[-1].startswith("Error: ")


def test_ranges_symbols_and_calc():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    pc = d.queue(0)[0]
    assert run(cdb, "calc pc") == [str(pc)]
    assert run(cdb, "calc pc2,$") == [f"{d.queue(1)[0]},7999"]
    assert run(cdb, "ca x=5") == ["5"] and run(cdb, "ca x*2+1") == ["11"]
    assert run(cdb, "ca 7/2, -7%3") == ["3,-1"]  # C arithmetic
    assert run(cdb, "ca 1<2 && 3==3, !0") == ["1,1"]
    lines = run(cdb, "l pc,pc+3")
    assert [int(x[:5]) for x in lines] == [pc, pc + 1, pc + 2, pc + 3]
    assert run(cdb, "calc .") == [str(pc + 3)]  # '.': the address listed last
    assert [int(x[:5]) for x in run(cdb, "-1,+0")] == [pc + 2, pc + 3]  # relative to '.'
    cdb.cur = 10
    assert [int(x[:5]) for x in run(cdb, "l ,+2")] == [10, 11, 12]
    assert [int(x[:5]) for x in run(cdb, "l 5,")] == list(range(5, 13))
    assert [int(x[:5]) for x in run(cdb, "l")] == list(range(5, 13))  # the last range
    assert run(cdb, "l $")[0].startswith("07999")
    # A and B: the fields of the cell listed last ("list +B" follows a pointer)
    run(cdb, f"l {pc}")
    a, b = d.cell(pc)[3], d.cell(pc)[5]
    assert run(cdb, "calc a,b") == [f"{a},{b}"]


def test_list_prints_cdbs_cell_format():
    s = dwarf_imp()
    cdb = Cdb(s)
    pc = s.debugger.queue(0)[0]
    lines = run(cdb, "l pc,pc+4")
    assert lines[0] == f"{pc:05d}   ADD.AB #     4, $     3     "
    assert lines[1] == f"{pc + 1:05d}   MOV.I  $     2, @     2     "
    assert lines[2] == f"{pc + 2:05d}   JMP.A  $    -2, $     0     "  # negative, as pMARS
    assert lines[4] == f"{pc + 4:05d}   "  # an empty cell is blank
    run(cdb, "t pc+4")
    assert run(cdb, "l pc+4")[0].endswith("   T")  # a trace point shows T


def test_step_skip_and_registers_match_the_engine():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    out = run(cdb, "s")
    assert d.steps == 1 and out == [cdb.view(d.queue(1)[0])]  # the next instruction
    run(cdb, "sk 3")  # cdb runs the count, then one more
    assert d.steps == 5
    regs = run(cdb, "r")
    w = d.next_warrior
    assert regs[0] == f"Round 1   of 3          Cycle {(d.budget + 1) // 2}"
    assert regs[1].startswith(f"Currently executing warrior {w}: {s.names[w]}")
    assert regs[2].startswith(f"Processes active {d.tasks(w):<6d} Process queue:")
    assert regs[3] == f"[{d.queue(w)[0]}]->"
    assert regs[4] == f"P-space[{d.pspace.index[w]}]: <7999> 0 0 0 0 0 0 0 0 0 .."
    assert regs[5].startswith(f"Other warrior: {s.names[1 - w]}")
    assert regs[7] == f"[{d.queue(1 - w)[0]}]->"


def test_go_stops_at_a_trace_point_and_untrace_clears_it():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    jmp = (s.position(0) + 2) % 8000
    run(cdb, f"trace {jmp}")
    out = run(cdb, "go")
    assert d.queue(d.next_warrior)[0] == jmp and out[-1].startswith(f"{jmp:05d}")
    assert out[-1].endswith("T")
    steps = d.steps
    run(cdb, "g")  # from the trace point to the next time it runs: one dwarf loop
    assert d.steps == steps + 6
    run(cdb, "untrace 0,$")
    assert not s.breakpoints
    out = run(cdb, "g")
    assert d.round_over and "End of round 1" in out


def test_write_and_process_count_breakpoints():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    bomb_target = (s.position(0) + 3 + 8) % 8000  # the dwarf's second bomb
    run(cdb, f"b write {bomb_target}")
    out = run(cdb, "go")
    assert out[0] == f"Stopped: write to {bomb_target}"
    assert d.cell(bomb_target)[0] == 12  # the DAT has landed
    assert s.writer[bomb_target] == 0 and s.write_step[bomb_target] == d.steps - 1
    run(cdb, "b clear")
    run(cdb, "b procs 2 0")  # the imp dies (seed 7: the dwarf wins round 1)
    out = run(cdb, "go")
    assert out[0] == "Stopped: Imp has 0 processes" and d.tasks(1) == 0


def test_breakpoint_list_toggle_delete_and_keep():
    s = dwarf_imp()
    cdb = Cdb(s)
    run(cdb, "b exec 10,11")
    run(cdb, "b procs 1 3")
    assert run(cdb, "b") == [
        "Breakpoints (kept across rounds):",
        "  1 on  execute at 10",
        "  2 on  execute at 11",
        "  3 on  Dwarf has 3 processes",
    ]
    assert run(cdb, "b toggle 1") == ["Breakpoint 1 off: execute at 10"]
    assert 10 not in s.breakpoints.exec_addresses() and 11 in s.breakpoints.exec_addresses()
    run(cdb, "b delete 2")
    assert len(s.breakpoints) == 2
    run(cdb, "b keep off")
    s.next_round()
    assert len(s.breakpoints) == 0  # dropped with the round, as cdb's trace bits


def test_edit_fill_execute_and_pspace():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    assert cdb.execute("e 100").lines == ["00100   "] and cdb.prompt == "00100   "
    out = run(cdb, "mov 0,1")
    assert out[-1] == "00100   MOV.I  $     0, $     1     " and cdb.pending is None
    assert d.cell(100) == (0, 6, 1, 0, 1, 1)
    assert s.writer[100] == -2  # written by hand
    run(cdb, "f 200,202~spl #0, <-5")
    assert [d.cell(a) for a in (200, 201, 202)] == [(11, 1, 0, 0, 3, 7995)] * 3
    assert d.cell(203)[0] == 12 and d.cell(199)[0] == 12
    run(cdb, "ps 1~e 3~42")
    assert d.pspace_cell(0, 3) == 42
    run(cdb, "ps off")
    # execute: the current warrior restarts at 100 (the imp we wrote there) and steps
    run(cdb, "x 100")
    assert d.steps == 1 and d.queue(0) == [101]
    # go with an address sets the PC first
    run(cdb, "s 200")
    assert d.queue(1)[0] == 201 or d.tasks(1) == 2  # the imp ran an SPL at 200


def test_queue_warrior_and_pspace_modes():
    s = dwarf_imp()
    cdb = Cdb(s)
    d = s.debugger
    assert run(cdb, "pq 2") == [f"0   ->{d.queue(1)[0]:05d}   MOV.I  $     0, $     1     "]
    assert run(cdb, "wq")[0].startswith(f"#0 :  {d.queue(0)[0]:05d}   ADD.AB")
    assert run(cdb, "l 1")[0].startswith(f"#1 :  {d.queue(1)[0]:05d}   MOV.I")
    assert run(cdb, "ps 2") == ["[   0]=7999 "]
    assert run(cdb, "wq off")[0].startswith("0")


def test_search_uses_cdbs_wildcards():
    assert wildsearch("DAT*,?0", "00003   DAT.F  #     0, #     0")
    assert wildsearch(",", "00003   DAT.F  #     0, #     0")
    assert not wildsearch(",", "00004   ")
    s = dwarf_imp()
    cdb = Cdb(s)
    pc = s.debugger.queue(0)[0]
    assert run(cdb, "se dat")[0].startswith(f"{pc + 3:05d}   DAT.F")
    assert run(cdb, "se jmp*-2")[0].startswith(f"{pc + 2:05d}   JMP.A")


def test_enter_repeats_and_chains():
    s = dwarf_imp()
    cdb = Cdb(s)
    run(cdb, "s")
    run(cdb, "")
    assert s.debugger.steps == 2
    run(cdb, "s~~")  # "~~" and a "~" at the end each repeat the command before
    assert s.debugger.steps == 5
    out = run(cdb, "@s~r")  # '@' keeps a command quiet
    assert out[0].startswith("Round 1")


def test_continue_plays_every_round_and_progress_scores_like_pmars():
    s = dwarf_imp(rounds=3)
    cdb = Cdb(s)
    out = run(cdb, "c")
    assert out[0] == "Exiting cdb to finish simulation"
    assert s.battle_over
    wins, losses, ties = s.scores[0]
    assert out[-1] == f"Results: {wins} {losses} {ties}"
    assert out[1] == f"Dwarf by arena scores {3 * wins + ties}"
    assert run(cdb, "s") == ["The battle is over"]


def test_go_and_continue_can_be_left_to_the_caller():
    s = dwarf_imp()
    cdb = Cdb(s, run_inline=False)
    out = cdb.execute("g~r")
    assert out.run == "go" and s.debugger.steps == 0
    report = s.step(10)
    after = cdb.after_run(report, "go")
    assert after.lines[0].startswith(f"{s.debugger.queue(s.debugger.next_warrior)[0]:05d}")
    assert any(x.startswith("Round 1") for x in after.lines)  # the rest of the chain ran


# ---- against pMARS's own traces
def _trace(name: str):
    steps, cells, end = [], {}, None
    for line in (GOLDEN / "traces" / name).read_text().splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "S":
            f = rest.split(maxsplit=5)
            steps.append((int(f[2]), int(f[3]), int(f[4]), f[5]))
        elif kind == "C":
            addr, text = rest.split(maxsplit=1)
            cells[int(addr)] = text
        elif kind == "E":
            end = dict(kv.split("=") for kv in rest.split()[1:])
    return steps, cells, end


def test_a_cdb_session_follows_pmarss_trace():
    steps, cells, end = _trace("mice__dwarf__F2500.trace")
    s = golden_session(["mice", "dwarf"], 2500)
    cdb = Cdb(s)
    # "skip 99" runs 100 instructions: cdb then shows the 101st, as pMARS fetches it
    out = run(cdb, "skip 99")
    w, pc, nprocs, text = steps[100]
    assert cell_of(out[0]) == text and int(out[0][:5]) == pc
    regs = run(cdb, "registers")
    assert regs[1].startswith(f"Currently executing warrior {w}: ")
    assert regs[2].startswith(f"Processes active {nprocs:<6d}")
    assert f"[{pc}]->" in regs[3]
    # trace the first address the other warrior runs next, then go there
    _k, target = next((k, st) for k, st in enumerate(steps) if k > 150 and st[0] != w)
    run(cdb, f"trace {target[1]}")
    out = run(cdb, "go")
    first = next(j for j in range(101, len(steps)) if steps[j][1] == target[1])
    assert s.debugger.steps == first and int(out[-1][:5]) == target[1]
    run(cdb, "untrace 0,$")
    run(cdb, "go")
    assert s.debugger.round_over and s.debugger.steps == int(end["steps"])
    # the final core, listed by cdb, is pMARS's
    for addr, text in cells.items():
        assert cell_of(run(cdb, f"l {addr}")[0]) == text


def test_peek_gives_the_operand_addresses_the_engine_uses():
    steps, _cells, _end = _trace("djustice__binarytree2__F2400.trace")
    s = golden_session(["djustice", "binarytree2"], 2400)
    d = s.debugger
    for k in range(300):
        nxt = d.peek()
        assert nxt is not None and nxt.pc == steps[k][1] and nxt.text() == steps[k][3]
        done = d.step(1)[0]
        assert (done.addr_a, done.addr_b) == (nxt.addr_a, nxt.addr_b)
    assert d.steps == 300


def test_breakpoint_objects_are_checked():
    s = dwarf_imp()
    with pytest.raises(ValueError):
        s.breakpoints.add(Breakpoint("procs", warrior=0, count=-1))


def test_an_edited_cell_runs_the_same_on_the_traced_and_the_fast_path():
    """set_cell sets the cell's handler as loading does, so the batch kernel's hot
    handlers and the traced stepper agree on edited code."""
    import numpy as np

    s = dwarf_imp()
    d = s.debugger
    imp = d.queue(1)[0]
    d.set_cell(imp, 11, 1, 1, 0, 3, 7998)  # the imp becomes SPL.B $0, <-2
    d.set_cell(imp + 1, 0, 6, 1, 0, 1, 1)  # and MOV.I $0, $1 after it
    saved = d.checkpoint()
    d.step_rows(5000)
    traced = (d.core.copy(), [d.tasks(w) for w in range(2)], d.steps)
    d.rollback(saved)
    d.run(5000)
    assert np.array_equal(d.core, traced[0])
    assert ([d.tasks(w) for w in range(2)], d.steps) == (traced[1], traced[2])
