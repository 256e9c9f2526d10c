"""``arena battle``: pMARS's flags and -k output, --json, --batch, and clean errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from arena.cli import main
from tests.mars_helpers import GOLDEN, jsonl

CORPUS = GOLDEN.parent / "corpus" / "human"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["battle", *args], input=stdin)


def red(name: str) -> str:
    return str(CORPUS / name)


def load(name: str) -> str:
    return str(GOLDEN / "asm" / f"{name}.load")


def test_k_output_two_warriors(shared):
    record = jsonl("multiround.jsonl")[0]
    result = run(
        "-b", "-k", "-r", "100", "-F", str(record["F"]), red(record["a"]), red(record["b"])
    )
    assert result.exit_code == 0, result.output
    a_ties = record["ties"]
    assert result.stdout == f"{record['A_wins']} {a_ties}\n{record['B_wins']} {a_ties}\n"


def test_k_output_melee_with_checksum_and_clustered_flags(shared):
    record = jsonl("melee_f.jsonl")[0]
    files = [red(w) for w in record["warriors"]]
    result = run("-bkf", "-r", str(record["rounds"]), *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == record["k_output"]


def test_crowded_settings_from_flags(shared):
    record = jsonl("melee_crowded.jsonl")[0]
    files = [red(w) for w in record["warriors"]]
    flags = record["cmd"].split()[2 : -len(record["warriors"])]  # after "pmars -b"
    result = run("-b", *flags, *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == record["k_output"]


def test_json_per_round_records(shared):
    record = jsonl("multiround.jsonl")[1]
    result = run("--json", "-r", "100", "-f", red(record["a"]), red(record["b"]))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["wins"] == [record["A_wins"], record["B_wins"]]
    got = [[r["pos"][1], r["first"], r["result"], r["steps"]] for r in doc["per_round"]]
    assert got == record["per_round"]
    assert doc["instructions"] == sum(r[3] for r in record["per_round"])


def test_table_and_load_files(shared):
    result = run("-r", "4", "-F", "4000", load("dwarf"), load("imp"))
    assert result.exit_code == 0, result.output
    assert "wins" in result.stdout.splitlines()[0]
    assert "4 rounds" in result.stdout


def test_drq_json(shared):
    result = run("--json", "--drq", "-r", "2", "-F", "4000", red("dwarf.red"), red("imp.red"))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["drq"]["score"]) == 2
    assert "drq" in doc["per_round"][0]


def test_batch(tmp_path, shared):
    record = jsonl("multiround.jsonl")[0]
    lines = [
        json.dumps(
            {"args": ["-r", "100", "-F", str(record["F"]), red(record["a"]), red(record["b"])]}
        ),
        json.dumps({"args": ["-r", "1", red("no_such_warrior.red"), red("imp.red")]}),
        "not json",
        json.dumps({"args": ["-k", "-r", "3", "-F", "4000", load("dwarf"), load("imp")]}),
    ]
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("\n".join(lines) + "\n")
    for source, stdin in ((str(jobs), None), ("-", "\n".join(lines) + "\n")):
        result = run("--batch", source, stdin=stdin)
        assert result.exit_code == 0, result.output
        out = [json.loads(x) for x in result.stdout.splitlines()]
        assert len(out) == 4
        assert out[0]["wins"] == [record["A_wins"], record["B_wins"]]
        assert out[0]["ties"] == [record["ties"]] * 2
        assert out[0]["losses"] == [record["B_wins"], record["A_wins"]]
        assert out[0]["instructions"] == sum(r[3] for r in record["per_round"])
        assert "seconds" in out[0]
        assert "error" in out[1] and "no_such_warrior" in out[1]["error"]
        assert "error" in out[2]
        assert out[3]["k_output"] and len(out[3]["k_output"]) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["-r", "x", "A", "B"],
        ["-Z", "A", "B"],
        ["-F", "50", "{imp}", "{dwarf}"],  # -F below the distance
        ["-f", "-F", "500", "{imp}", "{dwarf}"],
        ["-d", "50", "{imp}", "{dwarf}"],  # distance below the length
        ["-=", "1/(S-1)", "{imp}", "{dwarf}"],
        ["-P", "{imp}", "{dwarf}", "{imp}"],
        ["{imp}", "{missing}"],
        ["-s", "150", "{imp}", "{dwarf}"],  # too small for two at distance 100
        ["--batch", "-", "{imp}"],
        ["-r"],
        [],
    ],
)
def test_errors_are_one_line_and_status_2(args, tmp_path, shared):
    bad = tmp_path / "bad.red"
    bad.write_text("mov 0, 1\n  dat #0 #0\n")
    names = {
        "imp": red("imp.red"),
        "dwarf": red("dwarf.red"),
        "missing": str(tmp_path / "nope.red"),
    }
    argv = [a.format(**names) for a in args]
    result = run(*argv)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_bad_redcode_file(tmp_path, shared):
    bad = tmp_path / "bad.red"
    bad.write_text(";redcode-94\n  mov 0, 1\n  dat #0 #0\n")
    result = run(str(bad), red("imp.red"))
    assert result.exit_code == 2
    assert "bad.red:3" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
