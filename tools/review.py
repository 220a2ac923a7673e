"""Run every deterministic check on a case and let the policy recommend.

This is the tools' whole public job in one call: case in, recommendation (outcome,
dosage, findings) out, and beside it the attention items other readers raise
(review-policy §4), which never change the recommendation. Citations and prose are
added by the agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.case import Case
from tools.determination import AttentionItem, Recommendation
from tools.documentation import (
    goal_findings,
    no_functional_deficit_findings,
    outcome_documentation_findings,
    practitioner_findings,
    self_care_findings,
)
from tools.dosage import frequency_findings, trial_length_findings
from tools.findings import Code, Finding
from tools.policy import recommend
from tools.progress import continuation_findings
from tools.screening import screen_case
from tools.screening.attention import Embed, find_attention
from tools.screening.clusters import case_clusters, cluster_findings, without_covered


@dataclass(frozen=True)
class Review:
    """The policy's recommendation, and the attention items beside it (never inside it)."""

    recommendation: Recommendation
    attention: list[AttentionItem]


def all_findings(case: Case) -> list[Finding]:
    """Every finding the tools raise for a case, screening first (safety before paperwork)."""
    findings = list(screen_case(case))
    findings += cluster_findings(case_clusters(case), findings)
    findings = without_covered(findings)
    findings += practitioner_findings(case)
    findings += no_functional_deficit_findings(case)
    progress = continuation_findings(case)
    findings += progress
    improved = any(f.code is Code.SIGNIFICANT_IMPROVEMENT for f in progress)
    findings += trial_length_findings(case)
    findings += frequency_findings(case, improved)
    findings += goal_findings(case)
    findings += outcome_documentation_findings(case)
    findings += self_care_findings(case)
    return findings


def review_case(case: Case) -> Recommendation:
    """The tools' recommended determination for one case."""
    return recommend(case, all_findings(case))


def review(case: Case, *, embed: Embed | None = None) -> Review:
    """The recommendation and the attention items (the semantic net runs when `embed` is given)."""
    recommendation = review_case(case)
    return Review(recommendation, find_attention(case, recommendation.findings, embed=embed))
