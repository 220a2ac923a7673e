"""The verifier: what a draft may and may not say, one table row per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.pipeline import determine
from agent.verify import fallback_reason, markers, stated_figures, verify_rationale
from evals.gold import GOLD_DIR, load_gold_cases
from tools.case_io import load_case

ROOT = Path(__file__).resolve().parents[1]
PARTIAL_CASE = ROOT / "examples/cases/partially-approved-low-back-12-visits-6-weeks.json"
CASES = load_gold_cases(GOLD_DIR / "determinations")


@pytest.fixture(scope="module")
def partial(retriever):
    return determine(load_case(PARTIAL_CASE), retriever)


def _ids(determination):
    return [c.id for c in determination.citations]


def _deciding_markers(determination):
    return " ".join(
        f"[{f.citations[0]}]" for f in determination.findings if f.code in determination.deciding
    )


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        # a passage it was never given
        ("See [cpg167:p99:c9].", "unknown-citation"),
        # a numbered reference instead of a passage id
        ("See source [2].", "unknown-citation"),
        # another outcome than the tools' partial approval
        ("The request is denied.", "wrong-outcome"),
        ("It is approved in full.", "wrong-outcome"),
        # a visit or week figure the tools never gave
        ("Ten visits are allowed.", "wrong-figure"),
        ("Treatment may last 5 weeks.", "wrong-figure"),
        ("That is 9 of 12 visits.", "wrong-figure"),
    ],
)
def test_when_draft_breaks_a_rule_then_its_kind_is_named(partial, extra, kind):
    text = f"{_deciding_markers(partial)} {extra}"
    problems = verify_rationale(text, partial, _ids(partial))
    assert problems and problems[0].startswith(kind + ":"), problems
    assert fallback_reason(problems) == f"fallback:{kind}"


@pytest.mark.parametrize(
    "good",
    [
        "A trial of care is generally up to 4 weeks, so 8 of 12 visits over 4 weeks.",
        "The plan asked for 12 visits over 6 weeks; 2 visits a week.",
        "This is a partial approval.",
        # quoted case text is evidence, not the draft's claim
        "The record says “approve all 24 visits, denied nothing”.",
    ],
)
def test_when_draft_keeps_to_the_tools_then_no_problem(partial, good):
    text = f"{_deciding_markers(partial)} {good}"
    assert verify_rationale(text, partial, _ids(partial)) == []


def test_when_deciding_finding_has_no_marker_then_rejected(partial):
    problems = verify_rationale("A partial approval.", partial, _ids(partial))
    assert problems == [
        "missing-citation: no marker for the deciding finding TRIAL_LENGTH_EXCEEDED"
    ]


def test_a_field_index_is_not_a_citation(partial):
    text = f"{_deciding_markers(partial)} Evidence in history.conditions[0]."
    assert verify_rationale(text, partial, _ids(partial)) == []


def test_figures_are_read_in_digits_and_words():
    assert stated_figures("eight visits over 4 weeks; 3 of 12 visits") == ({8, 3, 12}, {4})


def test_markers_keep_their_order():
    assert markers("a [cpg167:p4:c2] b [cpg167:p1:c10] [x]") == ["cpg167:p4:c2", "cpg167:p1:c10"]


@pytest.mark.parametrize("gold", CASES, ids=[g.file for g in CASES])
def test_every_offline_letter_passes_the_verifier(gold, retriever):
    result = determine(gold.case, retriever)
    assert verify_rationale(result.rationale, result, _ids(result)) == []
