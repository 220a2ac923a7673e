"""Stage, trial length and frequency (CPG 167 Definitions; Medically Necessary 4;
Treatment / Treatment Planning)."""

from __future__ import annotations

from typing import Literal

from tools.case import Case
from tools.findings import Code, Finding
from tools.parameters import parameters

Stage = Literal["acute", "sub-acute", "chronic"]


def stage_of(case: Case) -> tuple[Stage, int]:
    """The stage from onset (or a later exacerbation) to the review date, and its age in days."""
    days = (case.review_date - case.episode_start).days
    limits = parameters().stage
    if days <= limits.acute_max_days:
        return "acute", days
    if days <= limits.subacute_max_days:
        return "sub-acute", days
    return "chronic", days


def trial_length_findings(case: Case) -> list[Finding]:
    """TRIAL_LENGTH_EXCEEDED when the request spans more than the trial allows."""
    trial = parameters().trial
    initial = case.submission == "initial"
    limit = trial.initial_max_weeks if initial else trial.continuation_max_weeks
    weeks = case.plan.weeks_requested
    if weeks <= limit:
        return []
    kind = "an initial trial" if initial else "a continuation"
    return [
        Finding(
            code=Code.TRIAL_LENGTH_EXCEEDED,
            detail=f"{weeks} weeks requested; {kind} is generally up to {limit} weeks.",
            evidence=f"plan.weeks_requested = {weeks}",
            field="plan.weeks_requested",
            rule="dosage.trial_length",
            guideline_key="mn_trial_length",
        )
    ]


def frequency_findings(case: Case, improved: bool) -> list[Finding]:
    """FREQUENCY_NOT_REDUCED: improved, yet no fewer visits per week than before."""
    if case.submission != "continuation" or not improved or case.prior_care is None:
        return []
    requested = case.plan.visits_per_week
    prior = case.prior_care.visits_per_week
    if requested < prior:
        return []
    return [
        Finding(
            code=Code.FREQUENCY_NOT_REDUCED,
            detail=f"The member improved, but {requested:g} visits/week are requested against "
            f"{prior:g} before; as function improves the frequency should decrease.",
            evidence=f"plan: {case.plan.visits_requested} visits / {case.plan.weeks_requested} "
            f"weeks = {requested:g}/week; prior_care.visits_per_week = {prior:g}",
            field="plan.visits_requested",
            rule="dosage.frequency_reduction",
            guideline_key="frequency_reduction",
        )
    ]
