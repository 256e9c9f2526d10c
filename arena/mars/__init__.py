"""The MARS engine: pMARS-exact numba kernels, their Python wrapper and the Debugger."""

from arena.mars.engine import PSpace, RoundsResult, default_pspace_size, run_rounds
from arena.mars.layout import Program

__all__ = ["PSpace", "Program", "RoundsResult", "default_pspace_size", "run_rounds"]
