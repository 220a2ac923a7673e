"""Exact nearest-neighbour search over the stored vectors, read once from Chroma.

The corpus is small (about 820 vectors: every passage and each of its parts), so a dot
product against all of them costs well under a millisecond. Chroma's approximate HNSW
graph, by contrast, depends on insertion order and threads and once returned the same
query in another order. Here the vectors are held in one matrix sorted by vector id;
scores are rounded to 1e-6 before sorting, so float noise from BLAS threads cannot swap
two near-equal passages, and ties go to the smaller id: the same index and query give
the same ranking in every process and after every rebuild.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from corpus.parts import owner_of
from corpus.passage_questions import is_question_id

SCORE_DECIMALS = 6


class VectorMatrix:
    """Unit vectors by id; cosine similarity is a dot product."""

    def __init__(self, ids: list[str], vectors: np.ndarray) -> None:
        order = sorted(range(len(ids)), key=lambda i: ids[i])
        self.ids = [ids[i] for i in order]
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
        self._matrix = np.ascontiguousarray(matrix[order]) if ids else matrix
        owners = [owner_of(vid) for vid in self.ids]
        self._passages = sorted(set(owners))  # index order is passage-id order
        position = {pid: i for i, pid in enumerate(self._passages)}
        self._owner_index = np.array([position[o] for o in owners], dtype=np.int64)
        self._part_rows: dict[str, list[int]] = {}
        for row, (vid, owner) in enumerate(zip(self.ids, owners, strict=True)):
            if vid != owner and not is_question_id(vid):
                self._part_rows.setdefault(owner, []).append(row)
        for rows in self._part_rows.values():
            rows.sort(key=lambda r: int(self.ids[r].rsplit("#", 1)[1]))

    @classmethod
    def from_collection(cls, collection: Any) -> VectorMatrix:
        """Every vector of a Chroma collection (one read when an index is opened)."""
        got = collection.get(include=["embeddings"])
        ids = list(got["ids"])
        vectors = np.asarray(got["embeddings"], dtype=np.float32) if ids else np.zeros((0, 1))
        return cls(ids, vectors)

    def __len__(self) -> int:
        return len(self.ids)

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every vector, rounded (see module doc)."""
        if not self.ids:
            return np.zeros(0, dtype=np.float64)
        # einsum, not BLAS: a multithreaded gemv waits for threads the ONNX session just
        # kept spinning (11 ms instead of 0.1 ms per query under load), and one thread
        # sums in one order in every process.
        raw = np.einsum("ij,j->i", self._matrix, np.asarray(query, dtype=np.float32))
        return np.round(raw.astype(np.float64), SCORE_DECIMALS)

    def best_per_passage(self, query: np.ndarray) -> list[tuple[str, float]]:
        """(passage id, its closest vector's similarity), best first, ties by id."""
        if not self.ids:
            return []
        best = np.full(len(self._passages), -np.inf)
        np.maximum.at(best, self._owner_index, self.similarities(query))
        order = np.lexsort((np.arange(len(best)), -best))  # by score, then by passage id
        return [(self._passages[i], float(best[i])) for i in order.tolist()]

    def part_vectors(self, passage_id: str) -> np.ndarray:
        """The vectors of one passage's parts in part order (row n-1 holds part n)."""
        return self._matrix[self._part_rows.get(passage_id, [])]
