"""``arena battle --hill NAME``: the preset's rules, single flags on top."""

from __future__ import annotations

from arena.commands.battle import parse_args, settings_for
from arena.errors import UsageError


def test_hill_preset_sets_the_rules() -> None:
    settings = settings_for(parse_args(["--hill", "tiny", "a.red", "b.red"]))
    assert (settings.core_size, settings.max_cycles, settings.max_length) == (800, 8000, 20)
    assert settings.min_distance == 20


def test_single_flags_override_the_preset() -> None:
    settings = settings_for(
        parse_args(["--hill", "tiny", "-c", "500", "-l", "30", "a.red", "b.red"])
    )
    assert (settings.core_size, settings.max_cycles, settings.max_length) == (800, 500, 30)
    assert settings.min_distance == 30  # pMARS: the distance is at least the length


def test_unknown_hill_is_a_usage_error() -> None:
    try:
        parse_args(["--hill", "giant", "a.red"])
    except UsageError as exc:
        assert "unknown hill 'giant'" in str(exc)
    else:
        raise AssertionError("expected a usage error")
