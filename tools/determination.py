"""The determination a review produces (shared/spec/case-format.md, "Determination").

Required fields exactly as the spec names them; the extras (stage, due date, progress,
the tools' recommendation beside a CQE's decision) only add, never change meanings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.findings import Code, Finding

Outcome = Literal["approved", "partially_approved", "denied"]
Status = Literal["draft", "returned", "final"]


class Dosage(BaseModel):
    """Visits over weeks."""

    model_config = ConfigDict(extra="forbid")

    visits: int = Field(ge=0)
    weeks: int = Field(ge=0)


class Citation(BaseModel):
    """A guideline passage, exactly as indexed, with its real page."""

    model_config = ConfigDict(extra="forbid")

    id: str
    document: str
    section: str
    page: int
    text: str


class Recommendation(BaseModel):
    """What tools.policy proposes: the outcome and dosage come only from here."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    requested: Dosage
    approved: Dosage
    refer: bool
    rule: str = Field(description="Which policy rule decided, e.g. '2.1 absolute/red flag'")
    findings: list[Finding]
    deciding: list[Code] = Field(
        default_factory=list,
        description="The finding codes that made the rule fire (empty where the request "
        "is approved as asked); the others are reported but changed nothing",
    )


AttentionSource = str  # "cluster:<name>", "semantic", "llm:<model>" or "credential"


def attention_id(code: str, field: str, quote: str) -> str:
    """A stable id for an attention item: the same suspicion keeps its id across runs."""
    digest = hashlib.sha256(f"{code}\x1f{field}\x1f{quote}".encode()).hexdigest()
    return f"att-{digest[:10]}"


class AttentionItem(BaseModel):
    """Something a reader other than the label rules suspects may be present
    (review-policy.md §4): the CQE must confirm or dismiss it before the case is final."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id, e.g. a short hash of code, field and quote")
    item: str = Field(description="The guideline list item, e.g. 'deep vein thrombosis'")
    code: Code = Field(description="The finding code it would raise if confirmed")
    field: str = Field(description="Where the quote is, e.g. 'objective'")
    quote: str = Field(description="Exact text from the case")
    why: str = Field(description="One sentence: why this reader suspects the item")
    source: AttentionSource = Field(
        description="'cluster:<name>', 'semantic', 'llm:<model>' or 'credential'"
    )
    score: float | None = Field(default=None, description="Similarity or confidence, if any")
    citations: list[str] = Field(default_factory=list, description="Passage ids")
    guideline_key: str = Field(
        default="",
        description="Key of the guideline passage of the item (tools/data/"
        "guideline_sections.yaml); the citation ids resolve it against the index",
    )


class SettledItem(BaseModel):
    """How the CQE settled one attention item."""

    model_config = ConfigDict(extra="forbid")

    id: str
    item: str
    resolution: Literal["confirmed", "dismissed"]
    reason: str


class Decision(BaseModel):
    """What the CQE decided (case-format.md, `decision`); the tools' recommendation
    (outcome, approved, refer, findings) stays beside it, unchanged."""

    model_config = ConfigDict(extra="forbid")

    by: str = Field(description="User id of the deciding CQE")
    role: Literal["cqe"] = "cqe"
    at: dt.datetime
    action: Literal["approve", "modify", "return"]
    outcome: Outcome
    approved: Dosage
    refer: bool
    reason: str | None = None
    attention: list[SettledItem] = Field(default_factory=list)


class LlmCall(BaseModel):
    """One call to a language model while drafting: which endpoint saw the (masked)
    case, which model answered, and how the call ended ('ok' or why not)."""

    model_config = ConfigDict(extra="forbid")

    host: str
    model: str
    result: str


class Determination(BaseModel):
    """One case's review result, as `review` prints it and the UI shows it."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    outcome: Outcome
    requested: Dosage
    approved: Dosage
    refer: bool
    findings: list[Finding]
    deciding: list[Code] = Field(
        default_factory=list,
        description="The finding codes that decided the recommended outcome (the policy's "
        "`deciding`); every other finding is reported but changed nothing",
    )
    rationale: str
    citations: list[Citation]
    attention: list[AttentionItem] = Field(default_factory=list)
    revision: int = Field(default=1, ge=1)
    status: Status = "draft"
    drafted_by: str = "offline"
    llm_calls: list[LlmCall] = Field(
        default_factory=list,
        description="Each LLM call made while drafting (host, model, result); empty offline",
    )
    edited_by: str | None = Field(
        default=None, description="'cqe:<user>' when a CQE edited the rationale's text"
    )
    versions: dict[str, str]
    decision: Decision | None = None
    policy_rule: str = ""
    stage: str = ""
    due: str = ""

    @classmethod
    def recommending(
        cls, case_id: str, recommendation: Recommendation, **drafted: Any
    ) -> Determination:
        """A determination carrying the policy's recommendation as it stands (outcome,
        dosage, referral, findings, deciding codes, rule): only `drafted` (rationale,
        citations, versions, ...) comes from elsewhere, so no caller can re-decide."""
        r = recommendation
        return cls(
            case_id=case_id,
            outcome=r.outcome,
            requested=r.requested,
            approved=r.approved,
            refer=r.refer,
            findings=r.findings,
            deciding=r.deciding,
            policy_rule=r.rule,
            **drafted,
        )
