"""Findings: what a check found, why, on what evidence, and which guideline section says so.

A finding explains itself (design principle 3): the code from the policy vocabulary, the
rule that fired, the field and quoted text it rests on, and the guideline section that
supports it. Citation ids are attached later, from the corpus index.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Code(StrEnum):
    """The finding vocabulary of shared/spec/review-policy.md §1."""

    ABSOLUTE_CONTRAINDICATION = "ABSOLUTE_CONTRAINDICATION"
    RELATIVE_CONTRAINDICATION = "RELATIVE_CONTRAINDICATION"
    RED_FLAG = "RED_FLAG"
    RED_FLAG_ADDRESSED = "RED_FLAG_ADDRESSED"
    FAMILY_HISTORY = "FAMILY_HISTORY"
    WORSENING = "WORSENING"
    YELLOW_FLAG = "YELLOW_FLAG"
    WELLNESS_OR_PREVENTIVE = "WELLNESS_OR_PREVENTIVE"
    MAINTENANCE_CARE = "MAINTENANCE_CARE"
    CONVENIENCE = "CONVENIENCE"
    DUPLICATIVE_SERVICES = "DUPLICATIVE_SERVICES"
    NOT_QUALIFIED_PRACTITIONER = "NOT_QUALIFIED_PRACTITIONER"
    NO_FUNCTIONAL_DEFICIT = "NO_FUNCTIONAL_DEFICIT"
    NO_SIGNIFICANT_IMPROVEMENT = "NO_SIGNIFICANT_IMPROVEMENT"
    NO_OUTCOME_EVIDENCE = "NO_OUTCOME_EVIDENCE"
    MAXIMUM_THERAPEUTIC_BENEFIT = "MAXIMUM_THERAPEUTIC_BENEFIT"
    SIGNIFICANT_IMPROVEMENT = "SIGNIFICANT_IMPROVEMENT"
    TRIAL_LENGTH_EXCEEDED = "TRIAL_LENGTH_EXCEEDED"
    FREQUENCY_NOT_REDUCED = "FREQUENCY_NOT_REDUCED"
    MISSING_GOALS = "MISSING_GOALS"
    MISSING_OUTCOME_MEASURE = "MISSING_OUTCOME_MEASURE"
    STALE_FINDINGS = "STALE_FINDINGS"
    MISSING_SELF_CARE = "MISSING_SELF_CARE"


class Finding(BaseModel):
    """One thing a check found about a case."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    detail: str = Field(description="One sentence a CQE can read")
    evidence: str = Field(description="The quoted text or value the finding rests on")
    field: str = Field(default="", description="Where the evidence is, e.g. 'subjective'")
    rule: str = Field(description="Id of the rule or check that fired")
    guideline_key: str = Field(
        description="Key of the guideline passage that supports it (tools/data/"
        "guideline_sections.yaml); the citation ids resolve it against the index"
    )
    citations: list[str] = Field(default_factory=list, description="Passage ids, filled later")
