"""The chat's LLM path against the real local OpenAI-protocol server (tests/openai_server.py),
through the real `openai` client: tool calling, the answer's checks, the offline answer
on any failure, and masking (ids and names never reach the server)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from agent.chat import ask
from agent.chat_llm import make_llm_chat
from tests.conftest import llm_settings
from tests.openai_server import Reply, ScriptedOpenAI
from tools.case import Case
from tools.case_io import load_case

ROOT = Path(__file__).resolve().parents[1]
PARTIAL_CASE = ROOT / "examples/cases/partially-approved-low-back-12-visits-6-weeks.json"
PLANTED = ["Harriet", "Vance", "M-88121", "TM-2026-0412", "P-104", "Dana", "Ortiz"]
QUESTION = "why only 4 weeks for TM-2026-0412 (member M-88121)?"


def planted_case() -> Case:
    """The partial example with identifiers planted in free text a finding could quote."""
    case = load_case(PARTIAL_CASE)
    notes = "Seen with Dr. Harriet Vance; member M-88121, case TM-2026-0412, Dana Ortiz (P-104)."
    history = case.history.model_copy(
        update={"conditions": [f"{case.history.conditions[0]}; {notes}"]}
    )
    return case.model_copy(update={"notes": notes, "history": history})


def tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool results a request carries back to the model."""
    return [json.loads(m["content"]) for m in request["messages"] if m["role"] == "tool"]


def answer_from_tools(request: dict[str, Any]) -> Reply:
    """A model that states the tools' figures and cites a passage it was given."""
    review = tool_results(request)[0]
    finding = next(f for f in review["findings"] if f["decided_the_outcome"])
    approved, requested = review["approved"], review["requested"]
    return Reply.content(
        f"The request is partially approved: {approved['visits']} of {requested['visits']} "
        f"visits over {approved['weeks']} of {requested['weeks']} weeks, because "
        f"{finding['code']} [{finding['passages'][0]}]."
    )


def chat(server: ScriptedOpenAI):
    return make_llm_chat(llm_settings(server))


def test_tool_calling_answer_is_verified_and_recorded(openai_server, retriever) -> None:
    openai_server.script(Reply.tool_calls(("review_case", {})), answer_from_tools)
    answer = ask(load_case(PARTIAL_CASE), "why only 4 weeks?", retriever, llm=chat(openai_server))
    assert answer.answered_by == "llm:test-model"
    assert "8 of 12 visits over 4 of 6 weeks" in answer.text
    assert [c.id for c in answer.citations] == re.findall(r"\[([^\]]+)\]", answer.text)
    assert all(retriever.get(c.id).text == c.text for c in answer.citations)
    assert [c.result for c in answer.llm_calls] == ["ok", "ok"]
    first, second = openai_server.requests
    assert {t["function"]["name"] for t in first["tools"]} == {
        "review_case",
        "outcome_progress",
        "what_if",
        "search_guideline",
    }
    assert tool_results(second)[0]["outcome"] == "partially_approved"


REVIEW = Reply.tool_calls(("review_case", {}))


@pytest.mark.parametrize(
    ("script", "why"),
    [
        # cites a passage no tool gave it
        ((REVIEW, Reply.content("Partially approved, see [cpg167:p99:c9].")), "unknown-citation"),
        # cites nothing although the review gave it passages
        ((REVIEW, Reply.content("It is partially approved: 8 of 12 visits.")), "missing-citation"),
        # states a figure no tool gave
        ((REVIEW, Reply.content("It is partially approved for 10 visits.")), "wrong-figure"),
        # names an outcome no tool gave
        ((REVIEW, Reply.content("The request is denied.")), "wrong-outcome"),
        # an outcome without asking any tool
        ((Reply.content("The request is partially approved."),), "wrong-outcome"),
        ((Reply.status_error(500),), "http-500"),
        ((Reply.malformed_body(),), "malformed-reply"),
        # a model that never stops calling tools
        ((REVIEW,), "too-many-tool-calls"),
    ],
)
def test_when_answer_fails_then_offline_answer(openai_server, retriever, script, why) -> None:
    case = load_case(PARTIAL_CASE)
    openai_server.script(*script)
    answer = ask(case, "why only 4 weeks?", retriever, llm=chat(openai_server))
    offline = ask(case, "why only 4 weeks?", retriever)
    assert answer.answered_by == f"fallback:{why}"
    assert answer.text == offline.text
    assert answer.citations == offline.citations
    assert answer.llm_calls and answer.llm_calls[0].host == "127.0.0.1"


