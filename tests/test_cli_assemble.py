"""``arena assemble`` prints what ``pmars -A`` prints."""

from __future__ import annotations

from click.testing import CliRunner

from arena.cli import main
from tests.conftest import SHARED

HUMAN = SHARED / "corpus" / "human"
GOLDEN = SHARED / "golden" / "asm"


def run(*args: str):
    return CliRunner().invoke(main, ["assemble", *args])


def test_single_file_prints_the_load_file_and_warnings() -> None:
    result = run(str(HUMAN / "dwarf.red"))
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "dwarf.load").read_text()
    assert result.stderr == (GOLDEN / "dwarf.stderr").read_text()


def test_failing_file_exits_3_with_pmars_messages() -> None:
    result = run(str(HUMAN / "stone.red"))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (GOLDEN / "stone.stderr").read_text()


def test_several_files_are_marked_and_assembled_each_on_its_own() -> None:
    files = [str(HUMAN / name) for name in ("imp.red", "stone.red", "mice.red")]
    result = run(*files)
    assert result.exit_code == 3
    expected_out = "".join(
        f";file {path}\n" + (GOLDEN / f"{name}.load").read_text()
        for path, name in ((files[0], "imp"), (files[2], "mice"))
    )
    assert result.stdout == expected_out
    assert f";file {files[1]}\nWarning:" in result.stderr
    assert "Improper placement of '#'" in result.stderr


def test_whole_human_corpus_in_one_process() -> None:
    files = sorted(str(p) for p in HUMAN.glob("*.red"))
    result = run(*files)
    assert result.exit_code == 3  # stone.red is rejected
    assert result.stdout.count(";file ") == 316


def test_settings_flags_reach_the_predefined_variables(tmp_path) -> None:
    source = tmp_path / "w.red"
    source.write_text(";assert CORESIZE == 800 && MAXLENGTH == 20\n dat MINDISTANCE, PSPACESIZE\n")
    result = run("-s", "800", "-l", "20", str(source))
    assert result.exit_code == 0, result.stderr
    assert "DAT.F  #     0, $    20" in result.stdout.splitlines()[1] or "$    20" in result.stdout
    assert "$    50" in result.stdout


def test_bad_flags_exit_2() -> None:
    assert run("-s", "abc", str(HUMAN / "imp.red")).exit_code == 2
    assert run("-l", "50", "-d", "10", str(HUMAN / "imp.red")).exit_code == 2


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    result = run(str(tmp_path / "nope.red"))
    assert result.exit_code == 3
    assert "Unable to open file" in result.stderr
    assert "Traceback" not in result.stderr
