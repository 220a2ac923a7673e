"""The policy's precedence and dosage arithmetic (review-policy.md §2), as a table."""

from __future__ import annotations

import pytest

from tests.factories import make_case
from tools.findings import Code, Finding
from tools.policy import recommend


def _finding(code: Code) -> Finding:
    return Finding(code=code, detail="d", evidence="e", rule="test", guideline_key="mn_purpose")


def _recommend(codes, **case_changes):
    return recommend(make_case(**case_changes), [_finding(c) for c in codes])


@pytest.mark.parametrize(
    ("codes", "outcome", "refer"),
    [
        # safety first: absolute contraindication → denied and referred
        ({Code.ABSOLUTE_CONTRAINDICATION, Code.TRIAL_LENGTH_EXCEEDED}, "denied", True),
        # an unaddressed red flag → denied and referred
        ({Code.RED_FLAG}, "denied", True),
        # an addressed red flag alone never changes the outcome
        ({Code.RED_FLAG_ADDRESSED, Code.RELATIVE_CONTRAINDICATION}, "approved", False),
        # not covered: wellness → denied, not referred
        ({Code.WELLNESS_OR_PREVENTIVE}, "denied", False),
        ({Code.NOT_QUALIFIED_PRACTITIONER}, "denied", False),
        ({Code.DUPLICATIVE_SERVICES}, "denied", False),
        ({Code.NO_FUNCTIONAL_DEFICIT, Code.MISSING_GOALS}, "denied", False),
        # worsening → denied and referred
        ({Code.WORSENING}, "denied", True),
        # informational codes only → approved as requested
        ({Code.YELLOW_FLAG, Code.MISSING_SELF_CARE, Code.FAMILY_HISTORY}, "approved", False),
        # nothing found → approved
        (set(), "approved", False),
    ],
)
def test_precedence(codes, outcome, refer):
    result = _recommend(codes)
    assert (result.outcome, result.refer) == (outcome, refer)
    if outcome == "denied":
        assert (result.approved.visits, result.approved.weeks) == (0, 0)


@pytest.mark.parametrize(
    ("codes", "visits", "weeks", "expected"),
    [
        # 12/6 → 4 weeks → floor(12*4/6) = 8
        ({Code.TRIAL_LENGTH_EXCEEDED}, 12, 6, (8, 4)),
        # 10/5 → floor(10*4/5) = 8
        ({Code.TRIAL_LENGTH_EXCEEDED}, 10, 5, (8, 4)),
        # short trial: 9/6 with missing goals → 2 weeks, floor(9*2/6) = 3
        ({Code.MISSING_GOALS, Code.TRIAL_LENGTH_EXCEEDED}, 9, 6, (3, 2)),
        # stale findings on a 4-week request: 8/4 → 4/2
        ({Code.STALE_FINDINGS}, 8, 4, (4, 2)),
        # at least one visit: 1/3 with a short trial → floor(1*2/3)=0 → 1
        ({Code.MISSING_OUTCOME_MEASURE}, 1, 3, (1, 2)),
        # 7/5 → floor(28/5) = 5
        ({Code.TRIAL_LENGTH_EXCEEDED}, 7, 5, (5, 4)),
    ],
)
def test_partial_approval_arithmetic(codes, visits, weeks, expected):
    result = _recommend(codes, plan={"visits_requested": visits, "weeks_requested": weeks})
    assert result.outcome == "partially_approved"
    assert (result.approved.visits, result.approved.weeks) == expected


def test_when_limits_equal_request_then_approved_with_findings_kept():
    # a 2-week request with missing goals: the short trial equals the request
    result = _recommend({Code.MISSING_GOALS}, plan={"visits_requested": 4, "weeks_requested": 2})
    assert result.outcome == "approved"
    assert [f.code for f in result.findings] == [Code.MISSING_GOALS]


def test_frequency_cap_uses_prior_visits_per_week_minus_one():
    # improved at 3/week; 12 visits over 4 weeks requested (3/week) → cap 2/week × 4 = 8
    result = _recommend(
        {Code.FREQUENCY_NOT_REDUCED, Code.SIGNIFICANT_IMPROVEMENT},
        submission="continuation",
        plan={"visits_requested": 12, "weeks_requested": 4},
        prior_care={"visits_completed": 12, "visits_per_week": 3},
    )
    assert (result.outcome, result.approved.visits, result.approved.weeks) == (
        "partially_approved",
        8,
        4,
    )


@pytest.mark.parametrize(
    ("latest_nprs", "refer"),
    [
        (5, True),  # still significant pain at MTB → consider referral
        (3, False),  # little pain left, disability minimal
    ],
)
def test_no_progress_refers_only_with_significant_complaints(latest_nprs, refer):
    result = _recommend(
        {Code.MAXIMUM_THERAPEUTIC_BENEFIT},
        submission="continuation",
        outcomes=[
            {"instrument": "NPRS", "date": "2026-02-27", "score": latest_nprs},
            {"instrument": "ODI", "date": "2026-02-27", "score": 10},
        ],
    )
    assert (result.outcome, result.refer) == ("denied", refer)
