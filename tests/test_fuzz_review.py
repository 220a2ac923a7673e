"""Fuzzing `review` in-process: every case that loads gets a determination, never a crash.

The function path the command line takes (`determine` with the real session index),
fed example cases with mutated fields and hostile free text: random Unicode, control
characters, clinical words in every order, instruction-like text.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given

from agent.pipeline import determine
from tests.fuzzing import mutated_cases, valid_cases_with_hostile_text
from tools.case_io import CaseError, parse_case

TODAY = dt.date(2026, 12, 2)
OUTCOMES = {"approved", "partially_approved", "denied"}


def _review(data: dict, retriever) -> None:
    try:
        case = parse_case(json.dumps(data), "fuzz.json", today=TODAY)
    except CaseError:
        return  # the loader's fuzz tests check refusals
    result = determine(case, retriever)
    assert result.outcome in OUTCOMES
    assert result.approved.visits <= result.requested.visits
    ids = {citation.id for citation in result.citations}
    assert all(set(finding.citations) <= ids for finding in result.findings)


@given(valid_cases_with_hostile_text())
def test_when_free_text_is_hostile_then_review_still_determines(retriever, data: dict) -> None:
    _review(data, retriever)


@given(mutated_cases())
def test_when_a_mutated_case_loads_then_review_determines(retriever, data: dict) -> None:
    _review(data, retriever)
