"""bench/engine_ab.py: two checkouts' engines play the same fights and must agree."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_one_checkout_against_itself_agrees_and_reports_both(shared):
    out = subprocess.run(
        [
            sys.executable, str(REPO / "bench" / "engine_ab.py"), str(REPO), str(REPO),
            "--dir", str(shared / "corpus" / "human"),
            "--pairs", "3", "--rounds", "2", "--runs", "2",
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("3 fights x 2 rounds of ")
    assert int(lines[0].split(", ")[-1].split()[0]) > 0  # instructions counted
    assert sum("median" in line and "MIPS" in line for line in lines) == 2
    assert "speed: median" in lines[-1] and lines[-1].count(",") == 1  # one ratio per run


def test_melees_under_the_drq_rules_agree_and_list_the_slowest(shared):
    out = subprocess.run(
        [
            sys.executable, str(REPO / "bench" / "engine_ab.py"), str(REPO), str(REPO),
            "--dir", str(shared / "corpus" / "human"), "--warriors", "4", "--drq",
            "--pairs", "2", "--rounds", "1", "--runs", "1", "--top", "1",
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("2 fights x 1 rounds of ")
    assert int(lines[0].split(", ")[-1].split()[0]) > 0
    assert " and 3 more -F " in lines[-1]  # a melee is named by its first warrior


def test_fewer_than_two_warriors_per_fight_is_refused(shared):
    out = subprocess.run(
        [
            sys.executable, str(REPO / "bench" / "engine_ab.py"), str(REPO), str(REPO),
            "--dir", str(shared / "corpus" / "human"), "--warriors", "1",
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode != 0
    assert out.stderr.strip() == "engine_ab: --warriors wants 2 or more"
