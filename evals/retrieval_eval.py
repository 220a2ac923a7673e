"""Retrieval quality: hit@1, hit@5 and MRR for hybrid, vector-only and lexical-only,
and a determinism check (the same rankings on a second pass)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from corpus.chunking import Chunk
from corpus.retrieval import Mode, Retriever, normalise
from evals.gold import RetrievalQuestion

MODES: tuple[Mode, ...] = ("hybrid", "vector", "lexical")
DEPTH = 10


def answers(chunk: Chunk, question: RetrievalQuestion) -> bool:
    """Whether a passage contains one of the gold quotes and spans that quote's page."""
    text = normalise(chunk.text)
    return any(normalise(a.quote) in text and a.page in chunk.pages for a in question.answers)


@dataclass
class ModeScore:
    """The metrics of one retrieval mode."""

    mode: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: list[str]


def first_answer_rank(retriever: Retriever, question: RetrievalQuestion, mode: Mode) -> int | None:
    """Rank (1-based) of the first answering passage in the top DEPTH, else None."""
    for hit in retriever.search(question.question, k=DEPTH, mode=mode):
        if answers(hit.chunk, question):
            return hit.rank
    return None


def score_mode(retriever: Retriever, questions: list[RetrievalQuestion], mode: Mode) -> ModeScore:
    """Metrics of one mode over all questions."""
    ranks = [first_answer_rank(retriever, q, mode) for q in questions]
    n = len(questions)
    return ModeScore(
        mode=mode,
        recall_at_1=sum(1 for r in ranks if r == 1) / n,
        recall_at_5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        misses=[q.id for q, r in zip(questions, ranks, strict=True) if r is None or r > 5],
    )


def unanswerable(retriever: Retriever, questions: list[RetrievalQuestion]) -> list[str]:
    """Gold questions none of whose quotes is in any indexed passage on its page."""
    return [q.id for q in questions if not any(answers(c, q) for c in retriever.chunks)]


def ranking_fingerprint(retriever: Retriever, questions: list[RetrievalQuestion]) -> str:
    """A hash of every question's top-DEPTH passage ids and scores in every mode."""
    rankings = {
        f"{mode}:{q.id}": [
            (h.chunk.id, round(h.score, 6))
            for h in retriever.search(q.question, k=DEPTH, mode=mode)
        ]
        for q in questions
        for mode in MODES
    }
    return hashlib.sha256(json.dumps(rankings, sort_keys=True).encode()).hexdigest()[:16]


def table(scores: list[ModeScore]) -> str:
    """The metrics side by side."""
    lines = [f"{'mode':<8} {'hit@1':>9} {'hit@5':>9} {'MRR':>7}"]
    for s in scores:
        lines.append(f"{s.mode:<8} {s.recall_at_1:>9.3f} {s.recall_at_5:>9.3f} {s.mrr:>7.3f}")
    return "\n".join(lines)
