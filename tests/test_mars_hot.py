"""The specialised hot-instruction path against the generic path, state for state.

The round loop runs the instructions of ``arena.mars.hot`` through code compiled for each
(handler number -> constant opcode, modifier and modes) and everything else, and every
traced step, through run-time decoding. Both must leave the same core, queues, P-space and
budget after every call, for any program; and so must the two core layouts (16-bit slots
for cores of up to 65536 cells, 32-bit above).
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.mars import kernel, semantics
from arena.mars.hot import GENERIC_KEYS, HOT, HOT_TEXT, canonical, handlers
from arena.mars.kernel import ST_SIZE, TR_COLS, load_round, run_round
from arena.mars.layout import (
    CELL,
    HANDLER,
    INS,
    MODE_SHIFT_A,
    MODE_SHIFT_B,
    QUEUE_DTYPE,
    new_core,
)
from arena.mars.program import Program
from arena.mars.semantics import EXECUTOR_OF_OPCODE
from arena.redcode.model import (
    CMP,
    DAT,
    LDP,
    M_A,
    M_B,
    M_F,
    M_I,
    M_X,
    MOV,
    MUL,
    SEQ,
    SPL,
    STP,
    Warrior,
)

CORE = 61  # small and prime: warriors hit each other and wrap around often
MAXPROC = 5  # small: SPL often finds the queue full


def _warrior(rows: list[tuple[int, int, int, int, int]], start: int) -> Warrior:
    """A warrior from (key, a_mode, a_value, b_mode, b_value) rows."""
    return Warrior.from_fields(
        name="w",
        start=start,
        instructions=[(k >> 3, k & 7, am, av, bm, bv) for k, am, av, bm, bv in rows],
        core_size=CORE,
    )


def _state(program: Program, positions, starter: int, nwar: int, dtype=None):
    core = new_core(CORE, dtype)
    q = np.zeros(nwar * (MAXPROC + kernel.QB), dtype=QUEUE_DTYPE)
    stv = np.zeros(ST_SIZE, dtype=np.int64)
    load_round(core, q, stv, CORE, MAXPROC, 200, program.ins, program.handler, program.a,
               program.b, program.offsets, program.starts, np.array(positions), starter)  # fmt: skip
    pspace = np.arange(nwar * 7, dtype=np.int64) % CORE
    return core, q, stv, pspace


def _run(program, positions, starter, nwar, chunks, traced: bool, dtype=None):
    core, q, stv, pspace = _state(program, positions, starter, nwar, dtype)
    pidx = np.arange(nwar, dtype=np.int64)
    lastres = np.full(nwar, CORE - 1, dtype=np.int64)
    slots = np.zeros((nwar, 2 * nwar - 1), dtype=np.int64)
    snapshots = []
    for n in chunks:
        trace = np.zeros((n, TR_COLS), dtype=np.int64) if traced else None
        run_round(core, q, stv, CORE, MAXPROC, nwar, n, pspace, 7, pidx, lastres, slots,
                  None, trace, None)  # fmt: skip
        snapshots.append(
            (core.copy(), q.copy(), stv.copy(), pspace.copy(), lastres.copy(), slots.copy())
        )
    return snapshots


def _assert_same(program, positions, starter, nwar, chunks):
    """Hot vs generic path, and the 16-bit core layout vs the 32-bit one."""
    fast = _run(program, positions, starter, nwar, chunks, traced=False)
    slow = _run(program, positions, starter, nwar, chunks, traced=True)
    wide = _run(program, positions, starter, nwar, chunks, traced=False, dtype=np.uint32)
    for k, (a, b, c) in enumerate(zip(fast, slow, wide, strict=True)):
        assert all(np.array_equal(x, y) for x, y in zip(a, c, strict=True)), "layouts differ"
        for name, x, y in zip(
            ("core", "queues", "state", "pspace", "last", "slots"), a, b, strict=True
        ):
            assert np.array_equal(x, y), f"{name} differs after call {k + 1}"


hot_row = st.sampled_from(HOT).flatmap(
    lambda spec: st.tuples(
        st.just(spec[0]), st.just(spec[1]), st.integers(0, CORE - 1),
        st.just(spec[2]), st.integers(0, CORE - 1),
    )
)  # fmt: skip
any_row = st.tuples(
    st.integers(0, 8 * (STP + 1) - 1), st.integers(0, 7), st.integers(0, CORE - 1),
    st.integers(0, 7), st.integers(0, CORE - 1),
)  # fmt: skip
rows = st.lists(st.one_of(hot_row, hot_row, any_row), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(rows, min_size=2, max_size=3),
    st.data(),
)
def test_hot_and_generic_paths_agree_on_random_programs(codes, data):
    nwar = len(codes)
    warriors = [_warrior(c, data.draw(st.integers(0, len(c) - 1), label="start")) for c in codes]
    program = Program.from_warriors(warriors, CORE)
    positions = [0] + [data.draw(st.integers(0, CORE - 1)) for _ in range(nwar - 1)]
    starter = data.draw(st.integers(0, nwar - 1))
    chunks = data.draw(st.lists(st.integers(1, 40), min_size=1, max_size=6))
    _assert_same(program, positions, starter, nwar, chunks)


def _assert_instruction_agrees(rng, key: int, a_mode: int, b_mode: int) -> None:
    """One instruction first, three random ones after it, in two warriors; both paths."""
    rows = [(key, a_mode, int(rng.integers(CORE)), b_mode, int(rng.integers(CORE)))]
    rows += [
        (int(rng.integers(8 * LDP)), int(rng.integers(8)), int(rng.integers(CORE)),
         int(rng.integers(8)), int(rng.integers(CORE)))
        for _ in range(3)
    ]  # fmt: skip
    program = Program.from_warriors([_warrior(rows, 0), _warrior(rows[::-1], 0)], CORE)
    _assert_same(program, [0, int(rng.integers(CORE))], 0, 2, [1, 3, 30, 60])


def test_every_hot_instruction_runs_the_same_on_both_paths():
    rng = np.random.default_rng(7)
    for key, a_mode, b_mode in HOT:
        for _ in range(5):
            _assert_instruction_agrees(rng, key, a_mode, b_mode)


def test_handler_numbers_follow_the_hot_list():
    words = np.array([k | a << MODE_SHIFT_A | b << MODE_SHIFT_B for k, a, b in HOT])
    assert list(handlers(words)) == list(range(1, len(HOT) + 1))
    assert len(set(HOT_TEXT)) == len(HOT_TEXT)
    # a word that is not hot goes the generic way: MUL.X <, {
    assert handlers(np.array([MUL * 8 + M_X | 3 << MODE_SHIFT_A | 6 << MODE_SHIFT_B]))[0] == 0


def _word(op: int, mod: int, a_mode: int, b_mode: int) -> int:
    return op * 8 + mod | a_mode << MODE_SHIFT_A | b_mode << MODE_SHIFT_B


def test_words_that_execute_alike_share_a_handler():
    """Every word takes the handler of its canonical shape, e.g. SPL.A #0, @3 is SPL.B #, #."""
    words = np.arange(1 << 14)
    shapes = [
        canonical((w & 0xFF) >> 3, w & 7, (w >> MODE_SHIFT_A) & 7, (w >> MODE_SHIFT_B) & 7)
        for w in range(1 << 14)
    ]
    canon_words = np.array([_word(*shape) for shape in shapes])
    assert np.array_equal(handlers(words), handlers(canon_words))
    assert (
        handlers(np.array([_word(SPL, M_A, 0, 2)]))[0]
        == handlers(np.array([_word(SPL, M_B, 0, 0)]))[0]
        != 0
    )
    assert (
        handlers(np.array([_word(SEQ, M_I, 1, 1)]))[0]
        == handlers(np.array([_word(CMP, M_I, 1, 1)]))[0]
    )
    # an undefined modifier executes as DAT, as in pMARS
    assert (
        handlers(np.array([_word(MOV, 7, 1, 1)]))[0]
        == handlers(np.array([_word(DAT, M_F, 0, 0)]))[0]
    )


