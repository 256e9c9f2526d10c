"""bench/parallel_ceiling.py: one process alone, then two at once, on the same fights."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "parallel_ceiling.py"
LLM = REPO.parent / "shared" / "corpus" / "llm"


def test_reports_each_process_and_their_sum_over_one_alone():
    cmd = [sys.executable, str(SCRIPT), "--dir", str(LLM), "--pairs", "2", "--rounds", "2"]
    out = subprocess.run([*cmd, "--runs", "1"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    run = re.search(r"run 1: alone ([\d.]+) MIPS; together ([\d.]+) and ([\d.]+)", out.stdout)
    assert run and all(float(x) > 0 for x in run.groups()), out.stdout
    alone, first, second = map(float, run.groups())
    ratio = re.search(r"two processes give ([\d.]+)x one", out.stdout)
    assert ratio and abs(float(ratio[1]) - (first + second) / alone) < 0.01


def test_a_missing_folder_is_one_line_on_stderr(tmp_path):
    cmd = [sys.executable, str(SCRIPT), "--dir", str(tmp_path / "nowhere")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert out.stderr.strip().endswith("no such folder") and "Traceback" not in out.stderr
