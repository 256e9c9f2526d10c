"""The battle commands' start-up shortcut: no scipy BLAS probe, nothing else changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from arena.commands import load_command
load_command("battle")
import numba.np.arraymath as arraymath
assert "scipy.linalg" not in sys.modules, "the probe imported scipy.linalg"
assert arraymath._HAVE_BLAS is False
from arena.battle import play
from arena.redcode import assemble
from arena.settings import Settings
w = assemble("mov.i $0, $1\\n").warrior
assert play([w, w], Settings(), rounds=1, seed=1).ties() == [1, 1]
import scipy.linalg  # still importable as usual afterwards
assert scipy.linalg.cython_blas is not None
print("ok")
"""


def test_battle_command_skips_the_blas_probe_and_scipy_still_imports():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_skip_is_a_no_op_once_scipy_is_loaded():
    code = (
        "import scipy.linalg, sys\n"
        "from arena.commands.fast_start import skip_numba_blas_probe\n"
        "skip_numba_blas_probe()\n"
        "import numba.np.arraymath as m\n"
        "assert m._HAVE_BLAS is True\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
