"""The offline drafter: a deterministic, template rationale.

It states the tools' outcome and dosage, then each finding with its evidence and its
citation marker. Case text appears only inside quotation marks, as evidence: it is data,
never an instruction, so nothing in it can change what the draft says.
"""

from __future__ import annotations

from tools.case import Case
from tools.determination import Citation, Recommendation
from tools.findings import Finding

OUTCOME_WORDS = {
    "approved": "approved",
    "partially_approved": "partially approved",
    "denied": "denied",
}


def _quote(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return "“" + flat.replace("“", "'").replace("”", "'") + "”"


def _headline(recommendation: Recommendation) -> str:
    r = recommendation
    word = OUTCOME_WORDS[r.outcome]
    if r.outcome == "partially_approved":
        dosage = (
            f"{r.approved.visits} of {r.requested.visits} visits over "
            f"{r.approved.weeks} of {r.requested.weeks} weeks"
        )
    elif r.outcome == "approved":
        dosage = f"{r.approved.visits} visits over {r.approved.weeks} weeks, as requested"
    else:
        dosage = f"0 of {r.requested.visits} visits"
    refer = (
        " Refer the member back to the referring practitioner or for medical evaluation."
        if r.refer
        else ""
    )
    return f"Recommended determination: {word} ({dosage}).{refer}"


def _finding_line(finding: Finding) -> str:
    markers = "".join(f" [{cid}]" for cid in finding.citations)
    evidence = _quote(finding.evidence)
    shows_field = not finding.field or finding.evidence.startswith(finding.field)
    where = "" if shows_field else f" in {finding.field}"
    return f"- {finding.detail} Evidence{where}: {evidence}.{markers}"


def draft_rationale(
    case: Case, recommendation: Recommendation, stage: str, citations: list[Citation]
) -> str:
    """The template rationale for a recommendation whose findings already carry citations."""
    lines = [_headline(recommendation), f"Stage of the condition: {stage}."]
    decisive = [f for f in recommendation.findings if f.code.value in _DECISIVE]
    other = [f for f in recommendation.findings if f.code.value not in _DECISIVE]
    if decisive:
        lines.append("Findings that decide the outcome:")
        lines += [_finding_line(f) for f in decisive]
    if other:
        lines.append("Further findings for the reviewer (they do not change the outcome):")
        lines += [_finding_line(f) for f in other]
    if not recommendation.findings:
        lines.append(
            "No contraindication, flag or documentation gap was found; the request "
            "meets the medical-necessity criteria as submitted."
        )
    lines.append("This is a draft for the clinical quality evaluator, who decides.")
    return "\n".join(lines)


_DECISIVE = {
    "ABSOLUTE_CONTRAINDICATION",
    "RED_FLAG",
    "NOT_QUALIFIED_PRACTITIONER",
    "WELLNESS_OR_PREVENTIVE",
    "MAINTENANCE_CARE",
    "CONVENIENCE",
    "DUPLICATIVE_SERVICES",
    "NO_FUNCTIONAL_DEFICIT",
    "WORSENING",
    "NO_OUTCOME_EVIDENCE",
    "NO_SIGNIFICANT_IMPROVEMENT",
    "MAXIMUM_THERAPEUTIC_BENEFIT",
    "TRIAL_LENGTH_EXCEEDED",
    "FREQUENCY_NOT_REDUCED",
    "MISSING_GOALS",
    "MISSING_OUTCOME_MEASURE",
    "STALE_FINDINGS",
}
