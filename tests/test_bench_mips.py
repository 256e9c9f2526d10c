"""bench/mips.py: another simulator's different results are listed, not fatal; no result is."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _mips(tmp_path, driver_output: str) -> subprocess.CompletedProcess:
    driver = tmp_path / "driver.py"
    driver.write_text(f"print({driver_output!r})\n")
    return subprocess.run(
        [
            sys.executable, str(REPO / "bench" / "mips.py"), "--set", "golden",
            "--runs", "1", "--single-only", "--external", f"fake={sys.executable} {driver}",
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_a_simulator_with_other_results_is_listed_and_still_timed(tmp_path, shared):
    out = _mips(tmp_path, "0 0 0 - 0.001")  # no golden fight ends 0 0 0: all disagree
    assert out.returncode == 0, out.stderr
    assert (
        "(fake disagrees with pMARS 0.9.4 on 30 of 30 fights (wins losses ties instructions): "
        in out.stdout
    )
    assert "arena's and every pMARS's results and instruction counts exact" in out.stdout
    assert any(line.lstrip().startswith("fake ") for line in out.stdout.splitlines())


def test_a_simulator_that_prints_no_result_stops_the_run(tmp_path, shared):
    out = _mips(tmp_path, "segmentation fault")
    assert out.returncode != 0
    assert "MISMATCH" in (out.stdout + out.stderr)
