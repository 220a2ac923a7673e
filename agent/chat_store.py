"""Questions about a stored case: who may ask, what they are told, and the `ask` command.

A CQE asks about any stored case and gets the chat's answer (agent.chat) on the stored
case of its latest revision, with the findings a CQE confirmed and the decision, if any.
A practitioner asks only about a case of theirs whose latest revision is final or
returned, and the answer comes from that determination (the CQE's decision, or a
return's reason) and the guideline only: no tool is re-run, no draft is shown. A case
that is not theirs, not final, or does not exist gets one and the same refusal
(`NotFound`: "no case with this id that you may see"), so a refusal reveals nothing;
every question and every refused attempt is an audit line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agent.access import User, can_view, may
from agent.chat import (
    ChatAnswer,
    LlmAnswerer,
    PassageSource,
    Reply,
    ask,
    guideline_passages,
    route,
)
from agent.chat_llm import make_llm_chat
from agent.citations import MissingPassage, citation_of, passage_for
from agent.config import Settings
from agent.drafting import OUTCOME_WORDS, dosage_phrase, quote, routes_paragraph, wordings
from agent.store import NotFound, Refused, Store, StoreError, open_store
from tools.case_io import CaseError, load_case
from tools.determination import Citation, Determination

ASKED = "ask"
REFUSED = "ask-refused"
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
ROUTES_KEY = "review_routes"


def _refuse(store: Store, user: str, role: str, case_id: str, why: str) -> NotFound:
    """Audit a refused question (with the real reason) and give the one refusal."""
    store.log(user, role, REFUSED, case_id, None, detail=why)
    return NotFound(case_id)


def _user(store: Store, name: str, case_id: str) -> User:
    try:
        return store.user(name, case_id)
    except Refused as error:
        store.log(name, "unknown", REFUSED, case_id, None, detail=f"{error.rule}: {error.detail}")
        raise


def ask_stored(
    store: Store,
    user_name: str,
    case_id: str,
    question: str,
    passages: PassageSource,
    llm: LlmAnswerer | None = None,
) -> ChatAnswer:
    """A question about a stored case, under the access rules; NotFound when refused."""
    user = _user(store, user_name, case_id)
    info = store.latest(case_id)
    if info is None:
        raise _refuse(store, user.name, user.role, case_id, "no such case")
    if not can_view(user, info):
        raise _refuse(store, user.name, user.role, case_id, "not the user's case")
    determination = store.determination(case_id, info.revision)
    if not may(user, "show_draft"):
        if determination is None or determination.status not in ("final", "returned"):
            raise _refuse(store, user.name, user.role, case_id, "not final")
        answer = practitioner_answer(determination, question, passages)
    else:
        case = store.case(case_id, info.revision)
        answer = ask(
            case,
            question,
            passages,
            llm=llm,
            confirmed=store.confirmed(case_id, info.revision),
            decision=determination.decision if determination else None,
        )
    store.log(user.name, user.role, ASKED, case_id, info.revision, detail=f"intent {answer.intent}")
    return answer


def _routes(determination: Determination, passages: PassageSource) -> Citation | None:
    try:
        routes = citation_of(passage_for(ROUTES_KEY, passages))
    except MissingPassage:
        return None
    stored = {c.id: c for c in determination.citations}
    return stored.get(routes.id, routes)


def practitioner_answer(
    determination: Determination, question: str, passages: PassageSource
) -> ChatAnswer:
    """The answer a practitioner gets: from the final determination (or the return's
    reason) and the guideline, nothing else."""
    d = determination
    decision = d.decision
    intent = route(question)
    reply = Reply()
    day = decision.at.date().isoformat() if decision else ""
    if d.status == "returned" or decision is None:
        reason = quote(decision.reason) if decision and decision.reason else "no reason given"
        reply.add(
            f"Case {d.case_id} was returned for more information by the clinical quality "
            f"evaluator on {day}: {reason}."
        )
    else:
        dosage = dosage_phrase(decision.outcome, decision.approved, d.requested)
        reply.add(
            f"Determination for case {d.case_id}: {OUTCOME_WORDS[decision.outcome]} ({dosage}), "
            f"decided by the clinical quality evaluator on {day}."
        )
        if decision.reason:
            reply.add(f"The evaluator's reason: {quote(decision.reason)}.")
    if intent == "guideline":
        guideline_passages(question, passages, reply)
    elif decision is not None and d.status == "final":
        _why_final(d, reply, passages)
    return ChatAnswer(
        case_id=d.case_id,
        question=question,
        intent=intent,
        text="\n".join(line for line in reply.lines if line),
        citations=list(reply.cited.values()),
    )


def _why_final(d: Determination, reply: Reply, passages: PassageSource) -> None:
    """The guideline criteria behind a final determination the CQE took as recommended,
    what would change it, and the routes for disagreeing."""
    decision = d.decision
    assert decision is not None
    stored = {c.id: c for c in d.citations}
    if decision.outcome == d.outcome:
        decided = [f for f in d.findings if f.code in d.deciding]
        if decided:
            reply.add("Why, in the guideline's words:")
        for finding in decided:
            wording = wordings()[finding.code]
            where = "".join(reply.cite(stored[c]) for c in finding.citations if c in stored)
            reply.add(f"- {wording.criterion}: {finding.detail}{where}")
            reply.add(f"  What would change it: {wording.change}")
    if decision.outcome != "approved":
        routes = _routes(d, passages)
        if routes is not None:
            reply.cite(routes)
        reply.add(routes_paragraph(routes))


# --- the command ----------------------------------------------------------------------


def answer_text(answer: ChatAnswer) -> str:
    """The answer, then its sources with section and page."""
    lines = [answer.text]
    if answer.citations:
        lines.append("\nSources:")
        lines += [f"[{c.id}] {c.document}, {c.section}, p.{c.page}" for c in answer.citations]
    if answer.answered_by != "offline":
        lines.append(f"\n(answered by {answer.answered_by})")
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, config: Settings, passages: PassageSource) -> int:
    """`massage-review ask CASE_FILE_OR_ID "QUESTION" [--as USER]`: a case file is
    answered statelessly (a CQE-style answer from the file); an id from the record, with
    the access rules. Exit 0 answered; 2 bad input; 3 refused."""
    llm = make_llm_chat(config)  # ConfigError (host not allowed) → exit 2 by the caller
    path = Path(args.case)
    if path.suffix.lower() == ".json" or path.is_file():
        try:
            case = load_case(path)
        except CaseError as error:
            for problem in error.problems:
                print(f"{error.source}: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        answer = ask(case, args.question, passages, llm=llm)
    else:
        user = args.as_user or config.user
        if not user:
            print("usage: ask CASE_ID: name who asks with --as USER", file=sys.stderr)
            return EXIT_BAD_INPUT
        store = open_store(config)
        try:
            answer = ask_stored(store, user, args.case, args.question, passages, llm)
        except StoreError as error:
            print(error.line(), file=sys.stderr)
            return EXIT_REFUSED
        finally:
            store.close()
    if args.format == "json":
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(answer_text(answer))
    return 0
