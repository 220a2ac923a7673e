"""The review graph's steps: plain functions that return only the state keys they change.

Each step is idempotent: run twice on the same state it returns the same keys (the
store's `save_draft` is idempotent on (case_id, revision)), so a thread resumed after a
crash repeats at most one step harmlessly. The passage source, the drafter, the store
and the clock come from the run's `Runtime[ReviewContext]`.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.attention import cite_attention
from agent.citations import citation_of, cite, passage_for
from agent.drafting import decision_rationale
from agent.llm import DraftRequest, OfflineDrafter
from agent.state import ReviewContext, ReviewState
from agent.verify import fallback_reason, verify_draft
from tools.case import Case
from tools.determination import Decision, Determination, Dosage, LlmCall
from tools.dosage import stage_of
from tools.parameters import parameters
from tools.policy import recommend
from tools.review import all_findings
from tools.screening.attention import find_attention, unique
from tools.screening.clusters import case_clusters
from tools.screening.engine import case_document

MAX_ATTEMPTS = 2
"""A first draft and one retry; then the offline letter."""
ROUTES_KEY = "review_routes"
"""The guideline section key of the passage on disagreeing with a determination."""

Update = dict[str, Any]


def validate(state: ReviewState) -> Update:
    """The input is a case and a revision ≥ 1 (a mapping is validated into a Case)."""
    case = state["case"]
    revision = state["revision"]
    if not isinstance(revision, int) or revision < 1:
        raise ValueError(f"revision must be a whole number ≥ 1, not {revision!r}")
    if isinstance(case, Case):
        return {}
    return {"case": Case.model_validate(case)}


def run_tools(state: ReviewState, runtime: Runtime[ReviewContext]) -> Update:
    """The policy's recommendation (outcome, dosage, findings, which decided) and stage;
    findings a CQE confirmed join the tools' own before the policy applies. Beside it,
    the attention items of the other readers, which never touch the recommendation."""
    case = state["case"]
    stage, days = stage_of(case)
    document = case_document(case)  # the texts read once for the rules and every reader
    clusters = case_clusters(case, document)
    findings = all_findings(case, document, clusters) + list(state.get("confirmed") or [])
    recommendation = recommend(case, findings)
    context = runtime.context
    attention = find_attention(
        case, recommendation.findings, embed=context.embed, document=document, clusters=clusters
    )
    if context.second_reader is not None:
        attention = unique([*attention, *context.second_reader(case, recommendation.findings)])
    return {
        "recommendation": recommendation,
        "attention": attention,
        "stage": f"{stage} ({days} days since onset or exacerbation)",
    }


def retrieve(state: ReviewState, runtime: Runtime[ReviewContext]) -> Update:
    """The passage each finding rests on (its citation id filled in), and for a partial
    approval or denial the guideline's routes for disagreeing."""
    source = runtime.context.passages
    recommendation = state["recommendation"]
    findings, citations = cite(recommendation.findings, source)
    routes = None
    if recommendation.outcome != "approved":
        routes = citation_of(passage_for(ROUTES_KEY, source))
        if routes.id not in {c.id for c in citations}:
            citations = [*citations, routes]
    attention = cite_attention(state.get("attention", []), source)
    known = {c.id for c in citations}
    for item in attention:
        for passage_id in item.citations:
            chunk = source.get(passage_id)
            if passage_id not in known and chunk is not None:
                known.add(passage_id)
                citations = [*citations, citation_of(chunk)]
    return {
        "recommendation": recommendation.model_copy(update={"findings": findings}),
        "attention": attention,
        "citations": citations,
        "routes": routes,
    }


def _request(state: ReviewState, feedback: list[str]) -> DraftRequest:
    return DraftRequest(
        case=state["case"],
        recommendation=state["recommendation"],
        stage=state["stage"],
        citations=state["citations"],
        routes=state.get("routes"),
        feedback=feedback,
    )


def draft(state: ReviewState, runtime: Runtime[ReviewContext]) -> Update:
    """Ask the drafter; on a retry it is told why its last draft was rejected."""
    result = runtime.context.drafter.draft(_request(state, state.get("problems", [])))
    calls = state.get("llm_calls", []) + [c.model_dump() for c in result.calls]
    return {"draft": result, "attempts": state.get("attempts", 0) + 1, "llm_calls": calls}


