"""Readers stay linear on hostile text without changing what they find in clinical text.

Timing belongs in `make bench`; these tests pin the behaviour of the changes that made
reading linear: long sentences read in pieces, guarded patterns, the weight-series drop.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_case
from tools.review import all_findings
from tools.screening.numbers import _greatest_drop
from tools.screening.patterns import _guard_runs
from tools.screening.rules import rule_set
from tools.sentences import CLINICAL, sentences


def test_when_a_run_has_no_sentence_end_then_it_is_read_in_pieces_cut_at_spaces():
    cap = rule_set().context.sentence_max_chars
    text = "word " * 500  # 2,500 characters, no full stop
    spans = sentences(text, CLINICAL, max_chars=cap)
    assert len(spans) == 3
    assert all(s.end - s.start <= cap for s in spans)
    assert all(text[s.start : s.end].endswith("word") for s in spans)


def test_when_a_negation_lies_beyond_the_sentence_cap_then_it_does_not_reach():
    """A denial 1,500 characters back in a run without a full stop does not hide a fever."""
    near = make_case(notes="Denies fever and chills today")
    far = make_case(notes="Denies " + "mild ache " * 150 + "fever and chills today")
    assert "RED_FLAG" not in {f.code.value for f in all_findings(near)}
    assert "RED_FLAG" in {f.code.value for f in all_findings(far)}


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # a number run is matched from its start, as before
        (r"\d+\s*(?:weeks?|wks?)\s+pregnant", "she is 12 weeks pregnant", ["12 weeks pregnant"]),
        # a word run too
        (r"(?:many|several|\w+)\s+years\s+ago", "fracture twenty years ago", ["twenty years ago"]),
        # a pattern that does not begin with a run is left as it was
        (r"(?:[6-9]|[1-9]\d)\s+beers", "drinks 112 beers", ["12 beers"]),
        # nothing in a long run of digits (the case that took hours unguarded)
        (r"\d+\s*ago", "1" * 5000, []),
    ],
    ids=["digits", "words", "unguarded", "long-run"],
)
def test_when_a_pattern_begins_with_a_run_then_guarded_matches_are_the_same(
    pattern, text, expected
):
    guarded = re.compile(_guard_runs(pattern))
    assert [m.group() for m in guarded.finditer(text)] == expected
    if len(text) < 100:
        assert expected == [m.group() for m in re.finditer(pattern, text)]


_DATES = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


@given(
    st.lists(st.tuples(_DATES, st.floats(min_value=40, max_value=400)), max_size=12),
    st.integers(min_value=0, max_value=400),
)
def test_greatest_drop_equals_the_best_pair_within_the_window(weights, days):
    weights = sorted(weights)
    window = dt.timedelta(days=days)
    pairs = [
        a[1] - b[1]
        for i, a in enumerate(weights)
        for b in weights[i + 1 :]
        if b[0] - a[0] <= window
    ]
    assert _greatest_drop(weights, window) == max(pairs, default=0.0)
