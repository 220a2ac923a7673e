"""Querying the index: vector (Chroma), lexical (BM25) and their fusion (RRF).

Reciprocal rank fusion needs no score calibration between the two retrievers: each
passage gets Σ 1/(k + rank) over the lists it appears in (Cormack et al. 2009, k = 60).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from corpus.chunking import Chunk
from corpus.embedding import encoder
from corpus.lexical import LexicalIndex
from corpus.parts import owner_of
from corpus.store import index_dir, manifest_chunks, open_collection, read_manifest
from corpus.thesaurus import expand

Mode = Literal["hybrid", "vector", "lexical"]
RRF_K = 60
CANDIDATES = 30
VECTOR_HITS = 80  # parts and passages together, folded to passages


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with its score under the chosen mode."""

    chunk: Chunk
    score: float
    rank: int


def normalise(text: str) -> str:
    """Lower-case with whitespace collapsed: how quotes are matched against passages."""
    return re.sub(r"\s+", " ", text).strip().lower()


class Retriever:
    """An opened index: passages, Chroma collection and BM25, ready to query."""

    def __init__(self, home: Path) -> None:
        folder = index_dir(home)
        manifest = read_manifest(folder)
        self.chunks: list[Chunk] = manifest_chunks(manifest, folder / "manifest.json")
        self.versions: dict[str, str] = {
            entry["doc_key"]: entry["version"] for entry in manifest["sources"].values()
        }
        self._by_id = {chunk.id: chunk for chunk in self.chunks}
        self._position = {chunk.id: i for i, chunk in enumerate(self.chunks)}
        self._normalised = [normalise(chunk.text) for chunk in self.chunks]
        self._collection = open_collection(folder)
        self._vector_count = self._collection.count()  # fixed while the index is open
        self._lexical = LexicalIndex([chunk.text for chunk in self.chunks])

    def get(self, chunk_id: str) -> Chunk | None:
        """A passage by id."""
        return self._by_id.get(chunk_id)

    def find_quote(self, quote: str, doc_key: str | None = None) -> Chunk | None:
        """The first passage containing a quote (case and whitespace insensitive)."""
        needle = normalise(quote)
        for chunk, text in zip(self.chunks, self._normalised, strict=True):
            if needle in text and (doc_key is None or chunk.doc_key == doc_key):
                return chunk
        return None

    def vector_ranking(self, query: str, n: int = CANDIDATES) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity of the passage or its closest part), best first."""
        total = self._vector_count
        if total == 0:
            return []
        vector = encoder().encode([query])[0].tolist()
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(VECTOR_HITS, total), include=["distances"]
        )
        best: dict[str, float] = {}
        for vid, dist in zip(result["ids"][0], result["distances"][0], strict=True):
            best.setdefault(owner_of(vid), 1.0 - dist)  # results come closest first
        return list(best.items())[:n]

    def lexical_ranking(self, query: str, n: int = CANDIDATES) -> list[tuple[str, float]]:
        """(chunk id, BM25 score), best first."""
        return [(self.chunks[i].id, score) for i, score in self._lexical.search(query, n)]

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The k best passages for a query."""
        if not query.strip():
            return []
        expanded = expand(query)  # the guideline's own words for what was asked
        if mode == "vector":
            ranked = self.vector_ranking(expanded)
        elif mode == "lexical":
            ranked = self.lexical_ranking(expanded)
        else:
            ranked = fuse([self.vector_ranking(expanded), self.lexical_ranking(expanded)])
        return [
            Hit(chunk=self._by_id[cid], score=score, rank=rank)
            for rank, (cid, score) in enumerate(ranked[:k], start=1)
        ]


def fuse(rankings: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several rankings, best first (ties by first appearance)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, (cid, _) in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: -item[1])
