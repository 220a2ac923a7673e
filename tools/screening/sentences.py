"""Splitting free text into sentences and clauses, keeping character offsets.

Context (a negation, a family member, a clearance) reaches only as far as its sentence
or clause, so the split decides how far one phrase can change another. Offsets are kept
so a finding can quote its sentence exactly from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

_BOUNDARY = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range [start, end) of a text."""

    start: int
    end: int

    def contains(self, other: Span) -> bool:
        """Whether `other` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _is_abbreviation(text: str, dot: int, abbreviations: frozenset[str]) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, 0, dot)
    return bool(word) and word.group(1).lower() in abbreviations


def sentences(text: str, abbreviations: frozenset[str] = frozenset()) -> list[Span]:
    """Sentences at '.', '!', '?' before a space or the end, and at line breaks.

    A period after a known abbreviation ("Dr.", "e.g.") or inside a number ("101.6") does
    not end a sentence.
    """
    spans: list[Span] = []
    start = 0
    for mark in _BOUNDARY.finditer(text):
        if _is_abbreviation(text, mark.start(), abbreviations) and "\n" not in mark.group():
            continue
        span = _trimmed(text, start, mark.end())
        if span:
            spans.append(span)
        start = mark.end()
    tail = _trimmed(text, start, len(text))
    if tail:
        spans.append(tail)
    return spans


def clauses(sentence: Span, cuts: list[int]) -> list[Span]:
    """The clauses of one sentence, cut before each terminator ("but", "however", ";")."""
    points = [sentence.start]
    for cut in sorted(cuts):
        if points[-1] < cut < sentence.end:
            points.append(cut)
    points.append(sentence.end)
    return [Span(a, b) for a, b in pairwise(points) if b > a]
