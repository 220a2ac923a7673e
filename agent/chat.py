"""Questions about a case, answered from the tools and the guideline, with citations.

A CQE asks "which red flags did you find?", "did the NDI change reach the MCID?", "why
only 4 weeks?", "what would change this decision?", "what does the guideline say about
maintenance care?", or a what-if. Offline (the default) the question is routed by the
intent rules in agent/data/chat_intents.yaml (the first intent whose pattern matches) to
a handler that answers from the same tools the review uses (tools.review, tools.outcomes,
tools.dosage, tools.policy) and from the guideline index (find by quote, or search).

Every figure in an answer is one a tool computed; every cited passage is one the index
holds, returned with its section and page (`ChatAnswer.citations`), and marked in the
text as `[passage-id]`, the marker the drafts use. Case text appears only in quotation
marks, as evidence: it is data, never an instruction. With an LLM configured,
agent.chat_llm answers by tool calling and falls back to these answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from agent.chat_rules import ChatRules, WhatIfRule, load_chat_rules
from agent.citations import citation_of, cite
from agent.drafting import OUTCOME_WORDS, dosage_phrase, quote, wordings
from agent.whatif import Change, WhatIfError, read_change, what_if
from corpus.chunking import Chunk
from corpus.retrieval import Hit
from tools.case import Case
from tools.determination import Citation, Decision, LlmCall, Recommendation
from tools.dosage import stage_of
from tools.findings import Code, Finding
from tools.mcid import canonical_instrument
from tools.outcomes import InstrumentProgress, instrument_progress
from tools.parameters import parameters
from tools.policy import recommend
from tools.review import all_findings

SAFETY_ORDER = [
    Code.RED_FLAG,
    Code.ABSOLUTE_CONTRAINDICATION,
    Code.WORSENING,
    Code.RELATIVE_CONTRAINDICATION,
    Code.RED_FLAG_ADDRESSED,
    Code.YELLOW_FLAG,
    Code.FAMILY_HISTORY,
]
"""The safety findings a red-flag question lists, most serious first."""
GUIDELINE_HITS = 3
"""How many passages a guideline question cites."""
ANSWER_SENTENCES = 2
"""At most this many sentences of a passage are quoted: those that best answer the
question (corpus.answers); the citation gives the whole passage."""


# --- the rules (agent/chat_rules.py) and routing ------------------------------------


@cache
def chat_rules() -> ChatRules:
    """The chat's rules, loaded strictly once and checked against the handlers."""
    rules = load_chat_rules()
    names = {i.name for i in rules.intents}
    if names != set(HANDLERS):
        raise ValueError(
            "chat_intents.yaml: intents without a handler "
            f"{sorted(names - set(HANDLERS))}, handlers without an intent "
            f"{sorted(set(HANDLERS) - names)}"
        )
    return rules


@cache
def _intent_patterns() -> list[tuple[str, list[re.Pattern[str]]]]:
    return chat_rules().compiled_intents()


def route(question: str) -> str:
    """The intent of a question: the first whose pattern matches, else the default."""
    for name, patterns in _intent_patterns():
        if any(p.search(question) for p in patterns):
            return name
    return chat_rules().default


def whatif_kinds() -> list[WhatIfRule]:
    """The what-if kinds supported (the README lists them)."""
    return list(chat_rules().whatif)


def read_whatif(question: str) -> Change | None:
    """The change a what-if question asks for, if one reads."""
    rules = chat_rules()
    return read_change(question, rules.compiled_whatifs(), rules.number_words)


# --- what an answer is made of ------------------------------------------------------


class PassageSource(Protocol):
    """What the chat needs of the guideline index (corpus.retrieval.Retriever is one)."""

    def find_quote(self, quote: str) -> Chunk | None: ...

    def get(self, chunk_id: str) -> Chunk | None: ...

    def search(self, query: str, k: int = 5) -> list[Hit]: ...

    def answer(self, query: str, chunk: Chunk, limit: int = 2) -> list[str]: ...


