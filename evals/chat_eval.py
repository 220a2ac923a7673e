"""`eval chat`: the chat gold set (evals/gold/chat.yaml) asked of the chat, scored.

For each question: fact recall (the share of the gold facts the answer states: numbers
matched as normalised numbers, key terms as normalised text), citation validity (every
passage the answer cites is in the index with the same text, and every `[passage-id]`
marker in its text is one of its citations), and whether it cites the gold passage
(page + quote, as the retrieval gold names passages). Offline targets: fact recall ≥ 0.9,
citation validity 1.0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.chat import ChatAnswer, LlmAnswerer, ask
from agent.chat_llm import numbers_in
from agent.verify import markers
from corpus.retrieval import Retriever, normalise
from evals.gold import GOLD_DIR, GoldPassage
from tools.case import Case

CHAT_GOLD = GOLD_DIR / "chat.yaml"
CHAT_HOLDOUT = GOLD_DIR / "chat_holdout.yaml"
FACT_RECALL_TARGET = 0.9
CITATION_VALIDITY_TARGET = 1.0

Answerer = Callable[[Case, str], ChatAnswer]


class ChatQuestion(BaseModel):
    """One gold question about a gold case."""

    model_config = ConfigDict(extra="forbid")

    id: str
    case: str = Field(description="A gold case file, relative to evals/gold/")
    question: str
    intent: str
    facts: list[str] = Field(min_length=1)
    passages: list[GoldPassage] = Field(min_length=1)


def load_chat_gold(path: Path | None = None) -> list[ChatQuestion]:
    """The chat questions, each case file checked to exist."""
    path = path or CHAT_GOLD
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [ChatQuestion.model_validate(row) for row in rows]
    missing = [q.id for q in questions if not (GOLD_DIR / q.case).is_file()]
    if missing:
        raise ValueError(f"{path}: case files not found for {', '.join(missing)}")
    return questions


def gold_case(relative: str) -> Case:
    """The case of a gold file (a gold determination file wraps it under `case`)."""
    data = json.loads((GOLD_DIR / relative).read_text(encoding="utf-8"))
    return Case.model_validate(data.get("case", data))


def _terms(text: str) -> str:
    return " ".join(re.sub(r"[_\-‐–]", " ", text.lower()).split())


def fact_stated(fact: str, text: str) -> bool:
    """A number fact among the text's numbers, or a key term in its words."""
    if re.fullmatch(r"\d+(?:\.\d+)?", fact):
        return float(fact) in numbers_in(text)
    return _terms(fact) in _terms(text)


def citation_problems(answer: ChatAnswer, retriever: Retriever) -> list[str]:
    """Why the answer's citations are not valid (empty when they are)."""
    problems = []
    cited = {c.id for c in answer.citations}
    for citation in answer.citations:
        chunk = retriever.get(citation.id)
        if chunk is None:
            problems.append(f"{citation.id}: not in the index")
        elif (chunk.text, chunk.page, chunk.section) != (
            citation.text,
            citation.page,
            citation.section,
        ):
            problems.append(f"{citation.id}: text, page or section differ from the index")
    for marker in markers(answer.text):
        if marker not in cited:
            problems.append(f"[{marker}]: marked in the text but not among the citations")
    return problems


def cites_gold(answer: ChatAnswer, passages: list[GoldPassage], retriever: Retriever) -> bool:
    """Whether a citation holds a gold quote on its page."""
    for citation in answer.citations:
        chunk = retriever.get(citation.id)
        if chunk is None:
            continue
        text = normalise(chunk.text)
        if any(normalise(p.quote) in text and p.page in chunk.pages for p in passages):
            return True
    return False


@dataclass(frozen=True)
class QuestionScore:
    """One question's result."""

    id: str
    intent: str
    routed: str
    facts_found: int
    facts_total: int
    missing: list[str]
    citation_problems: list[str]
    cites_gold: bool
    answered_by: str


