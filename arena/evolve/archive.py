"""One round's MAP-Elites archive: a grid of behaviours, the best warrior in each cell.

pyribs' GridArchive stores the elites (program text as object solutions, the candidate
id as an extra field). Its grid is uniform, so each behaviour descriptor is first mapped
to its bin with the run's bin edges (the paper's edges are not uniform) and the bin
index is what pyribs sees. Elites are drawn with our own seeded generator, so a run is
reproducible; the archive is saved as plain JSON, not pickles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ribs.archives import GridArchive

from arena.scoring import DESCRIPTOR_EDGES, bin_of


@dataclass(frozen=True, slots=True)
class Elite:
    candidate_id: int
    code: str
    fitness: float
    descriptors: tuple[float, float]
    cell: tuple[int, int]


class Archive:
    """A MAP-Elites grid over two behaviour axes with fixed bin edges."""

    def __init__(self, edges: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
        self.edges = (tuple(edges[0]), tuple(edges[1]))
        self.dims = (len(self.edges[0]) + 1, len(self.edges[1]) + 1)
        self._grid = GridArchive(
            solution_dim=(),
            dims=list(self.dims),
            ranges=[(0, self.dims[0]), (0, self.dims[1])],
            solution_dtype=object,
            extra_fields={
                "candidate_id": ((), np.int64),
                "d0": ((), np.float64),
                "d1": ((), np.float64),
            },
        )

    @classmethod
    def for_axes(cls, axes: tuple[str, str] | list[str]) -> Archive:
        """An empty archive over two named axes, with their bin edges from scoring."""
        return cls((DESCRIPTOR_EDGES[axes[0]], DESCRIPTOR_EDGES[axes[1]]))

    def cell_of(self, descriptors: tuple[float, float]) -> tuple[int, int]:
        """The bin of each descriptor: values below the first edge go to bin 0."""
        return (bin_of(descriptors[0], self.edges[0]), bin_of(descriptors[1], self.edges[1]))

    def add(
        self, candidate_id: int, code: str, fitness: float, descriptors: tuple[float, float]
    ) -> bool:
        """Place a candidate if its cell is empty or it beats the elite there."""
        cell = self.cell_of(descriptors)
        status = self._grid.add_single(
            code,
            float(fitness),
            [cell[0] + 0.5, cell[1] + 0.5],
            candidate_id=candidate_id,
            d0=float(descriptors[0]),
            d1=float(descriptors[1]),
        )["status"]
        return int(status) > 0

    def elites(self) -> list[Elite]:
        """All elites, in cell order (a stable order for seeded sampling)."""
        data = self._grid.data(["solution", "objective", "measures", "candidate_id", "d0", "d1"])
        found = [
            Elite(
                int(cid),
                str(code),
                float(fit),
                (float(d0), float(d1)),
                (int(m[0]), int(m[1])),
            )
            for code, fit, m, cid, d0, d1 in zip(
                data["solution"],
                data["objective"],
                data["measures"],
                data["candidate_id"],
                data["d0"],
                data["d1"],
                strict=True,
            )
        ]
        return sorted(found, key=lambda e: e.cell)

    def __len__(self) -> int:
        return len(self._grid)

    def sample(self, rng: np.random.Generator) -> Elite:
        """One elite drawn uniformly."""
        elites = self.elites()
        if not elites:
            raise LookupError("the archive is empty")
        return elites[int(rng.integers(len(elites)))]

    def best(self) -> Elite | None:
        """The champion: highest fitness (lowest candidate id among equals)."""
        elites = self.elites()
        if not elites:
            return None
        return max(elites, key=lambda e: (e.fitness, -e.candidate_id))

    def heatmap(self) -> np.ndarray:
        """Fitness per cell, NaN where empty (rows: first axis)."""
        grid = np.full(self.dims, np.nan)
        for elite in self.elites():
            grid[elite.cell] = elite.fitness
        return grid

    def to_json(self) -> dict:
        return {
            "edges": [list(self.edges[0]), list(self.edges[1])],
            "elites": [
                {
                    "id": e.candidate_id,
                    "code": e.code,
                    "fitness": e.fitness,
                    "descriptors": list(e.descriptors),
                    "cell": list(e.cell),
                }
                for e in self.elites()
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Archive:
        archive = cls((tuple(data["edges"][0]), tuple(data["edges"][1])))
        for e in data["elites"]:
            archive.add(int(e["id"]), e["code"], float(e["fitness"]), tuple(e["descriptors"]))
        return archive
