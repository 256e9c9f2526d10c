"""Our own warriors: each assembles under its hill and does what its ;strategy says.

Battles here are short (tens of rounds, `-f` checksum seeds, so they are reproducible
with pMARS itself); the claims tested are the ones the ;strategy lines make.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from arena.battle import play
from arena.mars.debugger import Debugger
from arena.mars.engine import PSpace
from arena.paths import data_dir
from arena.redcode import assemble, assemble_file
from arena.redcode.model import DAT, SPL
from arena.settings import admission_problem, hill_settings

WARRIORS = data_dir("warriors")
FILES = sorted(WARRIORS.glob("*.red"))
S94 = hill_settings("94")

# each strategy the issue asks for, and the file of ours that plays it
STRATEGIES = {
    "imp": "imp",
    "imp ring or spiral": "impring",
    "dwarf": "dwarf",
    "modern stone": "pebble",
    "paper/silk replicator": "paper",
    "scanner": "scythe",
    "one-shot": "harpoon",
    "vampire": "leech",
    "core clear": "broom",
    "quickscanner": "glance",
    "stone/imp hybrid": "millstone",
    "P-space switcher": "chameleon",
}


def w(name: str, settings=S94):
    result = assemble_file(WARRIORS / f"{name}.red", settings)
    assert result.ok, result.errors
    return result.warrior


def wlt(a, b, rounds: int = 20, settings=S94) -> tuple[int, int, int]:
    """(a's wins, a's losses, ties) with pMARS's -f seed, a loaded first."""
    r = play([a, b], settings, rounds=rounds, checksum_seed=True, threads=1)
    return int(r.slots[0, 0]), int(r.slots[1, 0]), int(r.slots[0, 1])


def both_orders(a, b, rounds: int = 20) -> tuple[int, int, int]:
    w1, l1, t1 = wlt(a, b, rounds)
    l2, w2, t2 = wlt(b, a, rounds)
    return w1 + w2, l1 + l2, t1 + t2


def duck(length: int = 40):
    """A sitting target: non-zero lines and one process looping on the last."""
    body = "\n".join(f"        dat.f   #{i + 1}, #{i + 1}" for i in range(length - 1))
    text = f";name duck\n;assert 1\n{body}\nhere    jmp.a   #1, #1\n        end here\n"
    return assemble(text, S94).warrior


# ------------------------------------------------------------------- form and headers


def test_at_least_twelve_and_every_strategy_covered():
    names = {f.stem for f in FILES}
    assert len(FILES) >= 12
    missing = {k: v for k, v in STRATEGIES.items() if v not in names}
    assert not missing


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_headers_and_clean_assembly(path: Path):
    text = path.read_text()
    lines = text.splitlines()
    assert lines[0].strip().lower() == ";redcode-94"
    assert re.search(r"^;name\s+\S", text, re.M)
    assert re.search(r"^;author\s+arena\s*$", text, re.M)
    assert re.search(r"^;assert\s+\S", text, re.M)
    strategy = [ln for ln in lines if ln.lower().startswith(";strategy")]
    assert len(strategy) >= 3, "the strategy should explain how it works"
    result = assemble_file(path, S94)
    assert result.ok, result.errors
    assert not result.warnings, result.warnings  # in particular: the ;assert holds
    warrior = result.warrior
    assert warrior.author == "arena"
    assert "\n" in warrior.strategy
    assert 0 < len(warrior) <= S94.max_length


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_assert_is_evaluated(path: Path):
    """The ;assert is real: written for the 8000-cell core, refused on the tiny hill."""
    tiny = hill_settings("tiny").with_(max_length=100, min_distance=100)
    result = assemble_file(path, tiny)
    if "CORESIZE == 8000" in path.read_text():
        assert not result.ok or any("assert" in d.message.lower() for d in result.warnings)
    else:  # the generic ones hold on any core they assert
        assert result.ok and not result.warnings, result.diagnostics


def test_only_the_switcher_needs_pspace():
    for path in FILES:
        reason = admission_problem(hill_settings("94nop"), w(path.stem))
        assert (reason is not None) == (path.stem == "chameleon"), path.stem
        assert admission_problem(hill_settings("94"), w(path.stem)) is None


def test_our_code_is_our_own(shared):
    """No warrior of ours has the same load image as a corpus warrior."""
    from arena.hill import content_hash

    # a one-line imp is the same in every hand; everything longer is ours alone
    ours = {content_hash(w(p.stem)): p.stem for p in FILES if len(w(p.stem)) > 1}
    for f in sorted((shared / "corpus" / "human").glob("*.red")):
        r = assemble_file(f, S94)
        if r.ok:
            assert content_hash(r.warrior) not in ours, (f.name, ours.get(content_hash(r.warrior)))