@dataclass(frozen=True)
class ChatScores:
    """The whole set's figures."""

    rows: list[QuestionScore]

    @property
    def fact_recall(self) -> float:
        found = sum(r.facts_found for r in self.rows)
        return found / max(1, sum(r.facts_total for r in self.rows))

    @property
    def citation_validity(self) -> float:
        return sum(not r.citation_problems for r in self.rows) / max(1, len(self.rows))

    @property
    def gold_passage_rate(self) -> float:
        return sum(r.cites_gold for r in self.rows) / max(1, len(self.rows))

    @property
    def routing_accuracy(self) -> float:
        return sum(r.intent == r.routed for r in self.rows) / max(1, len(self.rows))

    def gate_failures(self) -> list[str]:
        failures = []
        if self.fact_recall < FACT_RECALL_TARGET:
            failures.append(f"fact recall {self.fact_recall:.3f} < {FACT_RECALL_TARGET}")
        if self.citation_validity < CITATION_VALIDITY_TARGET:
            failures.append(
                f"citation validity {self.citation_validity:.3f} < {CITATION_VALIDITY_TARGET}"
            )
        return failures


def score_question(q: ChatQuestion, answer: ChatAnswer, retriever: Retriever) -> QuestionScore:
    missing = [fact for fact in q.facts if not fact_stated(fact, answer.text)]
    return QuestionScore(
        id=q.id,
        intent=q.intent,
        routed=answer.intent,
        facts_found=len(q.facts) - len(missing),
        facts_total=len(q.facts),
        missing=missing,
        citation_problems=citation_problems(answer, retriever),
        cites_gold=cites_gold(answer, q.passages, retriever),
        answered_by=answer.answered_by,
    )


def run_chat_gold(
    questions: list[ChatQuestion], answerer: Answerer, retriever: Retriever
) -> ChatScores:
    """Ask every question and score the answers."""
    rows = []
    for q in questions:
        answer = answerer(gold_case(q.case), q.question)
        rows.append(score_question(q, answer, retriever))
    return ChatScores(rows=rows)


def summary(scores: ChatScores) -> str:
    """The figures and every imperfect question, as printed by `eval chat`."""
    lines = [
        f"questions {len(scores.rows)}",
        f"fact recall        {scores.fact_recall:.3f}  (target ≥ {FACT_RECALL_TARGET})",
        f"citation validity  {scores.citation_validity:.3f}  (target {CITATION_VALIDITY_TARGET})",
        f"gold passage cited {scores.gold_passage_rate:.3f}",
        f"routing accuracy   {scores.routing_accuracy:.3f}",
    ]
    by = sorted({r.answered_by.split(":")[0] for r in scores.rows})
    lines.append(
        "answered by: "
        + ", ".join(
            f"{kind} {sum(r.answered_by.split(':')[0] == kind for r in scores.rows)}" for kind in by
        )
    )
    for r in scores.rows:
        issues = []
        if r.missing:
            issues.append(f"missing {r.missing}")
        if r.citation_problems:
            issues.append(f"citations: {'; '.join(r.citation_problems)}")
        if not r.cites_gold:
            issues.append("gold passage not cited")
        if r.intent != r.routed:
            issues.append(f"routed to {r.routed}, gold intent {r.intent}")
        if issues:
            lines.append(f"  {r.id} ({r.answered_by}): " + "; ".join(issues))
    return "\n".join(lines)


def run_chat_eval(
    gold: Path | None,
    retriever: Retriever,
    llm: LlmAnswerer | None,
    progress: Callable[[str], None],
) -> int:
    """`eval chat [--llm]`: ask every gold question, print the figures, apply the gate
    (offline: fact recall and citation validity; with an LLM: citation validity, the
    recall reported). Without --gold the held-out questions follow, reported only."""
    questions = load_chat_gold(gold)
    who = "offline" if llm is None else "with the LLM (falling back offline)"
    progress(f"asking {len(questions)} chat gold questions {who}")

    def answerer(case: Case, question: str) -> ChatAnswer:
        return ask(case, question, retriever, llm=llm)

    scores = run_chat_gold(questions, answerer, retriever)
    print(summary(scores))
    if gold is None and CHAT_HOLDOUT.exists():
        held_out = run_chat_gold(load_chat_gold(CHAT_HOLDOUT), answerer, retriever)
        print(f"\nheld-out set (reported, not gated):\n{summary(held_out)}\n")
    failures = scores.gate_failures()
    if llm is not None:
        failures = [f for f in failures if f.startswith("citation")]
    print("gate: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    return 0 if not failures else 1
