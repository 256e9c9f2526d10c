"""bench/dispatch_profile.py: instruction counts of the dispatch for a printout's fights."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

SCRIPT = REPO / "bench" / "dispatch_profile.py"

# two lines as ``bench/mips.py --per-fight`` prints them (the second with PyCorewar's
# column too), around other output
PRINTOUT = """  per fight, best of runs, MIPS: arena (every instruction) | pMARS (arena's ratio)
     200.0 |   80.0 (2.50x)     1.0 M  {a} vs {b}
     300.0 |   60.0 (5.00x) |   90.0 (3.33x)     3.0 M  {b} vs {a}
  742137542 instructions
"""


def _run(*args):
    cmd = [sys.executable, str(SCRIPT), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def test_profiles_each_listed_fight_and_the_ratio_bands(shared, tmp_path):
    human = shared / "corpus" / "human"
    a, b = sorted(p.stem for p in human.glob("*.red"))[:2]
    printout = tmp_path / "mips.txt"
    printout.write_text(PRINTOUT.format(a=a, b=b))
    out = _run(printout, "--dir", human, "--rounds", "1", "--cap", "5000")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    fights = [line for line in lines if line.endswith((f"{a} vs {b}", f"{b} vs {a}"))]
    assert [line.split()[0] for line in fights] == ["2.50x", "5.00x"]
    for line in fights:
        generic, changes = (float(x.rstrip("%")) for x in line.split()[1:3])
        assert 0 <= generic <= 100 and 0 <= changes <= 100
    assert any(line.startswith("below 3x: 1 fights, 1 M instructions") for line in lines)
    assert any(line.startswith("4x and up: 1 fights, 3 M instructions") for line in lines)


def test_a_printout_without_fights_is_one_line_on_stderr(shared, tmp_path):
    printout = tmp_path / "empty.txt"
    printout.write_text("nothing here\n")
    out = _run(printout, "--dir", shared / "corpus" / "human")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert out.stderr.strip().endswith("lists no fights (use --per-fight)")


def test_a_missing_warrior_is_one_line_on_stderr(shared, tmp_path):
    printout = tmp_path / "mips.txt"
    printout.write_text(PRINTOUT.format(a="nosuchwarrior", b="another"))
    out = _run(printout, "--dir", shared / "corpus" / "human")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "nosuchwarrior.red" in out.stderr
