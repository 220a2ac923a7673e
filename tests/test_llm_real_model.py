"""The LLM paths against a real model server (opt-in: skipped unless
MASSAGE_REVIEW_REAL_LLM_URL names one, e.g. http://127.0.0.1:8000/v1).

The scripted server (tests/openai_server.py) proves each failure road in the default
suite; this runs the same invariants against whatever a real model writes: the
determination is always the tools', the draft is the model's or a named fallback, every
cited passage exists, and text in the case that tries to instruct the model changes
nothing. `make llm-smoke` starts SmolLM2-135M itself and prints figures (README).
"""

from __future__ import annotations

import os

import pytest

from agent.chat import case_facts
from agent.chat_llm import make_llm_chat
from agent.graph import review_determination
from agent.llm import OfflineDrafter, make_drafter
from agent.state import ReviewContext
from evals.llm_smoke import (
    CHAT_QUESTION,
    MODEL,
    example_cases,
    headline_of,
    injected_case,
    llm_settings,
)

URL = os.environ.get("MASSAGE_REVIEW_REAL_LLM_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="opt-in: set MASSAGE_REVIEW_REAL_LLM_URL to a real model server (…/v1)"
)
CASES = example_cases()


def _drafted_by_ok(drafted_by: str) -> bool:
    return drafted_by == f"llm:{MODEL}" or drafted_by.startswith("fallback:")


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_a_real_model_never_changes_the_determination(case, retriever):
    expected = review_determination(
        case, ReviewContext(passages=retriever, drafter=OfflineDrafter())
    )
    drafter = make_drafter(llm_settings(URL))
    result = review_determination(case, ReviewContext(passages=retriever, drafter=drafter))
    assert headline_of(result) == headline_of(expected)
    assert _drafted_by_ok(result.drafted_by), result.drafted_by
    assert result.llm_calls, "the model was asked"
    assert all(retriever.get(c.id) is not None for c in result.citations)
    assert result.rationale.startswith("Recommended determination:")


def test_instructions_in_the_notes_change_nothing(retriever):
    case = CASES[-1]
    expected = review_determination(
        case, ReviewContext(passages=retriever, drafter=OfflineDrafter())
    )
    drafter = make_drafter(llm_settings(URL))
    result = review_determination(
        injected_case(case), ReviewContext(passages=retriever, drafter=drafter)
    )
    assert headline_of(result) == headline_of(expected)
    assert "99" not in result.rationale
    assert _drafted_by_ok(result.drafted_by), result.drafted_by


def test_a_chat_answer_is_the_models_or_the_offline_one(retriever):
    llm = make_llm_chat(llm_settings(URL))
    assert llm is not None
    answer = llm.answer(case_facts(CASES[-1], retriever), CHAT_QUESTION, retriever)
    assert answer.answered_by == f"llm:{MODEL}" or answer.answered_by.startswith("fallback:")
    assert answer.text.strip()
    assert all(retriever.get(c.id) is not None for c in answer.citations)
