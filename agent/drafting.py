"""The offline letter: a deterministic draft a member and a practitioner can read.

The determination comes first (its headline is always this template's, whoever writes
the rest); then, for each finding that decided it, the guideline criterion (named, with
section and page), what this record shows, and what would change the decision; then the
findings that did not decide; for a partial approval or a denial, the routes the
guideline gives. Which findings decided is the policy's word (`Recommendation.deciding`),
never a list kept here. Case text appears only inside quotation marks, as evidence: it is
data, never an instruction, so nothing in it can change what the letter says.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, RootModel

from agent.data import load
from tools.determination import Citation, Decision, Determination, Dosage, Recommendation
from tools.findings import Code, Finding

OUTCOME_WORDS = {
    "approved": "approved",
    "partially_approved": "partially approved",
    "denied": "denied",
}
DRAFT_FOOTER = "This is a draft for the clinical quality evaluator, who decides."


class CodeWording(BaseModel):
    """How the letter names a finding code's criterion and what would change it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criterion: str
    change: str


class _Wordings(RootModel[dict[Code, CodeWording]]):
    pass


@cache
def wordings() -> dict[Code, CodeWording]:
    """agent/data/letter.yaml, checked to word every finding code."""
    table = load("letter.yaml", _Wordings).root
    missing = [code.value for code in Code if code not in table]
    if missing:
        raise ValueError(f"agent/data/letter.yaml: no wording for {', '.join(missing)}")
    return table


def quote(text: str, limit: int = 240) -> str:
    """Case text as quoted evidence: one line, bounded, its own quotes and brackets
    neutralised so it can never close the quotation or pose as a citation marker."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    for old, new in (("“", "'"), ("”", "'"), ("[", "("), ("]", ")")):
        flat = flat.replace(old, new)
    return "“" + flat + "”"


def dosage_phrase(outcome: str, approved: Dosage, requested: Dosage) -> str:
    """'8 of 12 visits over 4 of 6 weeks' and its approved / denied forms."""
    if outcome == "partially_approved":
        return (
            f"{approved.visits} of {requested.visits} visits over "
            f"{approved.weeks} of {requested.weeks} weeks"
        )
    if outcome == "approved":
        return f"{approved.visits} visits over {approved.weeks} weeks, as requested"
    return f"0 of {requested.visits} visits"


def _refer_sentence(refer: bool) -> str:
    if not refer:
        return ""
    return " Refer the member back to the referring practitioner or for medical evaluation."


def outcome_sentence(outcome: str, approved: Dosage, requested: Dosage, refer: bool) -> str:
    """'partially approved (8 of 12 visits over 4 of 6 weeks).' plus the referral."""
    dosage = dosage_phrase(outcome, approved, requested)
    return f"{OUTCOME_WORDS[outcome]} ({dosage}).{_refer_sentence(refer)}"


def headline(recommendation: Recommendation) -> str:
    """The determination in one sentence: outcome, dosage, referral. Always the
    template's, also above an LLM's explanation."""
    r = recommendation
    return "Recommended determination: " + outcome_sentence(
        r.outcome, r.approved, r.requested, r.refer
    )


def split_findings(
    findings: list[Finding], deciding: list[Code]
) -> tuple[list[Finding], list[Finding]]:
    """The findings that decided the outcome, and the others (reported, not decisive)."""
    decided = [f for f in findings if f.code in deciding]
    other = [f for f in findings if f.code not in deciding]
    return decided, other


def decided_lines(determination: Determination) -> list[str]:
    """For a text view: one line per finding, saying whether it decided the outcome."""
    decided, other = split_findings(determination.findings, determination.deciding)
    lines = [f"decided the outcome: {f.code.value}: {f.detail}" for f in decided]
    lines += [f"did not decide: {f.code.value}: {f.detail}" for f in other]
    return lines


def _markers(finding: Finding) -> str:
    return "".join(f" [{cid}]" for cid in finding.citations)


def _evidence(finding: Finding) -> str:
    shows_field = not finding.field or finding.evidence.startswith(finding.field)
    where = "" if shows_field else f" in {finding.field}"
    return f"Evidence{where}: {quote(finding.evidence)}."


def _where(finding: Finding, pages: dict[str, Citation]) -> str:
    places = [f"{pages[c].section}, p.{pages[c].page}" for c in finding.citations if c in pages]
    return "CPG 167, " + "; ".join(places) if places else "CPG 167"


def _decisive_block(number: int, finding: Finding, pages: dict[str, Citation]) -> list[str]:
    wording = wordings()[finding.code]
    return [
        f"{number}. {wording.criterion} ({_where(finding, pages)}).{_markers(finding)}",
        f"   What this record shows: {finding.detail} {_evidence(finding)}",
        f"   What would change the decision: {wording.change}",
    ]


def _other_line(finding: Finding) -> str:
    return f"- {finding.detail} {_evidence(finding)}{_markers(finding)}"


def routes_paragraph(routes: Citation | None, cqe: str | None = None) -> str:
    """What a practitioner or member can do when they disagree, in the guideline's words."""
    who = f" ({cqe})" if cqe else ""
    where = f"CPG 167 (p.{routes.page})" if routes else "CPG 167"
    marker = f" [{routes.id}]" if routes else ""
    return (
        f"If you disagree with this determination, {where} gives these routes: contact the "
        f"clinical quality evaluator (CQE) named on the response{who} to discuss the case; "
        "submit additional documentation through the Reopen process; or submit additional "
        "documentation to appeal through the Provider Appeals and Member Grievances "
        f"process.{marker}"
    )