class ChatAnswer(BaseModel):
    """One answer: its text (with `[passage-id]` markers), the passages it cites (with
    section and page), and who answered."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    question: str
    intent: str
    text: str
    citations: list[Citation]
    answered_by: str = Field(
        default="offline", description="'offline', 'llm:<model>' or 'fallback:<why>'"
    )
    llm_calls: list[LlmCall] = Field(default_factory=list)


@dataclass(frozen=True)
class CaseFacts:
    """What the tools say about one case, computed once per question."""

    case: Case
    recommendation: Recommendation
    """The policy's result; its findings carry their citation ids."""
    citations: dict[str, Citation]
    """The findings' passages by id."""
    decision: Decision | None = None
    """The CQE's decision, when the case is stored and decided."""


def case_facts(
    case: Case,
    passages: PassageSource,
    confirmed: list[Finding] | None = None,
    decision: Decision | None = None,
) -> CaseFacts:
    """The tools' recommendation for a case (with findings a CQE confirmed, if any) and
    the passage each finding rests on."""
    recommendation = recommend(case, all_findings(case) + list(confirmed or []))
    findings, citations = cite(recommendation.findings, passages)
    return CaseFacts(
        case=case,
        recommendation=recommendation.model_copy(update={"findings": findings}),
        citations={c.id: c for c in citations},
        decision=decision,
    )


@dataclass
class Reply:
    """An answer being written: lines, and the passages they cite (in order)."""

    lines: list[str] = field(default_factory=list)
    cited: dict[str, Citation] = field(default_factory=dict)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def cite(self, citation: Citation) -> str:
        """' (Section, p.N) [id]', the citation registered."""
        self.cited.setdefault(citation.id, citation)
        return f" ({citation.section}, p.{citation.page}) [{citation.id}]"

    def cite_finding(self, finding: Finding, facts: CaseFacts) -> str:
        return "".join(self.cite(facts.citations[c]) for c in finding.citations)

    def cite_anchor(self, key: str, passages: PassageSource) -> str:
        anchor = chat_rules().anchors[key]
        chunk = passages.find_quote(anchor.quote)
        if chunk is None:
            raise LookupError(f"chat anchor {key!r}: no indexed passage has {anchor.quote!r}")
        return self.cite(citation_of(chunk))


Handler = Callable[[CaseFacts, str, PassageSource, Reply], None]


def _decides(finding: Finding, facts: CaseFacts) -> str:
    if finding.code in facts.recommendation.deciding:
        return "It decided the outcome."
    return "It did not change the outcome."


def _finding_line(finding: Finding, facts: CaseFacts, reply: Reply) -> str:
    where = f" in {finding.field}" if finding.field else ""
    return (
        f"- {finding.code.value}: {finding.detail} Evidence{where}: {quote(finding.evidence)}."
        f" {_decides(finding, facts)}{reply.cite_finding(finding, facts)}"
    )


def _criterion_line(finding: Finding, facts: CaseFacts, reply: Reply) -> str:
    """A deciding finding: its code, the guideline criterion, what this record shows."""
    wording = wordings()[finding.code]
    return (
        f"- {finding.code.value}: {wording.criterion}. This record: {finding.detail} "
        f"Evidence: {quote(finding.evidence)}.{reply.cite_finding(finding, facts)}"
    )


def _outcome_words(recommendation: Recommendation) -> str:
    r = recommendation
    refer = " Referral for medical evaluation is recommended." if r.refer else ""
    return (
        f"{OUTCOME_WORDS[r.outcome]} ({dosage_phrase(r.outcome, r.approved, r.requested)}).{refer}"
    )


# --- the handlers, one per intent -----------------------------------------------------


def answer_red_flags(
    facts: CaseFacts, question: str, passages: PassageSource, reply: Reply
) -> None:
    """Red flags, contraindications and the other safety findings, most serious first."""
    found = [f for code in SAFETY_ORDER for f in facts.recommendation.findings if f.code is code]
    red = [f for f in found if f.code is Code.RED_FLAG]
    if not found:
        reply.add(
            "No red flag, contraindication or other safety finding was found in this record. "
            "The guideline asks the practitioner to look for them"
            + reply.cite_anchor("red_flags", passages)
            + "."
        )
        return
    reply.add(
        f"Red flags found: {len(red)}. Safety findings in all: {len(found)}. "
        f"Recommended: {_outcome_words(facts.recommendation)}"
    )
    for finding in found:
        reply.add(_finding_line(finding, facts, reply))


