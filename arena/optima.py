"""Optima-style scores of bombing steps: how evenly ``k * step (mod C)`` covers the core.

A stone or scanner that drops its k-th bomb at ``k * step`` from itself should leave, at
every stage, no hole much larger than an even spread would: ``C / (k + 1)`` cells after
k bombs. Players call the steps that come close "optima numbers" and tune for them
before playing a single battle. The score of a step is the mean, over the first
``bombs`` bombs, of (largest run of unbombed cells) / (that even spread): 1.0 would be
perfect at every stage, larger is worse. A step whose pattern repeats early (because it
shares a factor with C) keeps its last hole for the stages it cannot reach, so it is
ranked by how much of the core it can ever hit as well.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _scores(core_size, steps, bombs):
    out = np.empty(steps.shape[0], dtype=np.float64)
    occupied = np.zeros(core_size, dtype=np.bool_)
    holes = np.zeros(core_size + 1, dtype=np.int64)  # how many holes of each length
    for j in range(steps.shape[0]):
        step = steps[j] % core_size
        if step == 0:
            out[j] = np.inf
            continue
        occupied[:] = False
        holes[:] = 0
        occupied[0] = True  # the bomber itself
        largest = core_size - 1
        holes[largest] = 1
        total = 0.0
        position = 0
        k = 1
        while k <= bombs:
            position = (position + step) % core_size
            if occupied[position]:
                break  # the pattern repeats: no new cell from here on
            before = position - 1 if position > 0 else core_size - 1
            while not occupied[before]:
                before = before - 1 if before > 0 else core_size - 1
            after = position + 1 if position < core_size - 1 else 0
            while not occupied[after]:
                after = after + 1 if after < core_size - 1 else 0
            left = (position - before) % core_size - 1
            right = (after - position) % core_size - 1
            holes[left + right + 1] -= 1
            holes[left] += 1
            holes[right] += 1
            occupied[position] = True
            while holes[largest] == 0:
                largest -= 1
            total += largest * (k + 1) / core_size
            k += 1
        while k <= bombs:  # stages the step never reaches keep its last hole
            total += largest * (k + 1) / core_size
            k += 1
        out[j] = total / bombs
    return out


def optima_scores(core_size: int, steps, bombs: int | None = None) -> np.ndarray:
    """The score of each step (lower is better; see the module docstring)."""
    if core_size < 2:
        raise ValueError("the core must have at least 2 cells")
    bombs = min(core_size - 1, 400) if bombs is None else int(bombs)
    array = np.ascontiguousarray(np.asarray(steps, dtype=np.int64) % core_size)
    return _scores(int(core_size), array, max(1, bombs))


def best_steps(core_size: int, low: int, high: int, count: int, *, stride: int = 1) -> list[int]:
    """The ``count`` steps of ``low..high`` (by ``stride``) with the best optima scores."""
    steps = np.arange(low, high + 1, max(1, stride), dtype=np.int64)
    if steps.size == 0:
        return []
    scores = optima_scores(core_size, steps)
    order = np.lexsort((steps, scores))  # best first, smaller step among equals
    return [int(steps[i]) for i in order[:count]]
