"""A battle allocates nothing per cycle or round: 10,000 rounds cost what 100 do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """
import resource, sys
from arena.battle import play
from arena.redcode import assemble
from arena.settings import Settings
drq = sys.argv[1] == "drq"
s = Settings(max_cycles=2000)
dwarf = assemble("add #4, 3\\nmov 2, @2\\njmp -2\\ndat #0, #0\\n", s).warrior
paper = assemble("spl 0\\nmov -1, 1200\\njmp -2\\n", s).warrior
def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
play([dwarf, paper], s, rounds=100, seed=1, drq=drq)  # compile or load, warm up
before = peak_kb()
result = play([dwarf, paper], s, rounds=10_000, seed=2, drq=drq)
assert result.instructions > 10_000 * 100
print(peak_kb() - before)
"""


def _growth_kb(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip())


def test_ten_thousand_rounds_use_constant_memory():
    # the per-round results (positions, steps, processes) are about 0.6 MB of it
    assert _growth_kb("pmars") < 4096
    assert _growth_kb("drq") < 4096


COUNT_SCRIPT = """
import sys
from numba.core.runtime import rtsys
from arena.battle import play
from arena.redcode import assemble
from arena.settings import Settings
s = Settings(max_cycles=2000)
dwarf = assemble("add #4, 3\\nmov 2, @2\\njmp -2\\ndat #0, #0\\n", s).warrior
paper = assemble("spl 0\\nmov -1, 1200\\njmp -2\\n", s).warrior
counts = []
for drq in (False, True):
    play([dwarf, paper], s, rounds=10, seed=1, drq=drq)  # compile or load
    for rounds in (100, 10_000):
        before = rtsys.get_allocation_stats().alloc
        play([dwarf, paper], s, rounds=rounds, seed=3, drq=drq)
        counts.append(rtsys.get_allocation_stats().alloc - before)
print(*counts)
"""


def test_kernel_allocations_do_not_depend_on_rounds_or_cycles():
    """numba's own allocation counter (NUMBA_NRT_STATS) over a call of 100 and of 10,000."""
    env = {**os.environ, "NUMBA_NRT_STATS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", COUNT_SCRIPT], cwd=REPO, capture_output=True, text=True,
        timeout=600, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    plain_100, plain_10k, drq_100, drq_10k = map(int, out.stdout.split())
    assert plain_100 == plain_10k and drq_100 == drq_10k
    assert 0 < plain_100 < 64  # scratch and result arrays, per call