def _instruments_named(question: str) -> set[str]:
    names = {canonical_instrument(w) for w in re.findall(r"[A-Za-z][A-Za-z0-9-]+", question)}
    return {n for n in names if n}


def _progress_line(p: InstrumentProgress) -> str:
    if not p.dated:
        return (
            f"- {p.instrument}: one score date so far ({p.describe()}); a change against "
            f"its MCID ({p.mcid}) needs scores on two dates."
        )
    direction = "improved" if p.improvement > 0 else "worse" if p.improvement < 0 else "unchanged"
    change = abs(p.improvement)
    percent = f" ({round(change / abs(p.baseline) * 100, 1):g}% of baseline)" if p.baseline else ""
    if not p.evaluable:
        verdict = "not evaluable: the first score is already in the minimal band"
    elif p.reached_mcid:
        verdict = "MCID reached"
    else:
        verdict = "MCID not reached"
    line = (
        f"- {p.instrument}: {p.describe()}: {direction} by {change:g} points{percent}; "
        f"MCID {p.mcid}: {verdict}."
    )
    if p.worsened_by_mcid:
        line += " Worse by at least the MCID."
    if p.plateau:
        line += " The last two scores differ by less than the MCID (a plateau)."
    return line


PROGRESS_CODES = {
    Code.SIGNIFICANT_IMPROVEMENT,
    Code.NO_SIGNIFICANT_IMPROVEMENT,
    Code.NO_OUTCOME_EVIDENCE,
    Code.MAXIMUM_THERAPEUTIC_BENEFIT,
    Code.WORSENING,
    Code.MISSING_OUTCOME_MEASURE,
    Code.STALE_FINDINGS,
}
"""The findings a progress question reports beside the scores."""


