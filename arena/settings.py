"""The one owner of hill settings: every field, the named hills, validation and admission.

Every place that takes hill settings (``arena battle``'s pMARS flags, the click flags of
the other commands, config files, the TUI's forms, evolution) builds them with
``build_settings`` and nothing else, so the same input is accepted or refused the same
way everywhere, with one error type (``SettingsError``) whose message names the flag or
config key the user wrote.

The defaults are the standard ICWS'94 hill that pMARS uses when given no flags (and,
like pMARS, they admit P-space). Named hills (``--hill NAME``, ``hill = "NAME"``):

| name    | core  | cycles | processes | length | distance | P-space |
|---------|-------|--------|-----------|--------|----------|---------|
| 94nop   | 8000  | 80000  | 8000      | 100    | 100      | no      |
| 94      | 8000  | 80000  | 8000      | 100    | 100      | yes     |
| nano    | 80    | 800    | 80        | 5      | 5        | yes     |
| tiny    | 800   | 8000   | 800       | 20     | 20       | yes     |
| 94x     | 55440 | 500000 | 10000     | 200    | 200      | yes     |
| lp      | 8000  | 80000  | 8         | 200    | 200      | yes     |

``lp`` is the "limited process" hill. Admission (``admission_problem``) is the rule a
hill applies before a warrior may play: on a hill without P-space, a warrior that uses
LDP, STP or PIN is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from arena.errors import UsageError

if TYPE_CHECKING:
    from arena.redcode.model import Warrior


class SettingsError(UsageError, ValueError):
    """A setting that cannot be used; the message names the flag or key and why."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The rules a warrior is assembled and played under (pMARS flag letter in brackets)."""

    core_size: int = 8000  # -s
    max_cycles: int = 80000  # -c
    max_processes: int = 8000  # -p
    max_length: int = 100  # -l
    min_distance: int = 100  # -d
    pspace_size: int | None = None  # -S; None means pMARS's default (see `pspace`)
    rounds: int = 1  # -r
    warriors: int = 2  # number of warriors in the battle (WARRIORS)
    read_limit: int | None = None  # -R; None means the core size
    write_limit: int | None = None  # -W; None means the core size
    pspace_allowed: bool = True  # admission: may a warrior use LDP/STP/PIN?

    @property
    def pspace(self) -> int:
        """P-space size; without -S, pMARS uses about 1/16 of the core size."""
        if self.pspace_size:
            return self.pspace_size
        # pMARS takes core_size / i for the largest i <= 16 that divides the core size.
        for i in range(16, 0, -1):
            if self.core_size % i == 0:
                return self.core_size // i
        return self.core_size

    @property
    def read(self) -> int:
        return self.core_size if self.read_limit is None else self.read_limit

    @property
    def write(self) -> int:
        return self.core_size if self.write_limit is None else self.write_limit

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (keeps call sites short)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def hill_fields(self) -> dict[str, Any]:
        """The fields a hill defines (not rounds or warriors), None ones left out (TOML)."""
        return {k: getattr(self, k) for k in HILL_FIELDS if getattr(self, k) is not None}


DEFAULT_SETTINGS = Settings()

# --------------------------------------------------------------------------- fields


@dataclass(frozen=True, slots=True)
class Field:
    """One setting: its pMARS flag letter, its range and what it means."""

    name: str
    letter: str  # pMARS's flag letter ("" if pMARS has none)
    low: int
    high: int
    meaning: str


MAX_CORE_SIZE = 2**30
MAX_WARRIOR_LENGTH = 1000  # pMARS's MAXINSTR
MAX_WARRIORS = 100

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("core_size", "s", 1, MAX_CORE_SIZE, "core size"),
        Field("max_cycles", "c", 1, 2**62, "cycles until a tie"),
        Field("max_processes", "p", 1, 2**31 - 1, "maximum processes per warrior"),
        Field("max_length", "l", 1, MAX_WARRIOR_LENGTH, "maximum warrior length"),
        Field("min_distance", "d", 1, MAX_CORE_SIZE, "minimum distance between warriors"),
        Field("pspace_size", "S", 1, MAX_CORE_SIZE, "P-space size"),
        Field("rounds", "r", 0, 2**31 - 1, "rounds to play"),
        Field("read_limit", "R", 1, MAX_CORE_SIZE, "read limit"),
        Field("write_limit", "W", 1, MAX_CORE_SIZE, "write limit"),
    )
}
HILL_FIELDS: tuple[str, ...] = (
    "core_size",
    "max_cycles",
    "max_processes",
    "max_length",
    "min_distance",
    "pspace_size",
    "read_limit",
    "write_limit",
    "pspace_allowed",
)

