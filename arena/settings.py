"""Hill settings shared by the assembler, the engine and the evolution loop.

The defaults are the standard ICWS'94 hill that pMARS uses when given no flags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


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


DEFAULT_SETTINGS = Settings()
