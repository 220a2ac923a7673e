"""The determination a review produces (shared/spec/case-format.md, "Determination").

Required fields exactly as the spec names them; the extras (stage, due date, progress,
the tools' recommendation beside a CQE's decision) only add, never change meanings.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.findings import Finding

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


class Decision(BaseModel):
    """What the CQE decided; the tools' recommendation stays beside it."""

    model_config = ConfigDict(extra="forbid")

    decided_by: str
    decided_at: dt.datetime
    outcome: Outcome
    approved: Dosage
    refer: bool
    reason: str | None = None
    overrides_recommendation: bool


class Determination(BaseModel):
    """One case's review result, as `review` prints it and the UI shows it."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    outcome: Outcome
    requested: Dosage
    approved: Dosage
    refer: bool
    findings: list[Finding]
    rationale: str
    citations: list[Citation]
    status: Status = "draft"
    drafted_by: str = "offline"
    versions: dict[str, str]
    decision: Decision | None = None
    policy_rule: str = ""
    stage: str = ""
    due: str = ""
