"""Where attention items come from: every reader other than the label rules, in one call.

Review-policy §4: what a sign cluster only partly affirms, what a sentence resembles
(semantic net), and a credential the tools cannot place become attention items for the
CQE. They sit beside the recommendation and never change it. An item is dropped when
the rules already raised a finding for the same list item, and items are de-duplicated
by id (a short hash of code, field and quote).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tools.case import Case
from tools.credentials import practitioner_attention
from tools.determination import AttentionItem
from tools.findings import Finding
from tools.screening.clusters import ClusterResult, case_clusters, cluster_attention
from tools.screening.engine import Document, case_document
from tools.screening.semantic import case_semantic_attention

Embed = Callable[[list[str]], np.ndarray]
"""Sentences in, L2-normalised vectors out (one row per sentence)."""


def unique(items: Sequence[AttentionItem]) -> list[AttentionItem]:
    """Items in order, one per id."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def find_attention(
    case: Case,
    findings: Sequence[Finding],
    *,
    embed: Embed | None = None,
    document: Document | None = None,
    clusters: Sequence[ClusterResult] | None = None,
) -> list[AttentionItem]:
    """Every attention item of a case, given the findings the rules raised.

    `document` and `clusters`: the case's texts as the rules read them and the clusters they
    met, when the caller has them (a review reads a case once); computed here otherwise.
    """
    items = practitioner_attention(case)
    document = document or case_document(case)
    if clusters is None:
        clusters = case_clusters(case, document)
    items += cluster_attention(clusters, findings)
    if embed is not None:
        covered = frozenset(result.compiled.rule.entry.id for result in clusters)
        items += case_semantic_attention(case, findings, embed, covered, document)
    return unique(items)
