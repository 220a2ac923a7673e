"""The chat over the record (real SQLite file, real index): a practitioner's question
about a final case of theirs, the one refusal for not-theirs / not-final / missing (each
audited), a CQE's what-if that leaves the stored case alone, and the `ask` command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from agent.chat_store import ASKED, REFUSED, ask_stored, run_ask
from agent.config import Settings
from agent.graph import ReviewContext, review_determination
from agent.llm import OfflineDrafter
from agent.store import DecisionRequest, NotFound, Refused, Store
from tests.store_support import T0, case_bytes, new_store, parsed

ROOT = Path(__file__).resolve().parents[1]
PARTIAL_FILE = ROOT / "examples/cases/partially-approved-low-back-12-visits-6-weeks.json"


def submit_and_draft(store: Store, retriever, case_id: str, **plan: int) -> int:
    """A case of pat's (P-1) stored with its offline draft; its revision."""
    raw = case_bytes(case_id=case_id, plan=plan) if plan else case_bytes(case_id=case_id)
    case = parsed(raw)
    done = store.submit(raw, case, "pat")
    draft = review_determination(
        case, ReviewContext(passages=retriever, drafter=OfflineDrafter(), clock=lambda: T0)
    )
    store.save_draft(draft.model_copy(update={"revision": done.revision}))
    return done.revision


@pytest.fixture
def record(tmp_path: Path, retriever) -> Store:
    """pat's cases: F-1 final (partially approved 5 of 8 visits over 4 of 6 weeks, as
    recommended), R-1 returned, D-1 still a draft."""
    store = new_store(tmp_path)
    for case_id in ("F-1", "R-1", "D-1"):
        submit_and_draft(store, retriever, case_id, visits_requested=8, weeks_requested=6)
    store.decide("F-1", 1, DecisionRequest(by="ann", action="approve"), "letter", T0)
    returned = DecisionRequest(by="ann", action="return", reason="send the latest ODI score")
    store.decide("R-1", 1, returned, "letter", T0)
    return store


def test_practitioner_hears_the_final_determination_and_the_guideline(record, retriever) -> None:
    answer = ask_stored(record, "pat", "F-1", "why was this partially approved?", retriever)
    assert "partially approved (5 of 8 visits over 4 of 6 weeks)" in answer.text
    assert "Reopen" in answer.text  # the routes the guideline gives for disagreeing
    assert answer.citations
    for citation in answer.citations:
        assert retriever.get(citation.id).text == citation.text
        assert f"[{citation.id}]" in answer.text
    assert [e.action for e in record.audit("F-1")][-1] == ASKED


def test_practitioner_hears_a_returns_reason(record, retriever) -> None:
    answer = ask_stored(record, "pat", "R-1", "why was this returned?", retriever)
    assert "returned for more information" in answer.text
    assert "send the latest ODI score" in answer.text


@pytest.mark.parametrize(
    ("user", "case_id", "why"),
    [
        ("quinn", "F-1", "not the user's case"),  # P-2 asks about P-1's final case
        ("pat", "D-1", "not final"),  # pat's own case, still a draft
        ("pat", "NOPE-9", "no such case"),
    ],
)
def test_refusal_is_one_and_the_same_and_audited(record, retriever, user, case_id, why) -> None:
    with pytest.raises(NotFound) as refused:
        ask_stored(record, user, case_id, "why was this partially approved?", retriever)
    assert (refused.value.rule, refused.value.detail) == (
        "not-found",
        "no case with this id that you may see",
    )
    assert str(refused.value) == f"{case_id}: not-found: no case with this id that you may see"
    last = record.audit(case_id)[-1]
    assert (last.user, last.action, last.detail) == (user, REFUSED, why)


def test_unknown_user_is_refused_and_audited(record, retriever) -> None:
    with pytest.raises(Refused):
        ask_stored(record, "mallory", "F-1", "why?", retriever)
    assert record.audit("F-1")[-1].action == REFUSED


def test_cqe_what_if_leaves_the_stored_case_alone(record, retriever) -> None:
    raw, determination = record.raw("D-1", 1), record.determination("D-1")
    answer = ask_stored(record, "ann", "D-1", "what if 4 weeks were requested?", retriever)
    assert answer.intent == "whatif"
    assert "approved" in answer.text
    assert record.raw("D-1", 1) == raw
    assert record.determination("D-1") == determination
    assert record.latest("D-1").revision == 1
    assert [e.action for e in record.audit("D-1")][-1] == ASKED


def _args(case: str, question: str, user: str | None = None, fmt: str = "json"):
    return argparse.Namespace(case=case, question=question, as_user=user, format=fmt)


def test_ask_command_on_a_case_file(tmp_path, retriever, capsys) -> None:
    config = Settings(home=tmp_path)
    assert run_ask(_args(str(PARTIAL_FILE), "why only 4 weeks?"), config, retriever) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["intent"] == "dosage" and answer["answered_by"] == "offline"
    assert "8 of 12 visits over 4 of 6 weeks" in answer["text"]


def test_ask_command_refusal_exits_3_with_one_line(record, retriever, capsys) -> None:
    config = Settings(home=record.path.parent)
    assert run_ask(_args("D-1", "why?", user="pat", fmt="text"), config, retriever) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "D-1: not-found: no case with this id that you may see\n"


def test_ask_is_a_command_line_sub_command(corpus_home, monkeypatch, capsys) -> None:
    from agent import cli
    from agent.config import settings

    monkeypatch.setenv("MASSAGE_REVIEW_HOME", str(corpus_home))
    settings.cache_clear()
    try:
        status = cli.main(["ask", str(PARTIAL_FILE), "what would change this decision?"])
    finally:
        settings.cache_clear()
    out = capsys.readouterr().out
    assert status == 0
    assert "TRIAL_LENGTH_EXCEEDED" in out
    assert "Sources:\n[cpg167:p4:c2] CPG 167, Medically Necessary, p.4" in out


def test_eval_chat_with_an_llm_that_fails_falls_back(tmp_path, retriever, openai_server, capsys):
    from agent.chat_llm import make_llm_chat
    from evals.chat_eval import CHAT_GOLD, run_chat_eval
    from tests.conftest import llm_settings
    from tests.openai_server import Reply

    subset = tmp_path / "chat.yaml"  # the first three gold questions
    header, *questions = CHAT_GOLD.read_text().split("\n- id: ")
    subset.write_text(header + "\n- id: " + "\n- id: ".join(questions[:3]))
    openai_server.script(Reply.status_error(503))
    llm = make_llm_chat(llm_settings(openai_server))
    assert run_chat_eval(subset, retriever, llm, lambda _: None) == 0
    out = capsys.readouterr().out
    assert "questions 3" in out and "answered by: fallback 3" in out
    assert "citation validity  1.000" in out
