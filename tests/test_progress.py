"""MCID maths, per-instrument progress and the continuation findings."""

from __future__ import annotations

import pytest

from tests.factories import continuation, make_case
from tools.findings import Code
from tools.mcid import instruments
from tools.progress import continuation_findings


@pytest.mark.parametrize(
    ("instrument", "baseline", "follow_up", "reached"),
    [
        ("NPRS", 6, 4, True),  # 2 points = absolute MCID
        ("NPRS", 6, 4.5, False),  # 1.5 points, 25%: neither MCID
        ("NPRS", 3, 2, True),  # 1 point but 33%: the percent MCID suffices
        ("ODI", 34, 24, True),  # 10 points
        ("ODI", 34, 25, False),  # 9 points, 26%
        ("NDI", 20, 12.5, True),  # 7.5 points default
        ("PSFS", 4, 6, True),  # higher is better: +2
        ("PSFS", 6, 4, False),  # went the wrong way
        ("LEFS", 40, 48, False),  # +8 < 9
        ("FIQR", 50, 43, True),  # 14% of baseline
        ("QuickDASH", 40, 32, True),  # 8.0 points default
        ("NPRS", 0, 0, False),  # percent undefined at 0; no change
    ],
)
def test_mcid_table(instrument, baseline, follow_up, reached):
    assert instruments()[instrument].reaches_mcid(baseline, follow_up) is reached


def _codes(case):
    return {f.code for f in continuation_findings(case)}


def test_when_initial_then_no_progress_findings():
    assert continuation_findings(make_case()) == []


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # clear improvement on NPRS
        ([("NPRS", "2026-01-26", 7), ("NPRS", "2026-02-27", 4)], {Code.SIGNIFICANT_IMPROVEMENT}),
        # no change after > 4 weeks of care
        ([("NPRS", "2026-01-26", 6), ("NPRS", "2026-02-27", 5)], {Code.NO_SIGNIFICANT_IMPROVEMENT}),
        # worse by the MCID
        (
            [("NPRS", "2026-01-26", 4), ("NPRS", "2026-02-27", 7)],
            {Code.WORSENING, Code.NO_SIGNIFICANT_IMPROVEMENT},
        ),
        # only one date: progress cannot be verified
        ([("NPRS", "2026-02-27", 6), ("ODI", "2026-02-27", 30)], {Code.NO_OUTCOME_EVIDENCE}),
        # improvement then plateau (last two 2+ weeks apart, < MCID)
        (
            [("NPRS", "2026-01-10", 8), ("NPRS", "2026-02-01", 4), ("NPRS", "2026-02-27", 4)],
            {Code.SIGNIFICANT_IMPROVEMENT, Code.MAXIMUM_THERAPEUTIC_BENEFIT},
        ),
        # last two scores only 10 days apart: too soon to call a plateau
        (
            [("NPRS", "2026-01-10", 8), ("NPRS", "2026-02-17", 4), ("NPRS", "2026-02-27", 4)],
            {Code.SIGNIFICANT_IMPROVEMENT},
        ),
        # baseline already in the minimal band: not evaluable, so no "no improvement" claim
        ([("NPRS", "2026-01-26", 1), ("NPRS", "2026-02-27", 1)], set()),
        # higher-is-better instrument improving
        ([("PSFS", "2026-01-26", 3), ("PSFS", "2026-02-27", 6)], {Code.SIGNIFICANT_IMPROVEMENT}),
    ],
)
def test_continuation_progress(scores, expected):
    assert _codes(continuation(scores)) == expected


def test_when_trial_shorter_than_four_weeks_then_no_lack_of_improvement_claimed():
    case = continuation(
        [("NPRS", "2026-02-10", 6), ("NPRS", "2026-02-27", 6)],
        prior_care={"first_visit": "2026-02-10"},
    )
    assert _codes(case) == set()


@pytest.mark.parametrize(
    ("note", "met"),
    [
        ("All goals met; independent with home program.", True),  # documented as met
        ("Goals partially met.", False),  # qualified
        ("Goals not met yet.", False),  # negated
    ],
)
def test_goals_documented_as_met_is_mtb(note, met):
    case = continuation([("NPRS", "2026-01-26", 6), ("NPRS", "2026-02-27", 3)], notes=note)
    assert (Code.MAXIMUM_THERAPEUTIC_BENEFIT in _codes(case)) is met


def test_progress_finding_quotes_scores_as_evidence():
    findings = continuation_findings(
        continuation([("NPRS", "2026-01-26", 7), ("NPRS", "2026-02-27", 4)])
    )
    assert findings[0].evidence == "NPRS 7 (2026-01-26) → 4 (2026-02-27)"
    assert findings[0].guideline_key == "additional_care"
