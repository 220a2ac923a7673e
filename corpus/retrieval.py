"""Querying the index: exact vector search, BM25, their fusion, and section-aware order.

Every step is deterministic: exact cosine over vectors read once from Chroma (see
corpus.vectors), BM25 in memory, fusion and ordering with ties broken by passage id. The
same index and query give the same ranking across repeats, processes and rebuilds.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from corpus.answers import best_sentences
from corpus.chunking import Chunk
from corpus.embedding import embed_texts
from corpus.lexical import LexicalIndex
from corpus.ranking import Ranking, fuse, ranking_data, section_order
from corpus.representation import heading_path
from corpus.store import (
    IndexCorrupt,
    index_dir,
    manifest_chunks,
    open_collection,
    read_manifest,
)
from corpus.thesaurus import expand
from corpus.vectors import VectorMatrix

Mode = Literal["hybrid", "vector", "lexical"]
CANDIDATES = 30
QUERY_CACHE = 512
Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with its score under the chosen mode."""

    chunk: Chunk
    score: float
    rank: int


def normalise(text: str) -> str:
    """Lower-case with whitespace collapsed: how quotes are matched against passages."""
    return re.sub(r"\s+", " ", text).strip().lower()


def lexical_text(chunk: Chunk, questions: list[str] | None = None) -> str:
    """What BM25 indexes: the heading path, the passage, then the users' questions it
    answers (corpus.passage_questions)."""
    return "\n".join([heading_path(chunk), chunk.text, *(questions or [])])


class Retriever:
    """An opened index: passages, their vectors and BM25, ready to query."""

    def __init__(self, home: Path) -> None:
        folder = index_dir(home)
        manifest = read_manifest(folder)
        chunks = manifest_chunks(manifest, folder / "manifest.json")
        versions = {entry["doc_key"]: entry["version"] for entry in manifest["sources"].values()}
        collection = open_collection(folder)
        try:
            vectors = VectorMatrix.from_collection(collection)
        except Exception as error:  # chromadb raises many types for a damaged folder
            raise IndexCorrupt(f"{folder / 'chroma'}: cannot read the vectors ({error})") from error
        self.chunks = chunks
        self.versions = versions
        self._by_id = {chunk.id: chunk for chunk in chunks}
        self._normalised = [normalise(chunk.text) for chunk in chunks]
        self._vectors = vectors
        self._embed: Embedder = embed_texts
        self._query_vectors: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self.params = ranking_data()
        questions = (manifest.get("questions") or {}) if self.params.lexical_questions else {}
        self._lexical = LexicalIndex(
            [lexical_text(chunk, questions.get(chunk.id)) for chunk in chunks],
            k1=self.params.bm25_k1,
            b=self.params.bm25_b,
        )

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

    def embed_query(self, query: str) -> np.ndarray:
        """The query's unit vector (the last QUERY_CACHE queries are kept: a search in
        several modes, or its answers, embeds the question once)."""
        with self._cache_lock:
            vector = self._query_vectors.pop(query, None)
        if vector is None:
            vector = self._embed([query])[0]
        with self._cache_lock:
            self._query_vectors[query] = vector
            while len(self._query_vectors) > QUERY_CACHE:
                self._query_vectors.pop(next(iter(self._query_vectors)))
        return vector

    def vector_ranking(self, query: str, n: int = CANDIDATES) -> Ranking:
        """(passage id, cosine of the passage or its closest part), best first."""
        return self._vectors.best_per_passage(self.embed_query(query))[:n]

    def lexical_ranking(self, query: str, n: int = CANDIDATES) -> Ranking:
        """(passage id, BM25 score), best first; ties by passage id."""
        ranked = [(self.chunks[i].id, round(s, 6)) for i, s in self._lexical.search(query, n)]
        return sorted(ranked, key=lambda item: (-item[1], item[0]))

    def _lexical_rankings(self, query: str, additions: str) -> tuple[list[Ranking], list[float]]:
        """BM25 of the user's words, and of the thesaurus' additions at a lower weight."""
        rankings, weights = [self.lexical_ranking(query)], [self.params.lexical_weight]
        if additions:
            rankings.append(self.lexical_ranking(additions))
            weights.append(self.params.expansion_weight)
        return rankings, weights

    def ranking(self, query: str, mode: Mode = "hybrid") -> Ranking:
        """Every candidate passage for a query, best first."""
        expanded = expand(query)  # the guideline's own words for what was asked
        additions = expanded[len(query) :].strip()
        p = self.params
        if mode == "vector":
            ranked = self.vector_ranking(expanded)
        elif mode == "lexical":
            lexical, weights = self._lexical_rankings(query, additions)
            ranked = fuse(lexical, weights, k=p.fusion_k) if additions else lexical[0]
        else:
            lexical, weights = self._lexical_rankings(query, additions)
            ranked = fuse(
                [self.vector_ranking(expanded), *lexical],
                [p.vector_weight, *weights],
                k=p.fusion_k,
                protect=p.protect,
            )
        return section_order(ranked, self._by_id, query, p.reference_slot, p.reference_within)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The k best passages for a query."""
        if not query.strip():
            return []
        return [
            Hit(chunk=self._by_id[cid], score=score, rank=rank)
            for rank, (cid, score) in enumerate(self.ranking(query, mode)[:k], start=1)
        ]

    def answer(self, query: str, chunk: Chunk, limit: int = 2) -> list[str]:
        """The sentence(s) of a passage that best answer the question (see corpus.answers)."""
        vector = self.embed_query(expand(query))  # the vector search used: cached, no cost
        return best_sentences(query, chunk, vector, self._vectors.part_vectors(chunk.id), limit)
