"""Answers, not only passages: the sentence(s) of a passage that best answer a question.

A passage is up to 1,200 characters; the reviewer wants the line that answers. Each part
of a passage (a sentence or list item, see corpus.parts) already has a vector in the
index, so the answer costs no extra embedding: the part closest to the question wins,
with a small bonus for sharing the question's words (BM25's tokens), and a second part
joins it only if it is nearly as close.
"""

from __future__ import annotations

import numpy as np

from corpus.chunking import Chunk
from corpus.lexical import tokenize
from corpus.parts import passage_parts

WORD_BONUS = 0.15
"""Weight of the share of the question's words that a sentence contains."""
SECOND_WITHIN = 0.05
"""A second sentence is shown when its score is within this of the best one's."""


def passage_sentences(chunk: Chunk) -> list[str]:
    """The passage's parts without their heading prefix, in passage order."""
    prefix = f"{chunk.section}: "
    parts = [part.removeprefix(prefix) for part in passage_parts(chunk)]
    if parts:
        return parts
    body = [line.strip().removeprefix("- ") for line in chunk.text.split("\n")[1:]]
    return [line for line in body if line] or [chunk.text]


def _word_share(query_words: set[str], sentence: str) -> float:
    if not query_words:
        return 0.0
    return len(query_words & set(tokenize(sentence))) / len(query_words)


def best_sentences(
    query: str,
    chunk: Chunk,
    query_vector: np.ndarray,
    part_vectors: np.ndarray,
    limit: int = 2,
) -> list[str]:
    """The best-answering sentence(s) of a passage, in passage order.

    `part_vectors` holds the vectors of the passage's parts in part order (row n-1 for
    part n); with none (a one-part passage) the words alone decide.
    """
    sentences = passage_sentences(chunk)
    words = set(tokenize(query))
    if len(part_vectors) == len(sentences) and len(sentences) > 0:
        cosines = (part_vectors @ np.asarray(query_vector, dtype=np.float32)).tolist()
    else:
        cosines = [0.0] * len(sentences)
    scores = [
        round(c + WORD_BONUS * _word_share(words, s), 6)
        for c, s in zip(cosines, sentences, strict=True)
    ]
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    chosen = [i for i in ranked[:limit] if scores[i] >= scores[ranked[0]] - SECOND_WITHIN]
    return [sentences[i] for i in sorted(chosen)]
