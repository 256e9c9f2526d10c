"""Start-up help for the commands that only play battles (``battle``, ``hill``, ``bench``).

When numba first loads a compiled kernel it imports its NumPy support, which probes for
BLAS by importing ``scipy.linalg``: a quarter of a second (scipy is installed for pyribs)
that a battle never uses, as no kernel of ours calls a BLAS routine. In these processes,
and only when scipy is not already loaded, that probe is answered "no BLAS" at once.
Nothing else changes; a later ``import scipy`` in the same process works as usual.
"""

from __future__ import annotations

import sys

_PROBE = "scipy.linalg.cython_blas"


def skip_numba_blas_probe() -> None:
    """Load numba's NumPy support without its scipy BLAS probe (idempotent)."""
    if "numba.np.arraymath" in sys.modules or "scipy" in sys.modules:
        return
    sys.modules[_PROBE] = None  # type: ignore[assignment]  # makes the probe's import fail
    try:
        import numba.np.arraymath  # noqa: F401  (runs the probe, now instant)
    finally:
        if sys.modules.get(_PROBE, 0) is None:
            del sys.modules[_PROBE]
