"""Documentation checks: credentials, goals, self-care, outcome presence and freshness."""

from __future__ import annotations

import pytest

from tests.factories import make_case
from tools.documentation import (
    goal_is_measurable,
    no_functional_deficit_findings,
    outcome_documentation_findings,
    practitioner_findings,
    self_care_findings,
)
from tools.dosage import frequency_findings, stage_of, trial_length_findings
from tools.findings import Code


@pytest.mark.parametrize(
    ("credential", "qualified"),
    [
        ("LMT", True),  # licensed massage therapist
        ("L.M.T.", True),  # dotted spelling
        ("PT, DPT", True),  # list of credentials
        ("DC", True),
        ("LAc", True),
        ("MD", True),  # directing care
        ("RN", False),  # nurse: not a massage credential
        ("CNA", False),
        ("Personal trainer", False),
    ],
)
def test_credentials(credential, qualified):
    findings = practitioner_findings(make_case(practitioner={"credential": credential}))
    assert (findings == []) is qualified


@pytest.mark.parametrize(
    ("goal", "measurable"),
    [
        ("Sit 60 minutes at work", True),  # a number
        ("ODI below 20% within 4 weeks", True),  # number and time frame
        ("Sleep through the night without waking from pain", True),  # activity with a target
        ("Return to full duty as a carpenter", True),  # named activity with a target
        ("Lift grandchild without pain by discharge", True),
        ("Feel better", False),  # vague
        ("Decrease pain and improve function", False),
        ("Relaxation", False),
    ],
)
def test_goal_measurability(goal, measurable):
    assert goal_is_measurable(goal) is measurable


def test_when_no_goal_measurable_then_missing_goals():
    findings = make_case(goals=["Feel better", "Less tension"])
    from tools.documentation import goal_findings

    assert [f.code for f in goal_findings(findings)] == [Code.MISSING_GOALS]


@pytest.mark.parametrize(
    ("self_care", "missing"),
    [
        (None, True),  # not documented
        ("", True),
        ("none", True),
        ("N/A", True),
        ("to be given next visit", True),  # promised, not given (blind4 e24)
        ("TBD", True),
        ("Home stretching program, 10 min daily", False),
    ],
)
def test_self_care(self_care, missing):
    assert bool(self_care_findings(make_case(self_care=self_care))) is missing


@pytest.mark.parametrize(
    ("submission", "outcomes", "codes"),
    [
        # initial with no outcome measure at all
        ("initial", [], {Code.MISSING_OUTCOME_MEASURE}),
        # latest score 31 days old → stale
        (
            "initial",
            [{"instrument": "NPRS", "date": "2026-01-30", "score": 6}],
            {Code.STALE_FINDINGS},
        ),
        # exactly 30 days old → not stale
        ("initial", [{"instrument": "NPRS", "date": "2026-01-31", "score": 6}], set()),
        # continuation with none: NO_OUTCOME_EVIDENCE is raised elsewhere, not this
        ("continuation", [], set()),
    ],
)
def test_outcome_documentation(submission, outcomes, codes):
    case = make_case(submission=submission, outcomes=outcomes)
    assert {f.code for f in outcome_documentation_findings(case)} == codes


@pytest.mark.parametrize(
    ("outcomes", "raised"),
    [
        # little pain, minimal disability
        ([("NPRS", 2), ("ODI", 12)], True),
        # pain 3: not little
        ([("NPRS", 3), ("ODI", 12)], False),
        # little pain but a real disability
        ([("NPRS", 1), ("ODI", 30)], False),
        # VAS in mm
        ([("VAS", 18), ("NDI", 4)], True),
        # no pain score: not raised
        ([("ODI", 8)], False),
        # higher-is-better function score in its band
        ([("NPRS", 1), ("LEFS", 75)], True),
    ],
)
def test_no_functional_deficit(outcomes, raised):
    case = make_case(
        outcomes=[{"instrument": i, "date": "2026-02-27", "score": s} for i, s in outcomes]
    )
    assert bool(no_functional_deficit_findings(case)) is raised


@pytest.mark.parametrize(
    ("onset", "exacerbation", "stage"),
    [
        ("2026-01-20", None, "acute"),  # 41 days
        ("2026-01-19", None, "sub-acute"),  # 42 days
        ("2025-12-08", None, "sub-acute"),  # 84 days
        ("2025-12-07", None, "chronic"),  # 85 days
        ("2025-01-01", "2026-02-20", "acute"),  # a later exacerbation restarts the clock
    ],
)
def test_stage(onset, exacerbation, stage):
    case = make_case(condition={"onset_date": onset, "exacerbation_date": exacerbation})
    assert stage_of(case)[0] == stage


@pytest.mark.parametrize(
    ("weeks", "exceeded"),
    [(4, False), (5, True), (6, True), (1, False)],
)
def test_trial_length(weeks, exceeded):
    case = make_case(plan={"weeks_requested": weeks, "visits_requested": weeks * 2})
    assert bool(trial_length_findings(case)) is exceeded


@pytest.mark.parametrize(
    ("visits", "weeks", "prior_per_week", "improved", "raised"),
    [
        (8, 4, 2, True, True),  # 2/week again after improving
        (4, 4, 2, True, False),  # reduced to 1/week
        (12, 4, 2, True, True),  # increased
        (8, 4, 2, False, False),  # not improved: a different question
    ],
)
def test_frequency_reduction(visits, weeks, prior_per_week, improved, raised):
    case = make_case(
        submission="continuation",
        plan={"visits_requested": visits, "weeks_requested": weeks},
        prior_care={"visits_completed": 8, "visits_per_week": prior_per_week},
    )
    assert bool(frequency_findings(case, improved)) is raised
