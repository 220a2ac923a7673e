"""Fusion of the two rankings, and the section-aware order of the fused list.

Reciprocal rank fusion needs no score calibration between the retrievers: a passage gets
Σ weight / (k + rank) over the rankings it appears in (Cormack et al. 2009). Every
passage that either retriever returned stays in the fused list, so a passage one
retriever ranked first is never dropped for lack of a second vote. Reference lists and
appendices go after every other passage unless the question is about studies or
sources, and then before them. The parameters and word lists are data (corpus/data/ranking.yaml).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from corpus.chunking import Chunk

RANKING_FILE = Path(__file__).parent / "data" / "ranking.yaml"

Ranking = list[tuple[str, float]]


class RankingData(BaseModel):
    """The contents of ranking.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_sections: list[str] = Field(min_length=1)
    research_words: list[str] = Field(min_length=1)
    research_patterns: list[str] = Field(default_factory=list)
    fusion_k: float = Field(gt=0)
    vector_weight: float = Field(ge=0)
    lexical_weight: float = Field(ge=0)
    expansion_weight: float = Field(ge=0)
    protect: int = Field(ge=0)
    bm25_k1: float = Field(gt=0)
    bm25_b: float = Field(ge=0, le=1)
    lexical_questions: bool = True
    reference_slot: int = Field(default=0, ge=0)
    reference_within: int = Field(default=0, ge=0)


@cache
def ranking_data() -> RankingData:
    """The ranking parameters (read once)."""
    return RankingData.model_validate(yaml.safe_load(RANKING_FILE.read_text(encoding="utf-8")))


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    alternatives = [re.escape(w).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for w in words]
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE)


@cache
def _research() -> re.Pattern[str]:
    return _words_pattern(ranking_data().research_words)


@cache
def _citation_patterns() -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in ranking_data().research_patterns]


def asks_about_sources(query: str) -> bool:
    """Whether a question is about studies, evidence or sources."""
    return bool(_research().search(query)) or any(
        pattern.search(query) for pattern in _citation_patterns()
    )


def is_reference(chunk: Chunk) -> bool:
    """Whether a passage is in a reference list, bibliography or appendix."""
    names = {name.lower() for name in ranking_data().reference_sections}
    return any(heading.strip().lower() in names for heading in chunk.section_path)


def fuse(
    rankings: list[Ranking],
    weights: list[float] | None = None,
    k: float | None = None,
    protect: int = 0,
) -> Ranking:
    """Weighted reciprocal rank fusion, best first; ties by passage id.

    With `protect` > 0, the best passage of each full-weight ranking is moved up to
    place `protect` if fusion put it lower: one retriever's clear first choice is never
    lost to passages both rank as middling.
    """
    k = ranking_data().fusion_k if k is None else k
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for weight, ranking in zip(weights, rankings, strict=True):
        for rank, (cid, _) in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    fused = sorted(((c, round(s, 9)) for c, s in scores.items()), key=lambda i: (-i[1], i[0]))
    if protect > 0:
        for ranking, weight in zip(rankings, weights, strict=True):
            if not ranking or weight < max(weights):
                continue  # only the main retrievers' choices are protected
            ids = [cid for cid, _ in fused]
            at = ids.index(ranking[0][0])
            if at >= protect:
                item = fused.pop(at)
                fused.insert(protect - 1, (item[0], fused[protect - 1][1]))
    return fused


def section_order(
    ranked: Ranking, chunks: dict[str, Chunk], query: str, slot: int = 0, within: int = 0
) -> Ranking:
    """Reference passages after all others, or before them when the question asks about
    studies or sources (each group keeps its order).

    A question can name a study's topic without any research word ("calf massage after
    hip replacement"): with `slot` > 0, the best reference passage keeps place `slot` if
    fusion put it within the first `within` places, so a clear bibliographic match is
    still shown while a clinical question loses at most one place to it.
    """
    clinical = [item for item in ranked if not is_reference(chunks[item[0]])]
    references = [item for item in ranked if is_reference(chunks[item[0]])]
    if asks_about_sources(query):
        return references + clinical
    if slot > 0 and references and ranked.index(references[0]) < within:
        best = references.pop(0)
        clinical.insert(min(slot - 1, len(clinical)), best)
    return clinical + references