def test_what_if_tool_runs_on_a_copy(openai_server, retriever) -> None:
    case = load_case(PARTIAL_CASE)
    before = case.model_dump_json()

    def answer(request: dict[str, Any]) -> Reply:
        result = tool_results(request)[0]
        after = result["after"]
        cited = f" [{result['passages'][0]['id']}]" if result["passages"] else ""
        return Reply.content(
            f"With 4 weeks the request would be approved as requested: "
            f"{after['approved']['visits']} visits over {after['approved']['weeks']} weeks.{cited}"
        )

    openai_server.script(Reply.tool_calls(("what_if", {"kind": "weeks", "value": 4})), answer)
    reply = ask(case, "what if 4 weeks?", retriever, llm=chat(openai_server))
    assert reply.answered_by == "llm:test-model"
    assert "8 visits over 4 weeks" in reply.text
    assert case.model_dump_json() == before


def test_ids_and_names_never_reach_the_server(openai_server, retriever) -> None:
    openai_server.script(
        Reply.tool_calls(
            ("review_case", {}),
            ("search_guideline", {"query": "trial length"}),
            ("outcome_progress", {}),
        ),
        answer_from_tools,
    )
    answer = ask(planted_case(), QUESTION, retriever, llm=chat(openai_server))
    sent = openai_server.texts()
    assert answer.answered_by == "llm:test-model"
    assert "<member>" in sent and "<name>" in sent  # the planted text went out, masked
    for planted in PLANTED:
        assert planted not in sent, planted


def test_a_hung_server_times_out_to_the_offline_answer(openai_server, retriever) -> None:
    openai_server.script(Reply.hang(5))
    llm = make_llm_chat(llm_settings(openai_server, timeout=0.3))
    answer = ask(load_case(PARTIAL_CASE), "why only 4 weeks?", retriever, llm=llm)
    assert answer.answered_by == "fallback:timeout"
    assert [c.result for c in answer.llm_calls] == ["timeout"]


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("what_if", '{"kind": "colour", "value": 1}', "unknown kind"),
        ("what_if", '{"kind": "score", "value": 1, "instrument": "XYZ"}', "unknown instrument"),
        ("what_if", '{"kind": "score", "value": 99, "instrument": "NPRS"}', "outside"),
        ("review_case", "not json", "bad call"),
        ("delete_case", "{}", "no tool named"),
    ],
)
def test_a_bad_tool_call_gets_an_error_result(retriever, name, arguments, error) -> None:
    from agent.chat import case_facts
    from agent.chat_llm import Toolbox

    box = Toolbox(facts=case_facts(load_case(PARTIAL_CASE), retriever), passages=retriever)
    assert error in json.loads(box.call(name, arguments))["error"]
    assert not box.given


def test_guideline_search_tool_hands_the_answering_sentences(retriever) -> None:
    from agent.chat import case_facts
    from agent.chat_llm import Toolbox

    box = Toolbox(facts=case_facts(load_case(PARTIAL_CASE), retriever), passages=retriever)
    passages = json.loads(box.call("search_guideline", '{"query": "fever over 101"}'))["passages"]
    fever = next(p for p in passages if "Significant fever" in p["text"])
    assert fever["answer"] == ["Significant fever (>101.5 degrees F)"]
