"""Continuation checks: did the trial of care produce a clinically important change?

Raises SIGNIFICANT_IMPROVEMENT, NO_SIGNIFICANT_IMPROVEMENT, NO_OUTCOME_EVIDENCE,
MAXIMUM_THERAPEUTIC_BENEFIT and the score part of WORSENING (review-policy §1), from
the per-instrument progress in tools.outcomes.

Choices where the policy is open (docs/decisions.md):
- "improved" means an evaluable instrument's latest score reached the MCID from its
  first score; "worse" means the latest score is at least one MCID worse than the first.
- "earlier improvement" (for MTB) means an instrument had already reached its MCID by
  its second-to-last score, so the last two scores show a plateau after real progress.
- The trial length is counted from prior_care.first_visit (else the first score) to the
  review date.
"""

from __future__ import annotations

import datetime as dt
import re

from tools.case import Case
from tools.findings import Code, Finding
from tools.outcomes import InstrumentProgress, instrument_progress
from tools.parameters import parameters
from tools.sentences import WITH_SEMICOLONS, sentence_texts

GOALS_MET = re.compile(
    r"\b(?:all\s+(?:\w+\s+)?goals|goals)\s+(?:have\s+been\s+|were\s+|are\s+)?"
    r"(?:fully\s+)?(?:met|achieved|attained|reached)\b",
    re.IGNORECASE,
)
GOALS_NOT_MET = re.compile(r"\b(?:not|partially|partly|nearly|almost|yet to be)\b", re.IGNORECASE)


def trial_days(case: Case) -> int | None:
    """Days of care so far in this episode, or None where nothing dates it."""
    start: dt.date | None = None
    if case.prior_care and case.prior_care.first_visit:
        start = case.prior_care.first_visit
    elif case.outcomes:
        start = min(score.date for score in case.outcomes)
    return None if start is None else (case.review_date - start).days


def goals_documented_as_met(case: Case) -> tuple[str, str] | None:
    """(field, sentence) where the record says the goals were met, unless qualified."""
    for field in ("notes", "subjective", "objective"):
        text: str = getattr(case, field)
        for sentence in sentence_texts(text, WITH_SEMICOLONS):
            match = GOALS_MET.search(sentence)
            if match and not GOALS_NOT_MET.search(sentence[: match.end()]):
                return field, sentence
    return None


def _evidence(progress: list[InstrumentProgress]) -> str:
    return "; ".join(item.describe() for item in progress)


def continuation_findings(case: Case) -> list[Finding]:
    """Progress findings for a continuation request; none for an initial one."""
    if case.submission != "continuation":
        return []
    params = parameters().progress
    progress = instrument_progress(case, params.plateau_min_days_between_scores)
    dated = [item for item in progress if item.dated]
    findings: list[Finding] = []
    if not dated:
        findings.append(
            Finding(
                code=Code.NO_OUTCOME_EVIDENCE,
                detail="No outcome measure has scores on two different dates, so progress "
                "cannot be verified objectively.",
                evidence=_evidence(progress) or "outcomes: none",
                field="outcomes",
                rule="progress.no_outcome_evidence",
                guideline_key="nmn_no_improvement",
            )
        )
        return findings
    findings += _worsening(dated)
    improved = [item for item in dated if item.reached_mcid]
    if improved:
        findings.append(
            Finding(
                code=Code.SIGNIFICANT_IMPROVEMENT,
                detail="Improved by at least the MCID: "
                + ", ".join(
                    f"{i.instrument} by {i.improvement:g} (MCID {i.mcid})" for i in improved
                ),
                evidence=_evidence(improved),
                field="outcomes",
                rule="progress.mcid_reached",
                guideline_key="additional_care",
            )
        )
    findings += _plateau_or_no_improvement(case, dated, improved)
    return findings


def _worsening(dated: list[InstrumentProgress]) -> list[Finding]:
    worse = [item for item in dated if item.worsened_by_mcid]
    if not worse:
        return []
    return [
        Finding(
            code=Code.WORSENING,
            detail="Worse by at least the MCID since the start of the episode: "
            + ", ".join(f"{i.instrument} by {-i.improvement:g} (MCID {i.mcid})" for i in worse),
            evidence=_evidence(worse),
            field="outcomes",
            rule="progress.worse_by_mcid",
            guideline_key="referral",
        )
    ]


def _plateau_or_no_improvement(
    case: Case, dated: list[InstrumentProgress], improved: list[InstrumentProgress]
) -> list[Finding]:
    params = parameters().progress
    measured = [item for item in dated if item.evaluable]
    plateaued = (
        bool(measured)
        and any(item.earlier_improvement for item in measured)
        and all(item.plateau is True for item in measured)
    )
    goals_met = goals_documented_as_met(case)
    if plateaued:
        return [
            Finding(
                code=Code.MAXIMUM_THERAPEUTIC_BENEFIT,
                detail="Earlier improvement, then the last two scores of every instrument, at "
                "least 2 weeks apart, differ by less than the MCID: a plateau.",
                evidence=_evidence(measured),
                field="outcomes",
                rule="progress.plateau",
                guideline_key="mtb",
            )
        ]
    if goals_met:
        field, sentence = goals_met
        return [
            Finding(
                code=Code.MAXIMUM_THERAPEUTIC_BENEFIT,
                detail="The record documents the treatment goals as met.",
                evidence=sentence,
                field=field,
                rule="progress.goals_met",
                guideline_key="mtb",
            )
        ]
    days = trial_days(case)
    minimum = params.minimum_trial_weeks_for_no_improvement * 7
    if not improved and measured and days is not None and days >= minimum:
        return [
            Finding(
                code=Code.NO_SIGNIFICANT_IMPROVEMENT,
                detail=f"No outcome measure improved by its MCID after {days} days of care "
                f"(a trial of {params.minimum_trial_weeks_for_no_improvement} weeks or more).",
                evidence=_evidence(dated),
                field="outcomes",
                rule="progress.no_mcid_after_trial",
                guideline_key="nmn_no_improvement",
            )
        ]
    return []
