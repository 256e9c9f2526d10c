"""The MARS engine: pMARS-exact numba kernels, their Python wrapper and the Debugger.

* ``arena.mars.kernel``: the compiled round kernel (``run_round``) and the batch loop.
* ``arena.mars.engine``: ``run_rounds`` (threads, P-space), ``PSpace``.
* ``arena.mars.debugger``: ``Debugger``, a stepper over the same kernel.
* ``arena.mars.layout``: how cells and warriors are laid out in flat arrays.

Placement, seeds and whole battles are in ``arena.battle``; scores in ``arena.scoring``.
"""

from arena.mars.debugger import Debugger, Events, Step
from arena.mars.engine import PSpace, RoundsResult, default_pspace_size, run_rounds
from arena.mars.program import Program

__all__ = [
    "Debugger",
    "Events",
    "PSpace",
    "Program",
    "RoundsResult",
    "Step",
    "default_pspace_size",
    "run_rounds",
]
