"""The lexical half of retrieval: BM25 over the same passages (bm25s, numpy only).

Rebuilt in memory from the stored passages when an index is opened (300 passages take
~20 ms), so there is no second on-disk index to keep in step with Chroma.
"""

from __future__ import annotations

import re

import bm25s
import numpy as np

TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
SUFFIXES = ("ations", "ation", "ates", "ated", "ate", "ions", "ion", "ing", "ies", "ed", "es", "s")
# Words in nearly every passage of a massage guideline carry no signal.
DOMAIN_STOPWORDS = frozenset(
    ["massage", "therapeutic", "patient", "practitioner", "covered", "care"]
)
STOPWORDS = DOMAIN_STOPWORDS | frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
    ]
)


def _stem(token: str) -> str:
    """A light suffix strip so 'contraindications' meets 'contraindicated'."""
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token[:-1] if token.endswith("e") and len(token) >= 5 else token


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, lightly stemmed."""
    return [_stem(t) for t in TOKEN.findall(text.lower()) if t not in STOPWORDS]


class LexicalIndex:
    """BM25 over a fixed list of passages, addressed by position."""

    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        self._size = len(texts)
        self._model = bm25s.BM25(k1=k1, b=b)
        self._model.index([tokenize(text) for text in texts], show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position, score) of the best k passages with a positive score."""
        tokens = tokenize(query)
        if not tokens or self._size == 0:
            return []
        scores = np.asarray(self._model.get_scores(tokens))
        k = min(k, self._size)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]
