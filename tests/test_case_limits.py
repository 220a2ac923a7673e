"""Limits and dates: any input is refused in bounded work with one line naming the field.

The limits are the plan's (tools/data/parameters.yaml, `limits`); tests pass small ones
where a realistic size would only slow the suite, and the clock is always injected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.factories import case_dict
from tools.case_io import CaseError, load_case, parse_case
from tools.parameters import parameters

TODAY = dt.date(2026, 3, 2)  # the factories' review_date
LIMITS = parameters().limits
SMALL = LIMITS.model_copy(
    update={"text_field_chars": 50, "outcome_scores": 2, "diagnoses": 1, "list_items": 3}
)


def _problems(text: str, **kwargs) -> list[str]:
    with pytest.raises(CaseError) as caught:
        parse_case(text, "case.json", today=TODAY, **kwargs)
    return caught.value.problems


def test_spec_limits_are_at_least_the_spec_floor():
    assert LIMITS.case_file_bytes >= 2_000_000


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a text field longer than the limit names the field and the limit
        ({"notes": "x" * 51}, "notes: 51 characters exceed the limit of 50 per text field"),
        # list items are text fields too
        ({"goals": ["y" * 60]}, "goals[0]: 60 characters exceed the limit of 50"),
        # more outcome scores than the limit
        (
            {"outcomes": [{"instrument": "NPRS", "date": "2026-02-27", "score": 6}] * 3},
            "outcomes: 3 outcome scores exceed the limit of 2",
        ),
        # more diagnoses than the limit
        (
            {"condition": {"diagnoses": [{"code": "M54.50"}] * 2}},
            "condition.diagnoses: 2 diagnoses exceed the limit of 1",
        ),
        # any other list has the general limit
        ({"history": {"medications": ["a", "b", "c", "d"]}}, "history.medications: 4 items"),
    ],
    ids=["text", "list-item-text", "scores", "diagnoses", "other-list"],
)
def test_when_beyond_a_count_limit_then_refused_naming_field_and_limit(changes, expected):
    problems = _problems(json.dumps(case_dict(**changes)), limits=SMALL)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # NaN is not a number any field takes
        ('"score": NaN', "outcomes[0].score: must be a number (NaN is not one)"),
        # Infinity and huge floats are beyond the largest number
        ('"score": Infinity', "outcomes[0].score: must lie between ±1,000,000"),
        ('"score": 1e999', "outcomes[0].score: must lie between ±1,000,000"),
        # an integer too long for Python to convert is refused, not a traceback
        ('"score": ' + "9" * 5000, "outcomes[0].score: must lie between ±1,000,000"),
        ('"score": -' + "9" * 40, "outcomes[0].score: must lie between ±1,000,000"),
    ],
    ids=["nan", "infinity", "1e999", "5000-digits", "negative-40-digits"],
)
def test_when_a_number_is_not_finite_or_huge_then_field_error(raw, expected):
    text = json.dumps(case_dict()).replace('"score": 6', raw, 1)
    assert any(p.startswith(expected) for p in _problems(text))


@pytest.mark.parametrize("depth", [11, 50, 100_000], ids=["just-too-deep", "deep", "very-deep"])
def test_when_json_is_nested_deeply_then_refused_without_recursion_error(depth):
    text = json.dumps(case_dict()).replace('"notes": ""', '"notes": ' + "[" * depth + "]" * depth)
    problems = _problems(text)
    assert len(problems) == 1 and ("nested" in problems[0]), problems


def test_when_thousands_of_unknown_fields_then_problems_are_counted_not_all_listed():
    data = {**case_dict(), **{f"typo{i}": 1 for i in range(5000)}}
    problems = _problems(json.dumps(data))
    assert len(problems) == LIMITS.problems_listed + 1
    assert problems[-1] == f"(and {5000 - LIMITS.problems_listed:,} more problems)"


def test_when_file_is_over_the_byte_limit_then_refused_before_reading(tmp_path: Path):
    path = tmp_path / "big.json"
    with path.open("wb") as file:  # sparse: the size is there, the bytes never read
        file.truncate(LIMITS.case_file_bytes + 1)
    with pytest.raises(CaseError) as caught:
        load_case(path, today=TODAY)
    assert caught.value.problems == [
        f"{LIMITS.case_file_bytes + 1:,} bytes exceed the limit of "
        f"{LIMITS.case_file_bytes:,} bytes per case file"
    ]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_when_file_never_ends_then_reading_stops_at_the_limit():
    with pytest.raises(CaseError) as caught:
        load_case(Path("/dev/zero"), today=TODAY)
    assert "exceed the limit" in caught.value.problems[0]


def test_when_a_case_is_at_the_spec_floor_then_it_is_accepted(tmp_path: Path):
    notes = "Pt tolerated session well. " * 4
    data = case_dict(notes=notes)
    # pad with many moderate fields up to just under 2 MB, every field within its limit
    data["history"]["conditions"] = ["z" * 9_000] * 200
    path = tmp_path / "two-mb.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert 1_800_000 < path.stat().st_size <= LIMITS.case_file_bytes
    assert load_case(path, today=TODAY).case_id == "T-1"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a review dated after today by the program's clock
        ({"review_date": "2099-01-01"}, "review_date: 2099-01-01 is after today (2026-03-02)"),
        # the day after today is already too late
        (
            {"review_date": "2026-03-03", "received_date": "2026-03-03"},
            "review_date: 2026-03-03 is after today",
        ),
        # a received date after today
        ({"received_date": "2026-03-09"}, "received_date: 2026-03-09 is after today"),
        # a prior visit after today
        (
            {
                "submission": "continuation",
                "prior_care": {
                    "visits_completed": 4,
                    "last_visit": "2026-04-01",
                    "visits_per_week": 2,
                },
            },
            "prior_care.last_visit: 2026-04-01 is after today",
        ),
        # an onset before the member was born: review_date − (age + 1) years
        (
            {"member": {"age": 5}, "condition": {"onset_date": "2020-03-01"}},
            "condition.onset_date: 2020-03-01 is before the member was born",
        ),
    ],
    ids=["review-2099", "review-tomorrow", "received", "prior-visit", "onset-before-birth"],
)
def test_when_a_date_is_impossible_then_field_error(changes, expected):
    problems = _problems(json.dumps(case_dict(**changes)))
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    "changes",
    [
        # review on the day itself
        {"review_date": "2026-03-02"},
        # an onset exactly age + 1 years before the review is still possible
        {"member": {"age": 5}, "condition": {"onset_date": "2020-03-02"}},
        # the plan's own dates lie in the future by nature
        {"plan": {"start_date": "2026-03-09", "estimated_discharge": "2026-04-06"}},
    ],
    ids=["today", "onset-at-birth", "plan-dates"],
)
def test_when_dates_are_possible_then_accepted(changes):
    assert parse_case(json.dumps(case_dict(**changes)), today=TODAY).case_id == "T-1"


def test_when_the_clock_moves_on_then_the_same_case_is_accepted():
    text = json.dumps(case_dict(review_date="2026-06-01"))
    assert "review_date" in _problems(text)[0]
    assert parse_case(text, today=dt.date(2026, 6, 1)).review_date == dt.date(2026, 6, 1)
