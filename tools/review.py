"""Run every deterministic check on a case and let the policy recommend.

This is the tools' whole public job in one call: case in, recommendation (outcome,
dosage, findings) out, and beside it the attention items other readers raise
(review-policy §4), which never change the recommendation. Citations and prose are
added by the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from tools.screening.clusters import (
    ClusterResult,
    case_clusters,
    cluster_findings,
    without_covered,
)
from tools.screening.engine import Document, case_document


@dataclass(frozen=True)
class Review:
    """The policy's recommendation, and the attention items beside it (never inside it)."""

    recommendation: Recommendation
    attention: list[AttentionItem]


def all_findings(
    case: Case,
    document: Document | None = None,
    clusters: Sequence[ClusterResult] | None = None,
) -> list[Finding]:
    """Every finding the tools raise for a case, screening first (safety before paperwork).

    `document` and `clusters`: the case's texts already read and the clusters they meet,
    when the caller shares them with the attention readers; computed here otherwise.
    """
    document = document or case_document(case)
    if clusters is None:
        clusters = case_clusters(case, document)
    findings = list(screen_case(case, document))
    findings += cluster_findings(clusters, findings)
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
    """The recommendation and the attention items (the semantic net runs when `embed` is given).

    The case's texts are read once and the clusters found once, for every reader.
    """
    document = case_document(case)
    clusters = case_clusters(case, document)
    recommendation = recommend(case, all_findings(case, document, clusters))
    attention = find_attention(
        case, recommendation.findings, embed=embed, document=document, clusters=clusters
    )
    return Review(recommendation, attention)
