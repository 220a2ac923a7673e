"""The word-start index is an optimisation only: with it, every matcher of the shipped
rules must find exactly the matches a plain scan finds, on any text and in any range."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzzing import clinical_text
from tools.screening import word_index
from tools.screening.context import SentenceContext
from tools.screening.engine import Document, FieldText
from tools.screening.fields import Facts, TextField
from tools.screening.numbers import dated_weights, readings
from tools.screening.patterns import Matcher, lowered, normalise
from tools.screening.rules import rule_set
from tools.screening.word_index import (
    FieldWords,
    WordIndex,
    regex_starts,
    required_prefixes,
    start_prefixes,
)
from tools.sentences import Span


@cache
def shipped_matchers() -> tuple[Matcher, ...]:
    """Every compiled matcher of the shipped rule and context files."""
    rules = rule_set()
    found: dict[int, Matcher] = {}
    for rule in rules.rules:
        for matcher in (rule.regex, rule.exclude, rule.addressed_by):
            if matcher is not None:
                found[id(matcher)] = matcher
    context = rules.context
    for category in context.categories:
        for _, matcher in category.directions:
            found[id(matcher)] = matcher
        for matcher in (category.pseudo, category.terminators):
            if matcher is not None:
                found[id(matcher)] = matcher
    for matcher in (context.instruction, context.clause_terminators):
        if matcher is not None:
            found[id(matcher)] = matcher
    return tuple(found.values())


def test_most_shipped_matchers_can_be_indexed() -> None:
    matchers = shipped_matchers()
    indexed = [m for m in matchers if m.starts]
    assert len(matchers) > 100
    assert len(indexed) / len(matchers) > 0.9


SAMPLES = [
    "Pt reports swelling of the L calf, 3 cm larger than R; Homan's (+). Flew 11 hrs last wk.",
    "Numbness in the saddle area, new since Tuesday; reflexes diminished, unchanged from "
    "baseline per neuro. No h/o CA. Lives in Fresno, CA 93701.",
    "h/o breast ca 2019, NED; new lesions on restaging CT. 6 beers a day. 2+ pitting edema.",
    "Denies fever, chills. T 101.9 F. BP 186/114. \u0130ntake: ſwelling, residual foot drop.",
    "cleared by Dr. Lee (cardiology) for massage; report any new bruising; if fever, hold.",
    "BPx186/114 on 3/4/2026, wt170 lb; L5-S1 disc herniation; calf 3cm larger than R; MI12/1/26",
]


def _assert_same(matcher: Matcher, text: str, pos: int = 0, end: int | None = None) -> None:
    norm = normalise(text)
    low = lowered(norm)
    plain = matcher.spans(norm, low, pos, end)
    assert matcher.spans(norm, low, pos, end, WordIndex(low)) == plain


@pytest.mark.parametrize("text", SAMPLES)
def test_when_the_index_is_given_then_every_shipped_matcher_finds_the_same(text: str) -> None:
    for matcher in shipped_matchers():
        _assert_same(matcher, text)
        _assert_same(matcher, text, 10, len(text) - 5)


@settings(max_examples=25, deadline=None)
@given(clinical_text, st.integers(min_value=0, max_value=40))
def test_on_any_text_the_index_changes_no_match(text: str, cut: int) -> None:
    for matcher in shipped_matchers():
        _assert_same(matcher, text)
        _assert_same(matcher, text, min(cut, len(text)))


@settings(max_examples=25, deadline=None)
@given(clinical_text | st.sampled_from(SAMPLES), st.integers(min_value=0, max_value=40))
def test_when_candidates_are_always_tried_every_matcher_finds_the_same(text: str, cut: int) -> None:
    """The cost model picks scan or candidates per range; with trying always the cheaper,
    every range of every matcher goes through the candidates and must still agree."""
    norm = normalise(text)
    low = lowered(norm)
    pos, end = min(cut, len(norm)), max(min(cut, len(norm)), len(norm) - cut // 2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(word_index, "TRY_COST", 0)
        patch.setattr(word_index, "LOOKUP_COST", 0)
        indexed = [
            (
                m.spans(norm, low, pos, end, WordIndex(low)),
                m.search(norm, low, pos, end, WordIndex(low)),
            )
            for m in shipped_matchers()
        ]
    plain = [
        (m.spans(norm, low, pos, end), m.search(norm, low, pos, end)) for m in shipped_matchers()
    ]
    assert indexed == plain


def test_a_run_of_digits_inside_a_word_is_filed_like_a_word() -> None:
    index = WordIndex("x12/2025 a1b2 12")
    assert index.positions("12") == [1, 14]
    assert index.positions("1b2") == [10] and index.positions("2") == [4, 12]


def test_a_field_sees_the_document_index_at_its_own_offsets() -> None:
    rules = rule_set()
    texts = [TextField("subjective", "no fever"), TextField("notes", "calf swelling")]
    document = Document([FieldText(i, t, rules, Facts()) for i, t in enumerate(texts)])
    words = document.fields[1].words
    assert isinstance(words, FieldWords)
    assert words.starts(frozenset({"swe", "cal"}), 0, 13) == [0, 5]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)(?:swollen|edema)", {"swo", "ede"}),
        (r"\b(?:the\s+)?left", {"the", "lef"}),
        (r"(?<!\w)(?:[LR]\b|right)", {"l", "r", "rig"}),
        (r"(?<!\w)h/o", {"h"}),
        (r"swollen", None),  # no guard: it can match inside a word
        (r"(?<!\w)\w+ing", None),  # begins with any word character
        (r"(?<!\w)(?:[^.;]{0,80}x)", None),
        (r"(?<![\d/])\d{1,2}/\d{4}", set("0123456789")),  # a digit run's start, even in "x12"
        (r"(?<!\d)(?:x|5)", None),  # behind a digit guard only a digit has a known place
    ],
)
def test_start_prefixes(pattern: str, expected: set[str] | None) -> None:
    found = start_prefixes(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == expected


def test_an_opening_run_is_found_by_what_follows_it() -> None:
    source = r"(?<!\w)(?:old\s+\w+)|(?:[^.;]{0,90}\bbaseline\b)"
    starts = regex_starts(
        re.compile(source), [r"(?<!\w)(?:old\s+\w+)", r"(?:[^.;]{0,90}\bbaseline\b)"]
    )
    assert starts is not None
    assert starts.prefixes == frozenset({"old"}) and starts.reach == 90
    assert starts.reach_locator is not None


NUMBER_SAMPLES = [
    "BP 186/114 seated, recheck 182 over 112. SBP 190; T 101.9 F, temp 38.9 C.",
    "12/20/25 176 lb; 02/14/26 162 lb. Wt 168 lb at intake (2025-09-15). lost 15 lb in 2 mo.",
    "MI 2026-02-01, stroke 11/02/2026. Weight today on clinic scale 151 lb. 8/3 IE: wt 170 lb",
    "BP \u0661\u0668\u0666/\u0661\u0661\u0664 and 20 lbs unintentional weight loss",
]


@settings(max_examples=25, deadline=None)
@given(clinical_text | st.sampled_from(NUMBER_SAMPLES))
def test_the_number_readers_read_the_same_with_the_index(text: str) -> None:
    norm = normalise(text)
    rules = rule_set()
    review_date = dt.date(2026, 11, 20)
    plain = readings(norm, rules.numbers, review_date)
    assert readings(norm, rules.numbers, review_date, words=WordIndex(lowered(norm))) == plain
    assert dated_weights(norm, review_date, WordIndex(lowered(norm))) == dated_weights(
        norm, review_date
    )


def _fresh_context(text: FieldText, sentence: Span) -> SentenceContext:
    rules = text.rules.context
    return SentenceContext(text.norm, text.low, sentence, rules, text.facts.review_year)


def _same(a: SentenceContext, b: SentenceContext) -> bool:
    return (a.sentence, a.inert_from, a.clauses(), a.triggers) == (
        b.sentence,
        b.inert_from,
        b.clauses(),
        b.triggers,
    )


@settings(max_examples=20, deadline=None)
@given(st.lists(clinical_text | st.sampled_from(SAMPLES), min_size=1, max_size=4))
def test_a_repeated_sentence_is_read_once_and_moved_exactly(pieces: list[str]) -> None:
    note = " ".join(pieces * 3)  # every sentence repeats, after different text
    document = Document.read([TextField("notes", note), TextField("objective", note)], Facts())
    for text in document.fields:
        for sentence in text.spans:
            assert _same(text.context(sentence), _fresh_context(text, sentence))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)(?:her|the)\s+(?:pcp|doctor)", {"pcp", "doc"}),  # the noun, not "the"
        (r"[,;]\s*pcp", {"pcp"}),
        (r"\d+\s*cm\s+larger", {"lar"}),
        (r"x(?:ab)", None),  # "ab" may sit inside a word
        (r"(?<!\w)(?:a|b)|(?:\d+ yrs)", {"a", "b", "yrs"}),
    ],
)
def test_required_prefixes(pattern: str, expected: set[str] | None) -> None:
    found = required_prefixes(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == expected


@pytest.mark.parametrize(
    ("branches", "lowered_text", "expected"),
    [
        ([r"\d+\s*yrs?\s*ago"], True, ("ago",)),  # the longest run of literals
        ([r"\d+\s*yrs?\s*ago"], False, None),  # on cased text a letter may be upper case
        ([r"\d{1,2}/\d{4}", r":\s*denies"], False, ("/", ":")),
        ([r"(?:lost|gained)\s*\d+"], True, None),  # a choice: no one literal in every match
        ([r"ski"], True, None),  # s, k and i have non-ASCII twins a lower-cased text keeps
    ],
)
def test_a_locator_needs_the_literals_every_match_holds(
    branches: list[str], lowered_text: bool, expected: tuple[str, ...] | None
) -> None:
    assert word_index._texts_needed(branches, re.IGNORECASE, lowered_text) == expected
