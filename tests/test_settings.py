"""Hill settings: presets by name, ``--hill NAME`` on every command, and how flags override them."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from arena.cli import main
from arena.commands.flags import hill_option, settings_for, settings_options
from arena.paths import data_dir
from arena.redcode import assemble, assemble_file
from arena.settings import (
    PRESETS,
    Settings,
    SettingsError,
    admission_problem,
    hill_settings,
    preset,
    uses_pspace,
)


def admits(name, warrior):
    return admission_problem(hill_settings(name), warrior)


EXPECTED = {
    # name: (core, cycles, processes, length, distance, P-space allowed)
    "94nop": (8000, 80000, 8000, 100, 100, False),
    "94": (8000, 80000, 8000, 100, 100, True),
    "nano": (80, 800, 80, 5, 5, True),
    "tiny": (800, 8000, 800, 20, 20, True),
    "94x": (55440, 500000, 10000, 200, 200, True),
    "lp": (8000, 80000, 8, 200, 200, True),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_values(name):
    s = hill_settings(name)
    assert isinstance(s, Settings)
    core, cycles, procs, length, dist, pspace = EXPECTED[name]
    assert (s.core_size, s.max_cycles, s.max_processes, s.max_length, s.min_distance) == (
        core,
        cycles,
        procs,
        length,
        dist,
    )
    assert preset(name).pspace is pspace
    assert s.pspace == {8000: 500, 80: 5, 800: 50, 55440: 3465}[core]
    assert s.core_size >= 2 * s.min_distance


def test_names_are_case_insensitive_and_unknown_ones_fail():
    assert preset("NANO") is PRESETS["nano"]
    with pytest.raises(SettingsError, match="unknown hill"):
        preset("koth")
    assert set(PRESETS) == set(EXPECTED)


def test_flags_override_the_preset():
    assert settings_for(None) == Settings()  # default: the '94 hill
    s = settings_for("tiny", max_cycles=1000)
    assert (s.core_size, s.max_cycles, s.max_length, s.min_distance) == (800, 1000, 20, 20)
    s = settings_for("nano", max_length=10)  # -l grows the distance with it, as in pMARS
    assert (s.max_length, s.min_distance) == (10, 10)
    s = settings_for("94", min_distance=300, rounds=7)
    assert (s.min_distance, s.rounds) == (300, 7)
    with pytest.raises(SettingsError):
        settings_for("nano", min_distance=2)  # shorter than -l 5
    with pytest.raises(SettingsError):
        settings_for("nope")


def test_pspace_admission():
    cham = assemble_file(data_dir("warriors") / "chameleon.red", hill_settings("94")).warrior
    dwarf = assemble_file(data_dir("warriors") / "dwarf.red", hill_settings("94")).warrior
    assert uses_pspace(cham) and not uses_pspace(dwarf)
    assert "P-space" in admits("94nop", cham)
    assert admits("94", cham) is None and admits("94nop", dwarf) is None
    pin = assemble(";assert 1\npin 5\njmp 0\n", hill_settings("94")).warrior
    assert uses_pspace(pin)


def test_hill_option_is_reusable():
    @click.command()
    @hill_option
    @settings_options
    def show(hill, **flags):
        s = settings_for(hill, **flags)
        click.echo(f"{s.core_size} {s.max_cycles} {s.max_processes} {s.max_length}")

    r = CliRunner().invoke(show, ["--hill", "lp"])
    assert r.output.strip() == "8000 80000 8 200"
    r = CliRunner().invoke(show, ["--hill", "94x", "-p", "50"])
    assert r.output.strip() == "55440 500000 50 200"
    r = CliRunner().invoke(show, ["--hill", "bogus"])
    assert r.exit_code == 2


def nano_warrior(tmp_path, name, body):
    p = tmp_path / f"{name}.red"
    p.write_text(f";redcode-94\n;name {name}\n;assert CORESIZE == 80\n{body}")
    return str(p)


def test_commands_run_under_a_preset(tmp_path):
    """A nano hill: 5-line warriors in an 80-cell core."""
    a = nano_warrior(tmp_path, "nstone", "l add.ab #4, b\n mov.i b, @b\n jmp l\nb dat #0, #4\n")
    b = nano_warrior(tmp_path, "nimp", "mov.i 0, 1\n")
    r = CliRunner().invoke(main, ["hill", a, b, "--hill", "nano", "-r", "6", "--no-cache", "-q"])
    assert r.exit_code == 0, r.output
    assert "nstone" in r.stdout and "nimp" in r.stdout
    r = CliRunner().invoke(
        main, ["bench", a, "--against", b, "--hill", "nano", "--placements", "4", "--no-cache"]
    )
    assert r.exit_code == 0, r.output
    # and the warriors written for the nano core do not fit the default hill's assert
    r = CliRunner().invoke(main, ["hill", a, b, "-r", "2", "--no-cache", "-q"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "nstone" in r.stderr


def test_too_long_for_the_preset_is_refused(tmp_path):
    long = nano_warrior(tmp_path, "long", "nop\n" * 6 + "jmp 0\n")
    short = nano_warrior(tmp_path, "short", "jmp 0\n")
    r = CliRunner().invoke(main, ["hill", long, short, "--hill", "nano", "--no-cache", "-q"])
    assert r.exit_code == 2
    assert "long.red" in r.stderr and len(r.stderr.strip().splitlines()) == 1