# ------------------------------------------------------------------------ behaviour


def test_imp_ties_stones_that_cannot_catch_it():
    imp = w("imp")
    for stone in ("pebble", "dwarf"):
        wins, losses, ties = both_orders(imp, w(stone))
        assert wins == 0  # an imp cannot kill
        assert ties > losses


def test_imp_ring_is_three_imps_a_third_apart():
    ring = w("impring")
    dbg = Debugger([ring, duck()], S94, np.array([[0, 4000]]), np.array([0]), pspace=None)
    dbg.run(60)
    queue = sorted(dbg.queue(0))
    assert len(queue) == 3
    step = (S94.core_size + 1) // 3
    gaps = {(b - a) % S94.core_size for a, b in itertools.pairwise(queue)}
    assert gaps <= {step, step - 1, step + 1}
    # it ties the stone, and it never loses to the lone imp
    _wins, losses, ties = both_orders(ring, w("pebble"))
    assert ties > 3 * losses
    assert both_orders(ring, w("imp"))[1] == 0


def test_dwarf_bombs_every_fourth_cell():
    dbg = Debugger([w("dwarf"), duck(1)], S94, np.array([[0, 4000]]), np.array([0]))
    dbg.run(600)
    bombs = [c for c in dbg.nonempty_cells() if (c > 4 and c < 3990) or c > 4010]
    assert len(bombs) > 50
    assert all(c % 4 == 3 for c in bombs)  # the bomb line is at 3
    for c in bombs:
        assert dbg.cell(c)[0] == DAT


def test_pebble_splits_and_beats_the_dwarf():
    peb = w("pebble")
    dbg = Debugger([peb, duck(1)], S94, np.array([[0, 4000]]), np.array([0]))
    dbg.run(400)
    assert dbg.tasks(0) > 10  # SPL #0 keeps feeding the loop
    bombs = [c for c in dbg.nonempty_cells() if 4 < c < 3990 or c > 4010]
    assert bombs and all((c - 4) % 4 == 0 for c in bombs)  # never on its own loop lines
    wins, losses, _ties = both_orders(peb, w("dwarf"))
    assert wins > losses


def test_paper_replicates_and_outlasts_stones():
    paper = w("paper")
    dbg = Debugger([paper, duck(1)], S94, np.array([[0, 4000]]), np.array([0]))
    dbg.run(3000)
    assert dbg.tasks(0) > 10  # many copies running
    copies = [c for c in dbg.nonempty_cells() if dbg.cell_text(c).startswith("SPL")]
    assert len(copies) > 5
    for stone in ("pebble", "dwarf"):
        wins, losses, _ties = both_orders(paper, w(stone))
        assert wins > losses
        assert losses <= 4


def test_scanner_beats_what_it_can_find():
    scythe = w("scythe")
    for other in ("dwarf", "paper", "imp"):
        wins, losses, _ties = both_orders(scythe, w(other))
        assert wins > losses, other
    # a stone it cannot see (all its lines have A = 0 but the bomb's) is beyond it
    blind = assemble(
        ";assert 1\nstep equ 3364\n spl #0, 0\nl mov.i #0, @b\n add.ab #step, b\n"
        " jmp.b l, #0\nb dat #0, #step\n end\n",
        S94,
    ).warrior
    # a stone whose lines all have A = 0 (but for the loop's MOV and ADD) it still finds
    assert blind is not None
    assert both_orders(scythe, blind, rounds=10)[0] > 0


def test_scanner_stuns_with_spl_and_never_bombs_itself():
    scythe = w("scythe")
    dbg = Debugger([scythe, duck(20)], S94, np.array([[0, 3000]]), np.array([0]))
    dbg.run(2500)
    # its own lines are intact: it never finds itself before the lap is over
    for i in range(11):
        assert dbg.cell(i)[:2] == (int(scythe.opcode[i]), int(scythe.modifier[i]))
    assert dbg.queue(0)[0] in (0, 1)  # still scanning
    stunned = [c for c in range(3000, 3020) if dbg.cell(c)[0] == SPL]
    assert stunned == [3004, 3009, 3014, 3019]  # every line it looked at is SPL #0 now
    assert play([scythe, duck(20)], S94, rounds=10, checksum_seed=True).wins()[0] == 10


