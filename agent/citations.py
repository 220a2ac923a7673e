"""Tie each finding to the guideline passage that supports it, from the live index.

A finding names a section key; the key's quote finds the passage. The citation carries
the passage's real id, page and exact text, so a CQE can check it against the guideline.
"""

from __future__ import annotations

from typing import Protocol

from corpus.chunking import Chunk
from tools.determination import Citation
from tools.findings import Finding
from tools.sections import section_anchors


class PassageSource(Protocol):
    """What citing needs of an index (corpus.retrieval.Retriever is one)."""

    def find_quote(self, quote: str) -> Chunk | None:
        """The passage containing an exact quote, if any."""
        ...


class MissingPassage(LookupError):
    """A section key whose quote is in no indexed passage (the index and data disagree)."""


def citation_of(chunk: Chunk) -> Citation:
    """The citation record of a passage."""
    return Citation(
        id=chunk.id,
        document=chunk.document,
        section=chunk.section,
        page=chunk.page,
        text=chunk.text,
    )


def passage_for(section_key: str, retriever: PassageSource) -> Chunk:
    """The passage a section key points at."""
    anchor = section_anchors().get(section_key)
    if anchor is None:
        raise MissingPassage(f"unknown guideline section key {section_key!r}")
    chunk = retriever.find_quote(anchor.quote)
    if chunk is None:
        raise MissingPassage(f"no indexed passage contains {anchor.quote!r} ({section_key})")
    return chunk


def cite(findings: list[Finding], retriever: PassageSource) -> tuple[list[Finding], list[Citation]]:
    """Findings with their citation ids filled in, and the citations they use (in order)."""
    cited: list[Finding] = []
    citations: dict[str, Citation] = {}
    for finding in findings:
        chunk = passage_for(finding.guideline_key, retriever)
        citations.setdefault(chunk.id, citation_of(chunk))
        cited.append(finding.model_copy(update={"citations": [chunk.id]}))
    return cited, list(citations.values())