Naming = Callable[[str], str]


def config_key(name: str) -> str:
    """How a config file spells a field: its own name."""
    return name


def pmars_flag(name: str) -> str:
    """How pMARS's command line spells a field: ``-s (core size)``."""
    f = FIELDS.get(name)
    return f"-{f.letter} ({f.meaning})" if f and f.letter else name


# --------------------------------------------------------------------------- hills


@dataclass(frozen=True, slots=True)
class Preset:
    """A named hill."""

    name: str
    settings: Settings
    description: str

    @property
    def pspace(self) -> bool:
        return self.settings.pspace_allowed


def _hill(core: int, cycles: int, processes: int, length: int, distance: int, pspace: bool):
    return Settings(
        core_size=core,
        max_cycles=cycles,
        max_processes=processes,
        max_length=length,
        min_distance=distance,
        pspace_allowed=pspace,
    )


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("94nop", _hill(8000, 80000, 8000, 100, 100, False), "ICWS'94 without P-space"),
        Preset("94", _hill(8000, 80000, 8000, 100, 100, True), "ICWS'94 with P-space"),
        Preset("nano", _hill(80, 800, 80, 5, 5, True), "nano: 80 cells, 5 instructions"),
        Preset("tiny", _hill(800, 8000, 800, 20, 20, True), "tiny: 800 cells, 20 instructions"),
        Preset("94x", _hill(55440, 500000, 10000, 200, 200, True), "'94 experimental (big)"),
        Preset("lp", _hill(8000, 80000, 8, 200, 200, True), "limited process: 8 processes"),
    )
}
DEFAULT_HILL = "94nop"


def preset(name: str, *, key: str = "--hill") -> Preset:
    """The hill called ``name`` (case-insensitive); ``key`` names where it was given."""
    found = PRESETS.get(str(name).strip().lower())
    if found is None:
        raise SettingsError(f"{key}: unknown hill {name!r} (known: {', '.join(PRESETS)})")
    return found


def hill_settings(name: str) -> Settings:
    """The ``Settings`` of hill ``name``."""
    return preset(name).settings


# --------------------------------------------------------------------------- building


def _checked_value(name: str, value: Any, label: Naming) -> Any:
    if name == "pspace_allowed":
        if not isinstance(value, bool):
            raise SettingsError(f"{label(name)} must be true or false, not {value!r}")
        return value
    f = FIELDS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{label(name)} must be a whole number, not {value!r}")
    if not f.low <= value <= f.high:
        raise SettingsError(f"{label(name)} must be in the range {f.low} - {f.high}, not {value}")
    return value


def build_settings(
    hill: str | None = None,
    values: Mapping[str, Any] | None = None,
    *,
    warriors: int = 2,
    battle: bool = True,
    threads: int = 1,
    label: Naming = config_key,
) -> Settings:
    """Settings of hill ``hill`` (None: pMARS's defaults) with ``values`` applied, checked.

    ``values`` holds the fields the user gave (None means "not given"). As in pMARS the
    minimum distance follows the maximum length when it is not given. ``battle=False``
    skips the checks that only matter for playing (assembling only). ``label`` spells a
    field the way the user wrote it, for the message. Raises SettingsError.
    """
    given = {k: v for k, v in (values or {}).items() if v is not None}
    unknown = sorted(set(given) - set(FIELDS) - {"pspace_allowed"})
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]!r} (known: {', '.join(HILL_FIELDS)})")
    checked = {k: _checked_value(k, v, label) for k, v in given.items()}
    base = preset(hill).settings if hill else DEFAULT_SETTINGS
    settings = base.with_(**checked, warriors=max(int(warriors), 1))
    if "min_distance" not in checked:
        length = settings.max_length
        distance = length if not hill else max(base.min_distance, length)
        settings = settings.with_(min_distance=distance)
    check(settings, battle=battle, threads=threads, label=label)
    return settings