def verify(state: ReviewState) -> Update:
    """The draft's problems: a failed call, or text the verifier rejects."""
    result = state["draft"]
    if result.error is not None:
        return {"problems": [f"{result.error}: the drafter gave no usable text"]}
    r = state["recommendation"]
    problems = verify_draft(
        result.text,
        outcome=r.outcome,
        requested=r.requested,
        approved=r.approved,
        findings=r.findings,
        deciding=r.deciding,
        citations=state["citations"],
        given_ids=[c.id for c in state["citations"]],
    )
    return {"problems": problems}


def after_verify(state: ReviewState) -> Literal["record_draft", "draft", "fallback"]:
    """Good → record it; rejected → one retry; rejected again → the offline letter."""
    if not state["problems"]:
        return "record_draft"
    if state["attempts"] < MAX_ATTEMPTS:
        return "draft"
    return "fallback"


def fallback(state: ReviewState) -> Update:
    """The offline letter, marked `fallback:<why>` with the last rejection's kind."""
    result = OfflineDrafter().draft(_request(state, []))
    why = fallback_reason(state["problems"])
    return {"draft": result.model_copy(update={"drafted_by": why})}


def record_draft(state: ReviewState, runtime: Runtime[ReviewContext]) -> Update:
    """The draft determination, saved in the store when there is one (idempotent)."""
    case = state["case"]
    r = state["recommendation"]
    versions = runtime.context.passages.versions
    params = parameters()
    determination = Determination.recommending(
        case.case_id,
        r,
        rationale=state["draft"].text,
        citations=state["citations"],
        attention=state.get("attention", []),
        revision=state["revision"],
        status="draft",
        drafted_by=state["draft"].drafted_by,
        llm_calls=[LlmCall.model_validate(c) for c in state.get("llm_calls", [])],
        versions={
            "guideline": versions.get("cpg167", params.guideline_version),
            "policy": params.policy_version,
        },
        decision=None,
        stage=state["stage"],
        due=case.due_date().isoformat(timespec="minutes"),
    )
    if runtime.context.store is not None:
        runtime.context.store.save_draft(determination)
    return {"determination": determination}


def await_cqe(state: ReviewState) -> Update:
    """Stop until a CQE decides; the resume value is their DecisionRequest (as JSON).
    The interrupt names the revision; the draft itself is in the state and the store."""
    d = state["determination"]
    request = interrupt({"case_id": d.case_id, "revision": d.revision, "awaiting": "cqe"})
    return {"decision_request": request}


def decision_of(state: ReviewState, at: Any) -> Decision:
    """The spec's decision record from the CQE's request (dosage and outcome default to
    the recommendation's where a return leaves them out)."""
    request = state["decision_request"]
    r = state["recommendation"]
    visits = request.get("visits")
    weeks = request.get("weeks")
    refer = request.get("refer")
    return Decision(
        by=request["by"],
        at=at,
        action=request["action"],
        outcome=request.get("outcome") or r.outcome,
        approved=Dosage(
            visits=r.approved.visits if visits is None else visits,
            weeks=r.approved.weeks if weeks is None else weeks,
        ),
        refer=r.refer if refer is None else refer,
        reason=request.get("reason"),
    )


def finalize(state: ReviewState, runtime: Runtime[ReviewContext]) -> Update:
    """Regenerate the letter naming the deciding CQE, then let the store apply the
    decision under its rules (a refusal raises and nothing is written)."""
    store = runtime.context.store
    if store is None:
        raise RuntimeError("a decision needs a review store; none was given")
    from agent.store import DecisionRequest  # STORE's model; only deciding needs it

    at = runtime.context.clock()
    decision = decision_of(state, at)
    letter = decision_rationale(
        state["recommendation"], state["stage"], state["citations"], decision, state.get("routes")
    )
    request = DecisionRequest.model_validate(state["decision_request"])
    final = store.decide(state["case"].case_id, state["revision"], request, letter, at)
    return {"final": final}