def _turn_copies() -> list[str]:
    """The round loop's copies of a turn's code, each from its ``# ==== a turn`` line."""
    lines = inspect.getsource(kernel.run_round.py_func).splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("# ==== a turn")]
    copies = []
    for k, start in enumerate(starts):
        if k + 1 < len(starts):  # up to the comment that introduces the next copy
            end = next(i for i in range(start + 1, starts[k + 1]) if "# ====" in lines[i])
        else:  # up to the end of the loop's body (the first line indented less)
            end = next(
                i
                for i in range(start + 1, len(lines))
                if lines[i].strip() and not lines[i].startswith(" " * 8)
            )
        copies.append("\n".join(lines[start + 1 : end]).rstrip() + "\n")
    return copies


def _dispatch_tree() -> ast.Module:
    """The code a turn runs its instruction with (``kernel.run_instruction``), parsed."""
    return ast.parse(textwrap.dedent(inspect.getsource(kernel.run_instruction.py_func)))


def test_the_round_loop_runs_two_verbatim_copies_of_a_turn():
    """The second copy (each warrior of a pair its own handler jump) is the first's text."""
    copies = _turn_copies()
    assert len(copies) == 2
    # the whole turn, not a fragment: fetch, dispatch, execute, pass the turn
    for part in ("# ---- fetch", "run_instruction(handler", "WQ_NEXT"):
        assert part in copies[0]
    assert copies[1] == copies[0], "copy the first turn's lines over the second's"


