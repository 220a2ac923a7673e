"""One review, end to end without an LLM: case → tools → citations → template draft.

The outcome and dosage come from tools.policy; this module only adds citations from the
index and the offline rationale, and marks the result a draft for the CQE.
"""

from __future__ import annotations

from agent.attention import IndexEmbedder, cite_attention
from agent.citations import cite
from agent.drafting import draft_rationale
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import Determination
from tools.dosage import stage_of
from tools.parameters import parameters
from tools.review import review


def determine(case: Case, retriever: Retriever) -> Determination:
    """The draft determination of one case."""
    reviewed = review(case, embed=IndexEmbedder())
    recommendation = reviewed.recommendation
    findings, citations = cite(recommendation.findings, retriever)
    recommendation = recommendation.model_copy(update={"findings": findings})
    stage, days = stage_of(case)
    stage_text = f"{stage} ({days} days since onset or exacerbation)"
    params = parameters()
    return Determination(
        case_id=case.case_id,
        outcome=recommendation.outcome,
        requested=recommendation.requested,
        approved=recommendation.approved,
        refer=recommendation.refer,
        findings=findings,
        rationale=draft_rationale(case, recommendation, stage_text, citations),
        citations=citations,
        attention=cite_attention(reviewed.attention, retriever),
        status="draft",
        drafted_by="offline",
        versions={
            "guideline": retriever.versions.get("cpg167", params.guideline_version),
            "policy": params.policy_version,
        },
        decision=None,
        policy_rule=recommendation.rule,
        stage=stage_text,
        due=case.due_date().isoformat(timespec="minutes"),
    )
