"""The one sentence splitter against the splitters it replaced, on random text.

The old splitters are kept here as oracles (the screening one rescanned the text from
its start for every full stop, so it is only usable on short inputs): the new one must
give exactly the same sentences for every boundary rule.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from tools.screening.rules import rule_set
from tools.sentences import (
    CLINICAL,
    GUIDELINE,
    GUIDELINE_ITEMS,
    WITH_SEMICOLONS,
    Boundary,
    sentence_texts,
    sentences,
)

_OLD_BOUNDARY = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n+")
_OLD_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_OLD_SPLITS = {
    # tools/progress.py
    WITH_SEMICOLONS: re.compile(r"(?<=[.;!?])\s+|\n"),
    # corpus/chunking.py
    GUIDELINE: re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])"),
    # corpus/parts.py
    GUIDELINE_ITEMS: re.compile(r"(?<=[.;:])\s+(?=[A-Z(])"),
}

# Text built from the characters and words where the rules differ.
_PIECES = st.sampled_from(
    [*list("abcxAB .!?;:\n\t\"')(]1"), "Dr", "e.g", "vs", "approx", "Pt", "101.6", "\r\n"]
)
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


def _old_screening(text: str, abbreviations: frozenset[str]) -> list[str]:
    found, start = [], 0
    for mark in _OLD_BOUNDARY.finditer(text):
        dot = mark.start()
        word = _OLD_WORD_BEFORE.search(text, 0, dot) if text[dot] == "." else None
        if word and word.group(1).lower() in abbreviations and "\n" not in mark.group():
            continue
        found.append(text[start : mark.end()].strip())
        start = mark.end()
    found.append(text[start:].strip())
    return [s for s in found if s]


@given(_TEXT)
def test_when_case_text_is_split_then_sentences_match_the_old_screening_splitter(
    text: str,
) -> None:
    abbreviations = rule_set().context.abbreviations
    spans = sentences(text, CLINICAL, abbreviations)
    assert [text[s.start : s.end] for s in spans] == _old_screening(text, abbreviations)


@given(_TEXT, st.sampled_from(sorted(_OLD_SPLITS, key=lambda b: b.name)))
def test_when_text_is_split_by_a_rule_then_pieces_match_the_old_regex_split(
    text: str, boundary: Boundary
) -> None:
    old = [piece.strip() for piece in _OLD_SPLITS[boundary].split(text) if piece.strip()]
    assert sentence_texts(text, boundary) == old


@given(st.text(max_size=200))
def test_when_any_unicode_is_split_then_sentences_are_ordered_trimmed_and_inside(
    text: str,
) -> None:
    spans = sentences(text, CLINICAL, rule_set().context.abbreviations)
    assert spans == sorted(spans)
    for left, right in itertools.pairwise(spans):
        assert left.end <= right.start
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