def check(
    settings: Settings, *, battle: bool = True, threads: int = 1, label: Naming = config_key
) -> None:
    """Refuse settings that do not fit together (pMARS's checks) or in memory."""
    s = settings
    if s.min_distance < s.max_length:
        raise SettingsError(
            f"{label('min_distance')} must not be less than {label('max_length')} "
            f"({s.min_distance} < {s.max_length})"
        )
    if s.pspace > s.core_size:
        raise SettingsError(f"{label('pspace_size')} must not exceed the core size")
    for name, limit in (("read_limit", s.read), ("write_limit", s.write)):
        if limit > s.core_size or s.core_size % limit:
            raise SettingsError(f"{label(name)} ({limit}) must divide the core size {s.core_size}")
    if battle:
        check_fits(s, s.warriors, label=label)
        check_memory(s, threads=threads, label=label)


def check_fits(settings: Settings, warriors: int, *, label: Naming = config_key) -> None:
    """Refuse a battle of ``warriors`` warriors that pMARS could not place in the core."""
    if warriors > MAX_WARRIORS:
        raise SettingsError(f"at most {MAX_WARRIORS} warriors can play in one battle")
    if settings.core_size < warriors * settings.min_distance:
        raise SettingsError(
            f"core size {settings.core_size} is too small for {warriors} warriors at distance "
            f"{settings.min_distance}: lower {label('min_distance')} or raise {label('core_size')}"
        )


# --------------------------------------------------------------------------- memory


def memory_parts(settings: Settings, *, threads: int = 1, drq: bool = True) -> dict[str, int]:
    """Bytes a battle under ``settings`` allocates at most, by the field that drives them.

    Each playing thread owns a core (8-byte cells up to 65536 cells, 16-byte above) and,
    for the Digital Red Queen metrics, a coverage map of one byte per cell per warrior;
    every warrior's process queue takes 4 bytes a slot; results ~8 bytes per round and
    field; P-space 8 bytes a cell.
    """
    s = settings
    n = max(s.warriors, 1)
    t = max(1, threads)
    cell = 8 if s.core_size <= 1 << 16 else 16
    return {
        "core_size": t * s.core_size * (cell + (n if drq else 0)),
        "max_processes": t * n * (s.max_processes + 8) * 4,
        "rounds": s.rounds * 8 * (3 + 4 * n),
        "pspace_size": n * (s.pspace + 1) * 8,
    }


def available_memory() -> int:
    """Bytes of memory this machine can give now (MemAvailable; else all physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


def check_memory(settings: Settings, *, threads: int = 1, label: Naming = config_key) -> None:
    """Refuse, up front, settings whose battle would not fit in the memory there is."""
    parts = memory_parts(settings, threads=threads)
    needed = sum(parts.values())
    have = available_memory()
    if needed <= have * 0.8:
        return
    biggest = max(parts, key=lambda k: parts[k])
    raise SettingsError(
        f"these settings need about {_size(needed)} of memory and {_size(have)} is available: "
        f"lower {label(biggest)} ({getattr(settings, biggest)})"
    )


# --------------------------------------------------------------------------- admission


def uses_pspace(warrior: Warrior) -> bool:
    """True when the warrior has LDP or STP instructions or declares PIN."""
    return warrior.uses_pspace


def admission_problem(settings: Settings, warrior: Warrior) -> str | None:
    """None if a hill with ``settings`` admits the warrior, else the reason it does not."""
    if len(warrior) == 0:
        return "has no instructions"
    if len(warrior) > settings.max_length:
        return f"is longer than {settings.max_length} instructions"
    if not settings.pspace_allowed and warrior.uses_pspace:
        return "uses P-space (LDP/STP/PIN), which this hill does not allow"
    return None
