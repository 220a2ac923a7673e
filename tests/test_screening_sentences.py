"""Sentences and clauses: how far one phrase can reach, and how terms match words."""

from __future__ import annotations

import pytest

from tools.screening.patterns import compile_terms, lowered, normalise
from tools.screening.rules import rule_set
from tools.screening.word_index import WordIndex
from tools.sentences import CLINICAL, Span, clauses, sentences


def _sentences(text: str) -> list[str]:
    abbreviations = rule_set().context.abbreviations
    return [text[s.start : s.end] for s in sentences(text, CLINICAL, abbreviations)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two plain sentences
        ("No fever. Reports numbness.", ["No fever.", "Reports numbness."]),
        # a decimal point is not a sentence end
        ("T 101.6 today. BP ok.", ["T 101.6 today.", "BP ok."]),
        # "Dr." does not end a sentence
        ("Seen by Dr. Lee today. Cleared.", ["Seen by Dr. Lee today.", "Cleared."]),
        # "e.g." does not end a sentence
        ("Red flags, e.g. fever, denied.", ["Red flags, e.g. fever, denied."]),
        # a line break always ends one (list-like notes)
        ("PMH: HTN\nFHx: breast CA", ["PMH: HTN", "FHx: breast CA"]),
        # question and exclamation marks end sentences
        ("Fever? No! Chills", ["Fever?", "No!", "Chills"]),
        # text without a period is one sentence
        ("constant ache L lumbar", ["constant ache L lumbar"]),
        # empty text has no sentences
        ("   ", []),
    ],
    ids=["plain", "decimal", "dr", "eg", "newline", "marks", "no-period", "empty"],
)
def test_when_text_is_split_then_sentences_are_exact(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_when_sentence_has_cuts_then_clauses_cover_it_in_order() -> None:
    text = "Denies fever; reports chills but no sweats"
    sentence = Span(0, len(text))
    parts = clauses(sentence, [text.index(";"), text.index("but")])
    assert [text[c.start : c.end] for c in parts] == [
        "Denies fever",
        "; reports chills ",
        "but no sweats",
    ]


@pytest.mark.parametrize(
    ("terms", "cased", "text", "found"),
    [
        # hyphenated term matches spaced and joined spellings
        (["flare-up"], [], "RA flare up today", ["flare up"]),
        (["flare-up"], [], "RA flareup today", ["flareup"]),
        # apostrophe optional
        (["raynaud's"], [], "Raynauds in both hands", ["Raynauds"]),
        # plural of a condition name
        (["cyst"], [], "two cysts palpated", ["cysts"]),
        # whole words only
        (["ca"], [], "cardiac care", []),
        # cased abbreviations only as written
        ([], ["MS"], "MS since 2010; 30 ms delay", ["MS"]),
        # case-insensitive literal terms
        (["warfarin"], [], "WARFARIN 5 mg", ["WARFARIN"]),
        # terms that start with punctuation still match
        (["h/o"], [], "pt h/o DVT", ["h/o"]),
    ],
    ids=[
        "hyphen-space",
        "hyphen-joined",
        "apostrophe",
        "plural",
        "whole-word",
        "cased",
        "case-insensitive",
        "slash",
    ],
)
def test_when_terms_are_compiled_then_they_match_clinical_spellings(
    terms: list[str], cased: list[str], text: str, found: list[str]
) -> None:
    matcher = compile_terms(terms, cased, plural=True)
    assert matcher is not None
    spans = matcher.spans(text, lowered(text))
    assert [text[a:b] for a, b in spans] == found


def test_when_no_word_starts_like_a_term_then_the_literal_scan_is_skipped_safely() -> None:
    matcher = compile_terms(["co-managed"])
    assert matcher is not None
    text = "Comanaged with PCP."
    low = lowered(text)
    assert matcher.spans(text, low, words=WordIndex(low)) == [(0, 9)]
    assert matcher.spans(text, low, words=WordIndex("unrelated words")) == []


def test_when_text_has_typographic_marks_then_normalising_keeps_offsets() -> None:
    text = "Raynaud\u2019s \u2013 no\u00a0fever"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "Raynaud's - no fever"
