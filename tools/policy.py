"""From findings to a recommended determination (shared/spec/review-policy.md §2).

The first rule that fires wins, and the recommendation names the findings that made it
fire (`deciding`): the drafter and the verifier read that list, never their own copy.
The outcome and the approved dosage come only from here: the drafter (template or LLM)
writes prose around them and may not change them.
"""

from __future__ import annotations

from tools.case import Case
from tools.determination import Dosage, Recommendation
from tools.findings import Code, Finding
from tools.mcid import instruments
from tools.outcomes import latest_scores
from tools.parameters import parameters

SAFETY = {Code.ABSOLUTE_CONTRAINDICATION, Code.RED_FLAG}
NOT_COVERED = {
    Code.NOT_QUALIFIED_PRACTITIONER,
    Code.WELLNESS_OR_PREVENTIVE,
    Code.MAINTENANCE_CARE,
    Code.CONVENIENCE,
    Code.DUPLICATIVE_SERVICES,
    Code.NO_FUNCTIONAL_DEFICIT,
}
NO_PROGRESS = {
    Code.NO_OUTCOME_EVIDENCE,
    Code.NO_SIGNIFICANT_IMPROVEMENT,
    Code.MAXIMUM_THERAPEUTIC_BENEFIT,
}
LIMITING = {
    Code.TRIAL_LENGTH_EXCEEDED,
    Code.FREQUENCY_NOT_REDUCED,
    Code.MISSING_GOALS,
    Code.MISSING_OUTCOME_MEASURE,
    Code.STALE_FINDINGS,
}
SHORT_TRIAL = {Code.MISSING_GOALS, Code.MISSING_OUTCOME_MEASURE, Code.STALE_FINDINGS}


def has_significant_complaints(case: Case) -> bool:
    """Latest NPRS ≥ 4 (VAS ≥ 40) or a latest disability score outside its minimal band."""
    table = instruments()
    limits = parameters().referral
    for name, latest in latest_scores(case).items():
        score = latest.score
        if name == "NPRS" and score >= limits.significant_pain_nprs:
            return True
        if name == "VAS" and score >= limits.significant_pain_vas:
            return True
        if table[name].kind != "pain" and not table[name].in_minimal_band(score):
            return True
    return False


def limited_dosage(case: Case, codes: set[Code]) -> Dosage:
    """Rule 4's arithmetic: weeks capped, visits pro rata (floor, ≥ 1), frequency cap."""
    trial = parameters().trial
    requested_visits = case.plan.visits_requested
    requested_weeks = case.plan.weeks_requested
    cap = trial.short_trial_weeks if codes & SHORT_TRIAL else trial.initial_max_weeks
    if case.submission == "continuation" and not codes & SHORT_TRIAL:
        cap = trial.continuation_max_weeks
    weeks = min(requested_weeks, cap)
    visits = max(1, requested_visits * weeks // requested_weeks)
    if Code.FREQUENCY_NOT_REDUCED in codes and case.prior_care is not None:
        per_week = max(1, int(case.prior_care.visits_per_week) - 1)
        visits = min(visits, per_week * weeks)
    return Dosage(visits=min(visits, requested_visits), weeks=weeks)


def recommend(case: Case, findings: list[Finding]) -> Recommendation:
    """Apply the policy's precedence to the findings."""
    codes = {finding.code for finding in findings}
    requested = Dosage(visits=case.plan.visits_requested, weeks=case.plan.weeks_requested)
    none = Dosage(visits=0, weeks=0)

    def result(
        outcome: str, approved: Dosage, refer: bool, rule: str, deciding: set[Code]
    ) -> Recommendation:
        return Recommendation(
            outcome=outcome,
            requested=requested,
            approved=approved,
            refer=refer,
            rule=rule,
            findings=findings,
            deciding=[c for c in Code if c in deciding],
        )

    if codes & SAFETY:
        rule = "2.1 absolute contraindication or red flag"
        return result("denied", none, True, rule, codes & SAFETY)
    if codes & NOT_COVERED:
        return result("denied", none, False, "2.2 not medically necessary", codes & NOT_COVERED)
    if Code.WORSENING in codes:
        return result("denied", none, True, "2.3 worsening", {Code.WORSENING})
    if case.submission == "continuation" and codes & NO_PROGRESS:
        refer = has_significant_complaints(case)
        return result("denied", none, refer, "2.3 no verified progress", codes & NO_PROGRESS)
    if codes & LIMITING:
        approved = limited_dosage(case, codes)
        if approved == requested:
            # the limits are reported but changed nothing: no finding decided
            return result("approved", approved, False, "2.4 limits met by the request", set())
        return result("partially_approved", approved, False, "2.4 limited trial", codes & LIMITING)
    return result("approved", requested, False, "2.5 as requested", set())