def test_one_shot_clears_from_its_find():
    harpoon = w("harpoon")
    r = play([harpoon, duck(30)], S94, rounds=10, checksum_seed=True)
    assert r.wins()[0] == 10
    # a paper it hits at once: the SPL then DAT laps catch every copy
    wins, losses, _ties = both_orders(harpoon, w("paper"))
    assert wins > 3 * losses


def test_vampire_traps_enemy_processes_in_its_pit():
    leech = w("leech")
    dwarf = w("dwarf")
    # fangs land on every eighth cell: at 2502 the dwarf's MOV line is one of them
    dbg = Debugger([leech, dwarf], S94, np.array([[0, 2502]]), np.array([0]))
    grown = 0
    for _ in range(100):
        dbg.run(200)
        if dbg.round_over:
            break
        grown = max(grown, dbg.tasks(1))
    # the dwarf has one process of its own; more means it ran a fang and splits in the pit
    assert grown > 500
    assert dbg.round_over and dbg.tasks(1) == 0 and dbg.tasks(0) > 0  # pit killed: won
    wins, losses, _ties = both_orders(leech, dwarf)
    assert wins > losses


def test_core_clear_kills_sitting_targets_and_lone_imps():
    broom = w("broom")
    assert play([broom, duck(10)], S94, rounds=10, checksum_seed=True).wins()[0] == 10
    wins, losses, ties = both_orders(broom, w("imp"), rounds=10)
    assert wins == 20
    wins, losses, ties = both_orders(broom, w("impring"), rounds=10)
    assert ties > wins + losses


def test_quickscanner_finds_a_target_at_a_probe_at_once():
    glance = w("glance")
    target = duck(12)
    # its first probe pair looks at offsets 260 and 4260 from its first line
    for pos in (260 - 5, 4260 - 5):
        r = play([glance, target], S94, rounds=1, fixed_position=pos)
        assert r.wins()[0] == 1
        assert int(r.steps[0]) < 1200  # killed by the carpet, long before a stone would
    # a quickscan that sees nothing turns into the stone: it never loses to the duck
    r = play([glance, target], S94, rounds=4, fixed_position=2000)
    assert r.wins()[1] == 0


def test_stone_imp_hybrid_runs_both_halves():
    mill = w("millstone")
    dbg = Debugger([mill, duck(1)], S94, np.array([[0, 4000]]), np.array([0]))
    dbg.run(80)
    assert dbg.tasks(0) == 4  # one stone, three imps
    # the ring turns losses of the stone into ties
    wins, losses, ties = both_orders(mill, w("pebble"))
    assert ties > losses
    wins, losses, ties = both_orders(mill, w("dwarf"))
    assert wins > losses


def _strategy_after_one_round(last_result: int, choice: int) -> tuple[int, int]:
    """(strategy stored in P-space cell 23, PC region) after one round."""
    cham = w("chameleon")
    target = duck(1)
    ps = PSpace.for_warriors([cham, target], S94.core_size, S94.pspace)
    ps.last_result[0] = last_result
    ps.cells[ps.index[0] * ps.size + 23] = choice
    dbg = Debugger([cham, target], S94, np.array([[0, 4000]]), np.array([0]), pspace=ps)
    dbg.run(40)
    stored = dbg.pspace_cell(0, 23)
    pcs = dbg.queue(0)
    paper_start = 15  # the paper block begins at line 15
    region = 1 if all(pc >= paper_start for pc in pcs) else 0
    return stored, region


def test_pspace_switcher_changes_strategy_after_a_loss():
    assert _strategy_after_one_round(S94.core_size - 1, 0) == (0, 0)  # first round: stone
    assert _strategy_after_one_round(1, 0) == (0, 0)  # won: keep the stone
    assert _strategy_after_one_round(2, 1) == (1, 1)  # tied: keep the paper
    assert _strategy_after_one_round(0, 0) == (1, 1)  # lost with the stone: paper
    assert _strategy_after_one_round(0, 1) == (0, 0)  # lost with the paper: stone


def test_pspace_switcher_learns_within_a_battle():
    """Against the core clear the stone loses; the switcher turns paper and wins."""
    cham, broom, peb = w("chameleon"), w("broom"), w("pebble")
    r = play([cham, broom], S94, rounds=20, checksum_seed=True, threads=1)
    assert r.pspace.read(0, 23) == 1  # it ended up playing the paper
    cham_wins = int(r.slots[0, 0])
    stone_wins = wlt(peb, broom, 20)[0]
    assert cham_wins > stone_wins + 10
