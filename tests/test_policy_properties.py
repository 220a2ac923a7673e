"""Invariants of the policy over any findings and any requested dosage (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import make_case
from tools.findings import Code, Finding
from tools.policy import SAFETY, recommend

codes = st.sets(st.sampled_from(list(Code)), max_size=6)
dosage = st.tuples(st.integers(1, 40), st.integers(1, 12))
prior_per_week = st.sampled_from([1, 1.5, 2, 3, 4])
submission = st.sampled_from(["initial", "continuation"])


def _recommend(found, visits, weeks, kind, per_week):
    case = make_case(
        submission=kind,
        plan={"visits_requested": visits, "weeks_requested": weeks},
        prior_care={"visits_completed": 8, "visits_per_week": per_week},
    )
    findings = [
        Finding(code=c, detail="d", evidence="e", rule="r", guideline_key="mn_purpose")
        for c in sorted(found)
    ]
    return recommend(case, findings)


@settings(max_examples=400, deadline=None)
@given(codes, dosage, submission, prior_per_week)
def test_recommendation_invariants(found, requested, kind, per_week):
    visits, weeks = requested
    result = _recommend(found, visits, weeks, kind, per_week)
    approved = result.approved
    # never more than asked for
    assert approved.visits <= visits and approved.weeks <= weeks
    if result.outcome == "denied":
        assert (approved.visits, approved.weeks) == (0, 0)
    elif result.outcome == "approved":
        assert (approved.visits, approved.weeks) == (visits, weeks)
    else:
        # a partial approval is a real trial: at least one visit, at most four weeks
        assert approved.visits >= 1 and 1 <= approved.weeks <= 4
        assert (approved.visits, approved.weeks) != (visits, weeks)
    # safety findings always deny and refer
    if found & SAFETY:
        assert result.outcome == "denied" and result.refer
    # only denials refer
    if result.refer:
        assert result.outcome == "denied"
    # every finding is kept in the recommendation
    assert {f.code for f in result.findings} == found


@settings(max_examples=200, deadline=None)
@given(codes, dosage, submission, prior_per_week)
def test_recommendation_is_deterministic(found, requested, kind, per_week):
    first = _recommend(found, *requested, kind, per_week)
    second = _recommend(found, *requested, kind, per_week)
    assert first == second
