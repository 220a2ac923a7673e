"""The case model: every valid file accepted, every invalid one rejected by field."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.factories import case_dict
from tools.case import Case, case_json_schema
from tools.case_io import CaseError, expand_paths, load_case, parse_case

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "spec" / "case-format.md"
# The spec's example case, shipped as a demo case so the tests need nothing outside the repo.
SPEC_EXAMPLE = ROOT / "examples" / "cases" / "partially-approved-low-back-12-visits-6-weeks.json"


def test_when_spec_example_then_it_is_accepted():
    case = parse_case(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    assert case.plan.visits_requested == 12
    assert case.received_date is not None


@pytest.mark.skipif(not SPEC.exists(), reason="shared/spec is not beside this checkout")
def test_shipped_example_is_the_spec_example():
    match = re.search(r"```json\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    assert match is not None
    assert json.loads(match.group(1)) == json.loads(SPEC_EXAMPLE.read_text(encoding="utf-8"))


def test_when_received_date_missing_then_it_defaults_to_review_date():
    data = case_dict()
    case = Case.model_validate(data)
    assert case.received_date == case.review_date


def test_when_instrument_spelled_differently_then_it_is_normalised():
    data = case_dict(outcomes=[{"instrument": "quickdash", "date": "2026-02-27", "score": 40}])
    assert Case.model_validate(data).outcomes[0].instrument == "QuickDASH"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a typo in a field name must not pass silently
        ({"plan": {"weeks_requestd": 4}}, "plan.weeks_requestd: unknown field"),
        # dosage must be at least one week
        ({"plan": {"weeks_requested": 0}}, "plan.weeks_requested: must be ≥ 1"),
        # age outside 0-120
        ({"member": {"age": 130}}, "member.age: must be ≤ 120"),
        # dates are ISO
        ({"review_date": "03/02/2026"}, "review_date: must be a date YYYY-MM-DD"),
        # a score outside its instrument's range
        (
            {"outcomes": [{"instrument": "NDI", "date": "2026-02-27", "score": 60}]},
            "outcomes[0].score: 60 is outside NDI's range 0-50",
        ),
        # unknown instrument named
        (
            {"outcomes": [{"instrument": "XYZ", "date": "2026-02-27", "score": 1}]},
            "outcomes[0].instrument: unknown instrument 'XYZ'",
        ),
        # submission kind is a closed vocabulary
        ({"submission": "renewal"}, "submission: must be one of 'initial' or 'continuation'"),
        # onset after the review is impossible
        ({"condition": {"onset_date": "2026-04-01"}}, "condition.onset_date: must not be after"),
        # a score dated after the review
        (
            {"outcomes": [{"instrument": "NPRS", "date": "2026-03-09", "score": 5}]},
            "outcomes[0].date: must not be after review_date",
        ),
        # sex is F, M or X
        ({"member": {"sex": "female"}}, "member.sex: must be one of"),
    ],
)
def test_when_field_invalid_then_error_names_field(changes, expected):
    with pytest.raises(CaseError) as error:
        parse_case(json.dumps(case_dict(**changes)), "case.json")
    assert any(problem.startswith(expected) for problem in error.value.problems), (
        error.value.problems
    )


def test_when_required_field_missing_then_error_says_missing():
    data = case_dict()
    del data["plan"]["visits_requested"]
    with pytest.raises(CaseError) as error:
        parse_case(json.dumps(data))
    assert error.value.problems == ["plan.visits_requested: required field is missing"]


def test_when_several_problems_then_each_is_reported():
    data = case_dict(member={"age": -1}, plan={"visits_requested": 0})
    with pytest.raises(CaseError) as error:
        parse_case(json.dumps(data))
    assert len(error.value.problems) == 2


def test_when_not_json_then_error_gives_line():
    with pytest.raises(CaseError) as error:
        parse_case('{"case_id": ', "bad.json")
    assert "not valid JSON" in error.value.problems[0]
    assert error.value.source == "bad.json"


def test_when_directory_then_json_files_are_expanded_in_order(tmp_path):
    for name in ("b.json", "a.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.json", "b.json"]


def test_when_file_missing_then_case_error(tmp_path):
    with pytest.raises(CaseError, match="file not found"):
        load_case(tmp_path / "nope.json")


def test_schema_is_generated_from_models_and_forbids_extra_fields():
    schema = case_json_schema()
    assert schema["additionalProperties"] is False
    assert "plan" in schema["required"]
    assert schema["$defs"]["Plan"]["properties"]["weeks_requested"]["minimum"] == 1


@pytest.mark.parametrize(
    ("urgency", "due"),
    [
        ("expedited", dt.datetime(2026, 3, 4)),  # 72 hours after receipt
        ("standard", dt.datetime(2026, 3, 8)),  # 7 calendar days after receipt
    ],
)
def test_due_date_follows_urgency(urgency, due):
    case = Case.model_validate(case_dict(urgency=urgency, received_date="2026-03-01"))
    assert case.due_date() == due
