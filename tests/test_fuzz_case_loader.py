"""Fuzzing the case loader: whatever arrives, a Case or a CaseError of printable lines.

No traceback (RecursionError, OverflowError, ValueError from int conversion...) may
escape `parse_case` or `load_case`, and each example must finish within the profile's
deadline (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import hostile_text, json_values, mutated_cases, nested
from tools.case import Case
from tools.case_io import CaseError, load_case, parse_case

TODAY = dt.date(2026, 12, 2)


def _outcome(text: str) -> Case | CaseError:
    try:
        return parse_case(text, "fuzz.json", today=TODAY)
    except CaseError as error:
        return error


def _assert_clear(result: Case | CaseError) -> None:
    if isinstance(result, CaseError):
        assert result.problems, "a refusal says why"
        for problem in result.problems:
            assert (problem and problem.isprintable()) or " " in problem
            assert "\n" not in problem and "\r" not in problem
            assert "Traceback" not in problem


@given(mutated_cases())
def test_when_an_example_case_is_mutated_then_a_case_or_a_clear_error(data: dict) -> None:
    _assert_clear(_outcome(json.dumps(data)))


@given(json_values)
def test_when_any_json_value_is_given_then_a_clear_error(value: object) -> None:
    result = _outcome(json.dumps(value))
    assert isinstance(result, CaseError)
    _assert_clear(result)


@given(hostile_text)
def test_when_random_unicode_is_given_then_a_clear_error(text: str) -> None:
    _assert_clear(_outcome(text))


@given(st.binary(max_size=300))
def test_when_a_file_holds_random_bytes_then_a_clear_error(tmp_path_factory, raw: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "case.json"
    path.write_bytes(raw)
    try:
        load_case(path, today=TODAY)
    except CaseError as error:
        _assert_clear(error)


@given(st.integers(min_value=1, max_value=200_000), st.sampled_from(["1", "NaN", '"x"', "[]"]))
def test_when_json_is_nested_at_any_depth_then_a_clear_error(depth: int, inner: str) -> None:
    result = _outcome(nested(depth, inner))
    assert isinstance(result, CaseError)
    _assert_clear(result)


@pytest.mark.parametrize("depth", [10_000, 1_000_000])
def test_when_a_field_is_nested_far_too_deep_then_one_clear_error(depth: int) -> None:
    text = json.dumps({"case_id": "X"})[:-1] + ', "notes": ' + nested(depth) + "}"
    result = _outcome(text)
    assert isinstance(result, CaseError) and len(result.problems) == 1