def answer_progress(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """Each instrument (or those the question names) against its MCID."""
    case = facts.case
    days = parameters().progress.plateau_min_days_between_scores
    progress = instrument_progress(case, days)
    named = _instruments_named(question)
    shown = [p for p in progress if p.instrument in named] or progress
    if named and not any(p.instrument in named for p in progress):
        reply.add(f"This record has no {', '.join(sorted(named))} score.")
    mcid = reply.cite_anchor("mcid", passages)
    if not progress:
        reply.add(f"This record has no outcome scores, so no change can be measured{mcid}.")
    else:
        reply.add(f"Outcome measures against their MCID{mcid}:")
        reply.lines += [_progress_line(p) for p in shown]
    if case.submission == "initial":
        reply.add(
            "This is an initial request: progress against the MCID decides continuations only."
        )
    for finding in facts.recommendation.findings:
        if finding.code in PROGRESS_CODES:
            reply.add(_finding_line(finding, facts, reply))


def _arithmetic(r: Recommendation) -> str:
    req, app = r.requested, r.approved
    if r.outcome != "partially_approved":
        return ""
    parts = []
    if app.weeks < req.weeks:
        parts.append(f"weeks capped at {app.weeks}")
        pro_rata = req.visits * app.weeks // req.weeks
        if max(1, pro_rata) == app.visits:
            parts.append(
                f"visits pro rata: {req.visits} × {app.weeks} / {req.weeks}, "
                f"rounded down, = {app.visits}"
            )
    if len(parts) < 2 and app.visits < req.visits:
        parts.append(f"visits limited to {app.visits}")
    return "How the dosage was set: " + "; ".join(parts) + "."


def answer_dosage(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """Visits and weeks requested and recommended, and the findings that limited them."""
    r = facts.recommendation
    req = r.requested
    trial = parameters().trial
    limit = (
        trial.initial_max_weeks
        if facts.case.submission == "initial"
        else (trial.continuation_max_weeks)
    )
    reply.add(
        f"Requested: {req.visits} visits over {req.weeks} weeks "
        f"({req.visits / req.weeks:g} a week). Recommended: {_outcome_words(r)}"
    )
    reply.add(f"Policy rule: {r.rule}.")
    decided = [f for f in r.findings if f.code in r.deciding]
    if r.outcome == "approved":
        reply.add(
            f"The request fits the trial of care (generally up to {limit} weeks)"
            + reply.cite_anchor("trial_length", passages)
            + "."
        )
    elif r.outcome == "partially_approved":
        reply.add(_arithmetic(r))
        reply.add(
            "A partial approval approves only a portion of the services submitted"
            + reply.cite_anchor("partial_approval", passages)
            + "."
        )
    else:
        reply.add("The request is denied, so no visits are approved.")
    for finding in decided:
        reply.add(_criterion_line(finding, facts, reply))


def answer_change(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """For each deciding finding, what the guideline would need to see instead."""
    r = facts.recommendation
    decided = [f for f in r.findings if f.code in r.deciding]
    reply.add(f"Recommended: {_outcome_words(r)}")
    if not decided:
        reply.add(
            "No finding limited the request, so nothing needs to change: it meets the "
            "medical-necessity criteria as submitted"
            + reply.cite_anchor("medically_necessary", passages)
            + "."
        )
        return
    reply.add("What would change the decision:")
    for finding in decided:
        wording = wordings()[finding.code]
        reply.add(
            f"- {finding.code.value} ({finding.detail}): {wording.change}"
            f"{reply.cite_finding(finding, facts)}"
        )


def answer_stage(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """The stage of the condition from onset (or exacerbation) to the review date."""
    case = facts.case
    stage, days = stage_of(case)
    start = "exacerbation" if case.episode_start != case.condition.onset_date else "onset"
    reply.add(
        f"Stage: {stage}, {days} days from {start} ({case.episode_start.isoformat()}) to the "
        f"review date ({case.review_date.isoformat()})" + reply.cite_anchor(stage, passages) + "."
    )


def answer_findings(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """Every finding, saying which decided the outcome."""
    r = facts.recommendation
    reply.add(f"Recommended: {_outcome_words(r)} Policy rule: {r.rule}.")
    if not r.findings:
        reply.add(
            "No contraindication, flag or documentation gap was found"
            + reply.cite_anchor("medically_necessary", passages)
            + "."
        )
    for finding in r.findings:
        reply.add(_finding_line(finding, facts, reply))


def answer_outcome(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """The recommended determination, the rule that decided it, and the deciding findings
    (and the CQE's decision, where there is one)."""
    r = facts.recommendation
    if facts.decision is not None:
        d = facts.decision
        reason = f" Reason: {quote(d.reason)}." if d.reason else ""
        reply.add(
            f"Decided by clinical quality evaluator {d.by} on {d.at.date().isoformat()}: "
            f"{d.action}, {OUTCOME_WORDS[d.outcome]} "
            f"({dosage_phrase(d.outcome, d.approved, r.requested)}).{reason}"
        )
    reply.add(f"Recommended determination: {_outcome_words(r)} Policy rule: {r.rule}.")
    decided = [f for f in r.findings if f.code in r.deciding]
    if not decided:
        reply.add(
            "No finding limited the request: it meets the medical-necessity criteria"
            + reply.cite_anchor("medically_necessary", passages)
            + "."
        )
    for finding in decided:
        reply.add(_criterion_line(finding, facts, reply))
    others = [f.code.value for f in r.findings if f.code not in r.deciding]
    if others:
        reply.add(f"Also noted, not decisive: {', '.join(others)}.")


def search_query(question: str) -> str:
    """The question without its lead-in ("what does the guideline say about …"), so the
    search weighs the topic, not the words every question shares."""
    query = question
    for pattern in _lead_ins():
        query = pattern.sub(" ", query)
    return " ".join(query.split()) or question


@cache
def _lead_ins() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in chat_rules().guideline_lead_ins]


def guideline_passages(question: str, passages: PassageSource, reply: Reply) -> None:
    """The guideline passages that best answer a question (hybrid search), each quoted
    by the sentence(s) that answer it (the same ones `search` highlights)."""
    query = search_query(question)
    skip = set(chat_rules().guideline_skip_sections)
    hits = passages.search(query, k=GUIDELINE_HITS + 4)
    hits = [h for h in hits if h.chunk.section not in skip][:GUIDELINE_HITS]
    if not hits:
        reply.add("The guideline search found no passage for this question.")
        return
    reply.add("What CPG 167 says:")
    for hit in hits:
        text = " … ".join(passages.answer(query, hit.chunk, ANSWER_SENTENCES))
        cited = reply.cite(citation_of(hit.chunk))
        reply.add(f"- {hit.chunk.section}, p.{hit.chunk.page}: “{text}”{cited}")


def answer_guideline(
    facts: CaseFacts, question: str, passages: PassageSource, reply: Reply
) -> None:
    """What the guideline says: the case is not needed."""
    guideline_passages(question, passages, reply)


def answer_whatif(facts: CaseFacts, question: str, passages: PassageSource, reply: Reply) -> None:
    """The tools on a changed copy of the case (the case itself is not changed)."""
    change = read_whatif(question)
    if change is None:
        kinds = "; ".join(f"{w.kind} (“{w.example}”)" for w in whatif_kinds())
        reply.add(f"I could not read a change to try. What-ifs I can run: {kinds}.")
        return
    try:
        result = what_if(facts.case, change)
    except WhatIfError as error:
        reply.add(f"Cannot try that: {error}.")
        return
    after = case_facts(result.changed_case, passages)
    reply.add(f"What if {result.change.describe()} (tried on a copy; the case is unchanged):")
    reply.add(f"As submitted: {_outcome_words(result.before)}")
    if result.outcome_changed:
        reply.add(f"With the change: {_outcome_words(after.recommendation)}")
    else:
        reply.add(f"With the change: the same, {_outcome_words(after.recommendation)}")
    r = after.recommendation
    reply.add(f"Policy rule with the change: {r.rule}.")
    for finding in r.findings:
        if finding.code in r.deciding:
            reply.add(_criterion_line(finding, after, reply))
    others = [f.code.value for f in r.findings if f.code not in r.deciding]
    if others:
        reply.add(f"Also noted with the change, not decisive: {', '.join(others)}.")
    if not r.deciding:
        reply.add(
            "No finding would limit the request"
            + reply.cite_anchor("medically_necessary", passages)
            + "."
        )


HANDLERS: dict[str, Handler] = {
    "whatif": answer_whatif,
    "guideline": answer_guideline,
    "change": answer_change,
    "red_flags": answer_red_flags,
    "progress": answer_progress,
    "dosage": answer_dosage,
    "stage": answer_stage,
    "findings": answer_findings,
    "outcome": answer_outcome,
}


def answer_offline(facts: CaseFacts, question: str, passages: PassageSource) -> ChatAnswer:
    """The routed, deterministic answer: tools and guideline only."""
    intent = route(question)
    reply = Reply()
    HANDLERS[intent](facts, question, passages, reply)
    return ChatAnswer(
        case_id=facts.case.case_id,
        question=question,
        intent=intent,
        text="\n".join(line for line in reply.lines if line),
        citations=list(reply.cited.values()),
    )


class LlmAnswerer(Protocol):
    """An LLM chat (agent.chat_llm.LlmChat): answers, or falls back to answer_offline."""

    def answer(self, facts: CaseFacts, question: str, passages: PassageSource) -> ChatAnswer: ...


def ask(
    case: Case,
    question: str,
    passages: PassageSource,
    llm: LlmAnswerer | None = None,
    confirmed: list[Finding] | None = None,
    decision: Decision | None = None,
) -> ChatAnswer:
    """A CQE's question about a case: offline by default, by the LLM chat when given
    (which falls back to the offline answer on any failure)."""
    facts = case_facts(case, passages, confirmed=confirmed, decision=decision)
    if llm is None:
        return answer_offline(facts, question, passages)
    return llm.answer(facts, question, passages)