def test_round_loop_has_one_branch_per_hot_instruction_in_order():
    """handler == i + 1 must run HOT[i]: read the ladder from the kernel's source."""
    tree = _dispatch_tree()
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            test = node.test
            if isinstance(test.left, ast.Name) and test.left.id == "handler":
                number = test.comparators[0]
                if isinstance(number, ast.Constant) and number.value != 0:
                    used = {
                        n.slice.value
                        for n in ast.walk(ast.Module(body=node.body, type_ignores=[]))
                        if isinstance(n, ast.Subscript)
                        and isinstance(n.value, ast.Name)
                        and n.value.id == "HOT"
                    }
                    pairs.append((number.value, used))
    assert [n for n, _ in pairs] == list(range(1, len(HOT)))  # the last one is the else
    assert all(used == {n - 1} for n, used in pairs)
    # and each branch calls the hot_* runner of its opcode's execute_* function
    assert _ladder_calls("HOT") == [
        (i, EXECUTOR_OF_OPCODE[key >> 3].replace("execute_", "hot_"))
        for i, (key, _, _) in enumerate(HOT)
    ]


def test_each_hot_runner_runs_its_own_executor():
    """``kernel.hot_mov`` evaluates both operands and calls ``semantics.execute_mov``."""
    checked = 0
    for executor in set(EXECUTOR_OF_OPCODE.values()):
        runner = getattr(kernel, executor.replace("execute_", "hot_"), None)
        if runner is not None:
            (cell,) = runner.py_func.__closure__
            assert cell.cell_contents is getattr(semantics, executor)
            checked += 1
    # every executor a hot shape uses has its runner
    assert checked == len({EXECUTOR_OF_OPCODE[key >> 3] for key, _, _ in HOT})


def _ladder_calls(table: str) -> list[tuple[int, str]]:
    """(index, function) of every ``nextpc = f(<table>[index]...)`` in a turn's code."""
    tree = _dispatch_tree()
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Subscript):
                base = first.value
                if isinstance(base, ast.Subscript):  # TABLE[i][0]
                    base = base.value
                    first = first.value
                if isinstance(base, ast.Name) and base.id == table:
                    calls.append((first.slice.value, node.func.id))
    return sorted(calls)


def test_generic_path_calls_the_executor_of_each_listed_opcode():
    """GENERIC_KEYS[i]'s branch tests for that key and runs its opcode's execute_*."""
    assert _ladder_calls("GENERIC_KEYS") == [
        (i, EXECUTOR_OF_OPCODE[key >> 3]) for i, key in enumerate(GENERIC_KEYS)
    ]
    tree = _dispatch_tree()
    tested = [
        node.test.comparators[0].slice.value
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "ck"
    ]
    assert tested == list(range(len(GENERIC_KEYS)))


def test_every_opcode_and_modifier_runs_the_same_on_both_paths():
    """Every key (undefined modifiers too) in a shape that takes the generic path."""
    rng = np.random.default_rng(11)
    for key in range(8 * (STP + 1)):
        generic = [
            (a, b)
            for a in range(8)
            for b in range(8)
            if handlers(np.array([key | a << MODE_SHIFT_A | b << MODE_SHIFT_B]))[0] == 0
        ]
        for k in rng.choice(len(generic), size=3):
            _assert_instruction_agrees(rng, key, *generic[k])


def test_mov_i_carries_the_handler_number_with_the_word():
    """After a battle, every cell's handler slot matches its instruction word."""
    rows = [(6, 1, 0, 1, 1)]  # MOV.I $0, $1 (an imp): copies itself everywhere
    other = [(96 + 4, 1, 5, 1, 7), (6, 2, 3, 4, 2), (11 * 8 + 1, 1, 0, 1, 0)]
    program = Program.from_warriors([_warrior(rows, 0), _warrior(other, 2)], CORE)
    (core, *_), *_ = _run(program, [0, 30], 0, 2, [500], traced=False)
    cells = core.reshape(-1, CELL)
    assert np.array_equal(cells[:, HANDLER], handlers(cells[:, INS]))
    assert (cells[:, INS] == 6 | 1 << MODE_SHIFT_A | 1 << MODE_SHIFT_B).sum() > 10


def test_a_core_too_big_for_16_bit_cells_plays_like_the_debugger():
    """Core 70000: the 32-bit layout, hot path (batch) against generic path (traced)."""
    from arena.battle import place, play
    from arena.mars.debugger import Debugger
    from arena.redcode import assemble
    from arena.settings import Settings

    big = Settings(core_size=70000, max_cycles=3000, max_processes=64, min_distance=100)
    bomber = assemble("add #4, 3\nmov 2, @2\njmp -2\ndat #0, #0\n", big).warrior
    paper = assemble("spl 0\nmov -1, 999\njmp -2\n", big).warrior
    placement = place(2, 3, big, 12345)
    result = play([bomber, paper], big, rounds=3, seed=12345)
    dbg = Debugger([bomber, paper], big, placement.positions, placement.starters)
    steps = []
    for r in range(1, 4):
        dbg.start_round(r)
        n = 0
        while not dbg.round_over:  # traced: the generic path
            n += len(dbg.step_rows(5000))
        steps.append(n)
    assert dbg.core.dtype == np.uint32
    assert steps == [int(x) for x in result.steps]
    assert sum(steps) == result.instructions
