"""Attention items for a determination: the tools' readers, then citations from the index.

The tools find the items (tools.review.review, with the index's embedding model as the
semantic net's embedder); this module ties each to the guideline passage of its list
item, as findings are cited, so the CQE sees what the guideline says about it.
"""

from __future__ import annotations

import numpy as np

from agent.citations import passage_for
from corpus.embedding import MODEL_NAME, encoder
from corpus.retrieval import Retriever
from tools.determination import AttentionItem


class IndexEmbedder:
    """The embedding model the index ships, as the semantic net's `embed` callable."""

    model_name = MODEL_NAME

    def __call__(self, texts: list[str]) -> np.ndarray:
        return encoder().encode(texts)


def cite_attention(items: list[AttentionItem], retriever: Retriever) -> list[AttentionItem]:
    """Items with the passage id of their guideline section (none when it has no key)."""
    cited = []
    for item in items:
        if item.guideline_key:
            chunk = passage_for(item.guideline_key, retriever)
            item = item.model_copy(update={"citations": [chunk.id]})
        cited.append(item)
    return cited
