"""The one sentence splitter: free text into sentences (and clauses), with character offsets.

Every reader that needs sentences uses `sentences` here: screening (how far a negation or
a clearance reaches), the progress check (which sentence says the goals were met), the
guideline chunker (where an over-long block may be cut) and the passage parts (one item
or sentence per vector). They differ only in *where* a sentence may end, so each names
one of the `Boundary` rules below; the splitting itself — and its cost — is shared.

The work is linear in the text: one left-to-right scan for boundaries, and for a full
stop only the word just before it is looked at (never the text from its start), so a
megabyte of notes splits as fast per character as a line.

This module sits at the top of `tools`, outside `tools.screening`, because `corpus`
imports it too: it imports nothing from the project, so `corpus` learns nothing about
cases by using it, and neither package depends on the other's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise


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


@dataclass(frozen=True)
class Boundary:
    """Where a sentence ends: after each match of `pattern` (the match stays in the sentence).

    Every pattern here must be linear: a run of marks is matched only from its first
    character (`(?<![.!?])`) and consumed possessively, so a long run of "!!!" or spaces
    costs one pass, not one pass per character.
    """

    name: str
    pattern: re.Pattern[str]


CLINICAL = Boundary(
    "clinical",
    re.compile(r"(?<![.!?])[.!?]++(?=[\s\"')\]]|$)|\n+"),
)
"""Case text (screening): '.', '!', '?' before a space, a closing mark or the end, and line
breaks — clinicians write lists one item a line and often end a line without a period.
Used with the screening abbreviations, so "Dr." and "e.g." do not end a sentence."""

WITH_SEMICOLONS = Boundary("with_semicolons", re.compile(r"(?<=[.;!?])\s++|\n"))
"""Case text for the progress check: also at ';', which separates a note's statements
("goals met; discharged") so a qualifier in one does not reach the next."""

GUIDELINE = Boundary("guideline", re.compile(r"(?<=[.!?])\s++(?=[A-Z(\"'])"))
"""Guideline prose (chunking): a full stop followed by a capital, a parenthesis or a quote,
so "e.g. massage" or "approx. 4 weeks" in the guideline never cut a passage."""

GUIDELINE_ITEMS = Boundary("guideline_items", re.compile(r"(?<=[.;:])\s++(?=[A-Z(])"))
"""One guideline line into its parts (passage parts): also at ';' and ':', which separate
the items of an inline list ("Absolute: Fever; Cellulitis; ...")."""


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _is_letter(char: str) -> bool:
    return ("a" <= char <= "z") or ("A" <= char <= "Z")


def word_before(text: str, dot: int) -> str | None:
    """The word of ASCII letters and dots that ends at `dot` ("e.g" before "e.g."), if any.

    It starts at a letter and runs up to the dot, as `[A-Za-z][A-Za-z.]*` anchored at the
    dot would; like a regex `$`, a line break just before the dot is stepped over. Only
    the run itself is read, so the cost is the word's length, not the text's.
    """
    end = dot - 1 if dot > 0 and text[dot - 1] == "\n" else dot
    start = end
    while start > 0 and (_is_letter(text[start - 1]) or text[start - 1] == "."):
        start -= 1
    while start < end and text[start] == ".":
        start += 1
    return text[start:end] if start < end else None


def _is_abbreviation(text: str, dot: int, abbreviations: frozenset[str]) -> bool:
    if not abbreviations or text[dot] != ".":
        return False
    word = word_before(text, dot)
    return word is not None and word.lower() in abbreviations


def _pieces(text: str, span: Span, max_chars: int | None) -> list[Span]:
    """A sentence, or a longer run than `max_chars` cut at its last spaces before each limit."""
    if max_chars is None or span.end - span.start <= max_chars:
        return [span]
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        limit = start + max_chars
        cut = max(text.rfind(" ", start + 1, limit + 1), text.rfind("\t", start + 1, limit + 1))
        end = cut if cut > start else limit
        piece = _trimmed(text, start, end)
        if piece:
            pieces.append(piece)
        start = end
    rest = _trimmed(text, start, span.end)
    if rest:
        pieces.append(rest)
    return pieces


def sentences(
    text: str,
    boundary: Boundary = CLINICAL,
    abbreviations: frozenset[str] = frozenset(),
    max_chars: int | None = None,
) -> list[Span]:
    """The sentences of `text` under a boundary rule, trimmed of surrounding whitespace.

    A full stop after one of the (lower-case) `abbreviations` does not end a sentence
    unless a line break comes with it; a period inside a number ("101.6") never does,
    because no rule ends a sentence at a mark followed by a digit. A run longer than
    `max_chars` without a sentence end (a hostile or garbled text) is cut into pieces of
    at most that many characters, at a space where there is one, so the work done per
    sentence (every trigger against every mention) stays bounded.
    """
    spans: list[Span] = []
    start = 0
    for mark in boundary.pattern.finditer(text):
        if "\n" not in mark.group() and _is_abbreviation(text, mark.start(), abbreviations):
            continue
        span = _trimmed(text, start, mark.end())
        if span:
            spans += _pieces(text, span, max_chars)
        start = mark.end()
    tail = _trimmed(text, start, len(text))
    if tail:
        spans += _pieces(text, tail, max_chars)
    return spans


def sentence_texts(text: str, boundary: Boundary) -> list[str]:
    """The sentences of `text` as strings (for readers that need no offsets)."""
    return [text[span.start : span.end] for span in sentences(text, boundary)]


def clauses(sentence: Span, cuts: list[int]) -> list[Span]:
    """The clauses of one sentence, cut before each terminator ("but", "however", ";")."""
    points = [sentence.start]
    for cut in sorted(cuts):
        if points[-1] < cut < sentence.end:
            points.append(cut)
    points.append(sentence.end)
    return [Span(a, b) for a, b in pairwise(points) if b > a]