def letter_body(recommendation: Recommendation, stage: str, citations: list[Citation]) -> list[str]:
    """The explanation under the headline: stage, deciding findings, the others."""
    pages = {c.id: c for c in citations}
    decided, other = split_findings(recommendation.findings, recommendation.deciding)
    lines = [f"Stage of the condition: {stage}."]
    if decided:
        lines.append("Why this determination:")
        for number, finding in enumerate(decided, start=1):
            lines += _decisive_block(number, finding, pages)
    if other:
        lines.append("Also noted (these findings did not change the determination):")
        lines += [_other_line(f) for f in other]
    if not recommendation.findings:
        lines.append(
            "No contraindication, flag or documentation gap was found; the request "
            "meets the medical-necessity criteria as submitted."
        )
    return lines


def draft_rationale(
    recommendation: Recommendation,
    stage: str,
    citations: list[Citation],
    routes: Citation | None = None,
) -> str:
    """The offline letter for a recommendation whose findings already carry citations;
    `routes` is the guideline passage on disagreeing (cited for partial approval or denial)."""
    lines = [headline(recommendation), *letter_body(recommendation, stage, citations)]
    if recommendation.outcome != "approved":
        lines.append(routes_paragraph(routes))
    lines.append(DRAFT_FOOTER)
    return "\n".join(lines)


def decision_rationale(
    recommendation: Recommendation,
    stage: str,
    citations: list[Citation],
    decision: Decision,
    routes: Citation | None = None,
) -> str:
    """The letter regenerated at decision time: the CQE's determination first, naming
    the deciding CQE, the tools' recommendation beside it where they differ."""
    day = decision.at.date().isoformat()
    if decision.action == "return":
        first = (
            f"Returned for more information by clinical quality evaluator {decision.by} "
            f"on {day}: {decision.reason or 'see the reviewer'}."
        )
    else:
        sentence = outcome_sentence(
            decision.outcome, decision.approved, recommendation.requested, decision.refer
        )
        first = (
            f"Determination: {sentence} Decided by clinical quality evaluator "
            f"{decision.by} on {day}."
        )
    lines = [first]
    differs = (
        decision.outcome != recommendation.outcome
        or decision.approved != recommendation.approved
        or decision.refer != recommendation.refer
    )
    if decision.action != "return" and differs:
        r = recommendation
        tools_said = outcome_sentence(r.outcome, r.approved, r.requested, r.refer)
        lines.append(f"The review tools had recommended: {tools_said}")
        lines.append(f"The evaluator's reason: {decision.reason or 'not given'}.")
    lines += letter_body(recommendation, stage, citations)
    if decision.action != "return" and decision.outcome != "approved":
        lines.append(routes_paragraph(routes, cqe=decision.by))
    return "\n".join(lines)
