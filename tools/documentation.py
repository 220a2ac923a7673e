"""Documentation and eligibility checks that need no clinical-text reading.

Credential (read in tools/credentials.py), measurable goals, self-care, presence and
freshness of outcome measures, and "little or no pain and no functional deficit"
(review-policy §1). Patterns and thresholds come from data files (goals.yaml,
parameters.yaml, mcid.yaml).
"""

from __future__ import annotations

import re
from functools import cache

from tools.case import Case
from tools.credentials import practitioner_findings
from tools.datafiles import load_yaml
from tools.findings import Code, Finding
from tools.mcid import instruments
from tools.outcomes import latest_score_date, latest_scores
from tools.parameters import parameters

EMPTY_SELF_CARE = re.compile(
    r"^\s*(?:none|n/?a|nil|no|tbd|pending|not (?:yet )?(?:given|documented|provided)"
    r"|(?:to be|will be) (?:given|provided|discussed|issued)"
    r"(?: (?:at |on )?(?:the )?next (?:visit|session)| later)?"
    r"|-+)?\s*\.?\s*$",
    re.I,
)
"""Self-care that is absent, or only promised for later ("to be given next visit")."""

__all__ = [
    "goal_findings",
    "goal_is_measurable",
    "no_functional_deficit_findings",
    "outcome_documentation_findings",
    "practitioner_findings",
    "self_care_findings",
]


@cache
def _goal_patterns() -> list[re.Pattern[str]]:
    groups: dict[str, list[str]] = load_yaml("goals.yaml")
    return [re.compile(p, re.IGNORECASE) for patterns in groups.values() for p in patterns]


def goal_is_measurable(goal: str) -> bool:
    """Whether a goal carries a number, a time frame, or a named activity with a target."""
    return any(pattern.search(goal) for pattern in _goal_patterns())


def goal_findings(case: Case) -> list[Finding]:
    """MISSING_GOALS when no goal is measurable."""
    if any(goal_is_measurable(goal) for goal in case.goals):
        return []
    shown = "; ".join(case.goals) if case.goals else "none"
    return [
        Finding(
            code=Code.MISSING_GOALS,
            detail="No treatment goal is measurable (no number, time frame, or activity with "
            "a target).",
            evidence=f"goals: {shown}",
            field="goals",
            rule="documentation.measurable_goals",
            guideline_key="goals_missing",
        )
    ]


def self_care_findings(case: Case) -> list[Finding]:
    """MISSING_SELF_CARE when no home or self-care instruction is documented."""
    if case.self_care is not None and not EMPTY_SELF_CARE.match(case.self_care):
        return []
    return [
        Finding(
            code=Code.MISSING_SELF_CARE,
            detail="No home or self-care instructions are documented.",
            evidence=f"self_care = {case.self_care!r}"
            if case.self_care is not None
            else "self_care = null",
            field="self_care",
            rule="documentation.self_care",
            guideline_key="self_care",
        )
    ]


def outcome_documentation_findings(case: Case) -> list[Finding]:
    """MISSING_OUTCOME_MEASURE (initial, none at all) and STALE_FINDINGS (latest too old)."""
    findings: list[Finding] = []
    if case.submission == "initial" and not case.outcomes:
        findings.append(
            Finding(
                code=Code.MISSING_OUTCOME_MEASURE,
                detail="Initial request with no valid outcome measure.",
                evidence="outcomes: none",
                field="outcomes",
                rule="documentation.outcome_measure",
                guideline_key="proms",
            )
        )
    latest = latest_score_date(case)
    limit = parameters().staleness.max_days_since_latest_score
    if latest is not None and (case.review_date - latest).days > limit:
        age = (case.review_date - latest).days
        findings.append(
            Finding(
                code=Code.STALE_FINDINGS,
                detail=f"The latest outcome score is {age} days old (more than {limit} days "
                "before the review).",
                evidence=f"latest outcome date {latest.isoformat()}; review_date "
                f"{case.review_date.isoformat()}",
                field="outcomes",
                rule="documentation.stale_findings",
                guideline_key="outdated_findings",
            )
        )
    return findings


def no_functional_deficit_findings(case: Case) -> list[Finding]:
    """NO_FUNCTIONAL_DEFICIT: latest pain score low and every disability/function score minimal."""
    table = instruments()
    limits = parameters().no_functional_deficit
    latest = latest_scores(case)
    pain = {name: score for name, score in latest.items() if table[name].kind == "pain"}
    if not pain:
        return []
    newest_pain_date = max(score.date for score in pain.values())
    caps = {"NPRS": limits.max_pain_nprs, "VAS": limits.max_pain_vas}
    if not all(
        score.score <= caps[name] for name, score in pain.items() if score.date == newest_pain_date
    ):
        return []
    others = [score for name, score in latest.items() if table[name].kind != "pain"]
    if not all(table[s.instrument].in_minimal_band(s.score) for s in others):
        return []
    shown = "; ".join(
        f"{name} {s.score:g} ({s.date.isoformat()})" for name, s in sorted(latest.items())
    )
    return [
        Finding(
            code=Code.NO_FUNCTIONAL_DEFICIT,
            detail="Little or no pain on the latest pain score and no functional deficit on "
            "any disability or function measure.",
            evidence=f"latest scores: {shown}",
            field="outcomes",
            rule="documentation.no_functional_deficit",
            guideline_key="little_or_no_pain",
        )
    ]
